// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memcached_stats.c - the pools' counters (memcached_stats.h) and
 * swap_memcached_get_stats (swap_memcached.h).
 *
 * Locking: atomics only.
 */
#include "autoconfig.h"

#include "memcached_stats.h"

#include "stats.h"

struct remote_stats rstats;

#define PUBLISH(field) \
	__atomic_store_n(&s->remote_##field, __atomic_load_n(&rstats.field, __ATOMIC_RELAXED), \
			 __ATOMIC_RELAXED)

void publish_stats(void)
{
	struct upage_stats *s = __atomic_load_n(&upage_stats, __ATOMIC_RELAXED);

	if (!s)
		return;
	PUBLISH(servers);
	PUBLISH(servers_down);
	PUBLISH(reads);
	PUBLISH(writes);
	PUBLISH(failovers);
	PUBLISH(stale_reads);
	PUBLISH(missing_reads);
	PUBLISH(rereplications);
	PUBLISH(degraded_writes);
	PUBLISH(read_errors);
	PUBLISH(evictions);
	PUBLISH(servers_evicting);
	PUBLISH(deletes);
	PUBLISH(deletes_dropped);
}

void swap_memcached_get_stats(struct remote_stats *st)
{
	st->servers = __atomic_load_n(&rstats.servers, __ATOMIC_RELAXED);
	st->servers_down = __atomic_load_n(&rstats.servers_down, __ATOMIC_RELAXED);
	st->reads = __atomic_load_n(&rstats.reads, __ATOMIC_RELAXED);
	st->writes = __atomic_load_n(&rstats.writes, __ATOMIC_RELAXED);
	st->failovers = __atomic_load_n(&rstats.failovers, __ATOMIC_RELAXED);
	st->stale_reads = __atomic_load_n(&rstats.stale_reads, __ATOMIC_RELAXED);
	st->missing_reads = __atomic_load_n(&rstats.missing_reads, __ATOMIC_RELAXED);
	st->rereplications = __atomic_load_n(&rstats.rereplications, __ATOMIC_RELAXED);
	st->degraded_writes = __atomic_load_n(&rstats.degraded_writes, __ATOMIC_RELAXED);
	st->read_errors = __atomic_load_n(&rstats.read_errors, __ATOMIC_RELAXED);
	st->evictions = __atomic_load_n(&rstats.evictions, __ATOMIC_RELAXED);
	st->servers_evicting = __atomic_load_n(&rstats.servers_evicting, __ATOMIC_RELAXED);
	st->deletes = __atomic_load_n(&rstats.deletes, __ATOMIC_RELAXED);
	st->deletes_dropped = __atomic_load_n(&rstats.deletes_dropped, __ATOMIC_RELAXED);
}
