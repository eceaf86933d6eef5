/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memcached_stats.h - what the memcached pools did (struct remote_stats,
 * swap_memcached.h), counted by the files that serve them and copied
 * where `upage stat` and the report read them (upage_stats).
 *
 * Locking: every counter is an atomic.
 */
#ifndef UPAGE_MEMCACHED_STATS_H
#define UPAGE_MEMCACHED_STATS_H

#include "swap_memcached.h"

extern struct remote_stats rstats;	/* atomics */

/* Copy the counters to upage_stats (set up after the area, and again in
 * a forked child). */
void publish_stats(void);

/* Count @n more of @field, and copy the counters where `upage stat` reads them. */
#define RCOUNT(field, n)                                                  \
	do {                                                              \
		__atomic_add_fetch(&rstats.field, (n), __ATOMIC_RELAXED); \
		publish_stats();                                          \
	} while (0)

#endif /* UPAGE_MEMCACHED_STATS_H */
