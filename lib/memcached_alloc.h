/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memcached_alloc.h - libmemcached's memory, outside the arena: the
 * allocators given to every memcached_st of a pool (memcached_server.c),
 * size classes of kmem_caches for small blocks and raw pages for large
 * ones.  A block paged out on the pool could otherwise be needed to
 * bring itself back.
 *
 * Locking: each size class's kmem_cache lock; fork holds them all
 * (memcached_alloc_lock) so that the child gets them free.
 */
#ifndef UPAGE_MEMCACHED_ALLOC_H
#define UPAGE_MEMCACHED_ALLOC_H

#include <stddef.h>

#include "swap_memcached_lib.h"

/* Set the size classes up (once; again is a no-op). */
void memcached_alloc_init(void);

/* libmemcached's allocators (memcached_set_memory_allocators). */
void *mc_malloc(const memcached_st *m, size_t size, void *ctx);
void mc_free(const memcached_st *m, void *ptr, void *ctx);
void *mc_realloc(const memcached_st *m, void *ptr, size_t size, void *ctx);
void *mc_calloc(const memcached_st *m, size_t nelem, size_t elsize, void *ctx);

/* fork: hold every size class (prepare), let go (parent), or make the
 * locks anew (child). */
void memcached_alloc_lock(void);
void memcached_alloc_unlock(void);
void memcached_alloc_fork_child(void);

#endif /* UPAGE_MEMCACHED_ALLOC_H */
