/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memcached_delete.h - old copies: a slot freed or written again leaves
 * its copies behind on the servers, and the area's thread deletes them
 * from a queue.  A copy's key names its version, so deleting an old copy
 * can never remove a newer one.
 *
 * Locking: del_lock, a leaf taken inside swap_lock (free_slot) and never
 * together with a server's lock, protects the queue.
 */
#ifndef UPAGE_MEMCACHED_DELETE_H
#define UPAGE_MEMCACHED_DELETE_H

#include "memcached_area.h"

/* Make the queue (start-up, once).  0 or -ENOMEM. */
int memcached_delete_init(void);
/* Queue the deletion of the copies @meta names (0: none), slot @offset of @a. */
void delete_copies(struct mc_area *a, uint64_t meta, unsigned long offset);
/* Delete one copy now: true when the server answered. */
bool delete_copy(struct mc_area *a, unsigned int si, unsigned long offset, uint64_t version);
/* The area's thread (and exit): delete up to @max of what was queued;
 * @areas are swap_memcached.c's, by mc_area.index. */
void delete_queued(struct mc_area *const *areas, unsigned long max);
/* fork: hold the queue (prepare), let go (parent), make its lock anew (child). */
void memcached_delete_lock(void);
void memcached_delete_unlock(void);
void memcached_delete_fork_child(void);

#endif /* UPAGE_MEMCACHED_DELETE_H */
