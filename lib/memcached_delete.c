// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memcached_delete.c - old copies deleted (memcached_delete.h).  Pushed
 * under swap_lock (free_slot) and from writes; a full queue leaks the
 * copy (counted: deletes_dropped), as does a server down when the
 * thread comes to it.
 *
 * Locking: del_lock protects del_queue, del_head and del_tail.
 */
#include "autoconfig.h"

#include "memcached_delete.h"

#include <errno.h>

#include "memcached_server.h"
#include "memcached_stats.h"

/*
 * Copies to delete: a slot freed or written again leaves its old copies
 * behind, and the area's thread deletes them.  Pushed under swap_lock
 * (free_slot) and from writes; a full queue leaks the copy (counted).
 */
#define MC_DEL_QUEUE	65536
struct mc_del {
	uint64_t version;
	unsigned long offset;
	uint8_t area;
	uint8_t server;
};
/* A leaf, taken inside swap_lock: protects del_queue, del_head, del_tail. */
static pthread_mutex_t del_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mc_del *del_queue;
static unsigned long del_head, del_tail;

/* Queue the deletion of the copies @meta names (0: none). */

void delete_copies(struct mc_area *a, uint64_t meta, unsigned long offset)
{
	if (!slot_meta_version(meta) || !del_queue)
		return;
	pthread_mutex_lock(&del_lock);
	for (int c = 0; c < 2; c++) {
		uint8_t s = slot_meta_server(meta, c);

		if (s == RING_NONE)
			continue;
		if (del_tail - del_head == MC_DEL_QUEUE) {
			__atomic_add_fetch(&rstats.deletes_dropped, 1, __ATOMIC_RELAXED);
			continue;
		}
		del_queue[del_tail++ % MC_DEL_QUEUE] =
			(struct mc_del){ .version = slot_meta_version(meta), .offset = offset,
					 .area = a->index, .server = s };
	}
	pthread_mutex_unlock(&del_lock);
}

/* Delete one copy now: true when the server answered. */
bool delete_copy(struct mc_area *a, unsigned int si, unsigned long offset,
			uint64_t version)
{
	struct mc_server *s = &a->srv[si];
	char key[MC_KEY_LEN];
	int klen = slot_key(a, offset, version, key);
	memcached_return_t rc;
	struct mc_conn *cn;
	uint64_t t0 = now_ns();	/* the failure message says how long it waited */

	if (server_down(s) || !(cn = conn_get(s, false)))
		return false;
	rc = mcl.delete(&cn->memc, key, (size_t)klen, 0);
	conn_put(s, rc_server_failed(rc));
	if (rc_server_failed(rc)) {
		server_failed(a, s, rc, t0);
		return false;
	}
	return true;
}

/* The area's thread: delete up to @max of what was queued (a backlog
 * must not hold back the probes a waiting fault needs). */
void delete_queued(struct mc_area *const *areas, unsigned long max)
{
	if (!del_queue)
		return;
	while (max--) {
		struct mc_del d;
		bool have = false;

		pthread_mutex_lock(&del_lock);
		if (del_head != del_tail) {
			d = del_queue[del_head++ % MC_DEL_QUEUE];
			have = true;
		}
		pthread_mutex_unlock(&del_lock);
		if (!have)
			return;
		if (delete_copy(areas[d.area], d.server, d.offset, d.version))
			RCOUNT(deletes, 1);
		else
			__atomic_add_fetch(&rstats.deletes_dropped, 1, __ATOMIC_RELAXED);
	}
}

int memcached_delete_init(void)
{
	if (!del_queue)
		del_queue = sys_alloc_pages(PAGE_ALIGN(MC_DEL_QUEUE * sizeof(*del_queue)));
	return del_queue ? 0 : -ENOMEM;
}

void memcached_delete_lock(void)
{
	pthread_mutex_lock(&del_lock);
}

void memcached_delete_unlock(void)
{
	pthread_mutex_unlock(&del_lock);
}

void memcached_delete_fork_child(void)
{
	pthread_mutex_init(&del_lock, NULL);
}
