/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arena.h - the arena: one large reservation of address space where the
 * program's heap and anonymous mappings live, and the allocator of its
 * virtual ranges.
 *
 * The reservation is PROT_NONE and MAP_NORESERVE: it costs no memory, and
 * an address that no region covers faults as it would outside upage.
 * Ranges are page granular.  Freed ranges coalesce with their neighbours,
 * and part of an allocated range may be freed (an interposed munmap can cut
 * a hole in the middle of a mapping).
 *
 * Free ranges are kept twice: by address (to coalesce) and by size (best
 * fit, lowest address among equals), both balanced trees, so every
 * operation is O(log n) in the number of free ranges.  Tree nodes come from
 * a kmem_cache, never from malloc.
 *
 * Locking: arena->lock protects the trees and free_bytes; base and size
 * never change after arena_init and are read without it.
 */
#ifndef UPAGE_ARENA_H
#define UPAGE_ARENA_H

#include <bsd/sys/tree.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys.h"

#define ARENA_DEFAULT_SIZE	(4UL << 30)

struct arena_range {
	uintptr_t start;
	size_t len;
	RB_ENTRY(arena_range) by_addr;
	RB_ENTRY(arena_range) by_size;
};

RB_HEAD(arena_addr_tree, arena_range);
RB_HEAD(arena_size_tree, arena_range);

struct arena {
	uintptr_t base;			/* first byte of the reservation */
	size_t size;			/* bytes reserved */
	size_t free_bytes;		/* bytes in free ranges */
	unsigned long nr_free_ranges;	/* nodes in either tree */
	struct arena_addr_tree free_by_addr;
	struct arena_size_tree free_by_size;
	struct kmem_cache nodes;
	pthread_mutex_t lock;
};

/*
 * Reserve @size bytes (rounded up to a page directory, 4 MiB) of address
 * space, all free.  Returns 0, -EINVAL for a size of 0 or one that does not
 * fit the address space, or -ENOMEM when the reservation fails.
 */
int arena_init(struct arena *a, size_t size);
/* Release the reservation and every node. */
void arena_destroy(struct arena *a);

/*
 * Allocate @len bytes (rounded up to pages) aligned to @align (a power of
 * two, at least a page; 0 means a page).  On success stores the start in
 * *@addr and returns 0; -EINVAL for a zero length or a bad alignment,
 * -ENOMEM when no free range fits (the arena is exhausted).
 */
int arena_alloc(struct arena *a, size_t len, size_t align, uintptr_t *addr);
/*
 * Allocate exactly [@addr, @addr + @len).  Returns 0, -EINVAL when it is
 * not page aligned or leaves the arena, -EEXIST when any part is in use.
 */
int arena_alloc_fixed(struct arena *a, uintptr_t addr, size_t len);
/*
 * Free [@addr, @addr + @len), which may be any page-aligned part of
 * allocated ranges (a prefix, a suffix, a hole in the middle, or a span
 * over several).  Returns 0, -EINVAL when it is not page aligned or leaves
 * the arena, -ENOENT when part of it is already free (nothing is changed).
 */
int arena_free(struct arena *a, uintptr_t addr, size_t len);

static inline bool arena_contains(const struct arena *a, uintptr_t addr)
{
	return addr >= a->base && addr - a->base < a->size;
}

/* True when [addr, addr+len) lies wholly inside the arena. */
static inline bool arena_contains_range(const struct arena *a, uintptr_t addr, size_t len)
{
	return arena_contains(a, addr) && len <= a->size - (addr - a->base);
}

#endif /* UPAGE_ARENA_H */
