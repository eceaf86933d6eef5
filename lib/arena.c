// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arena.c - the arena: one PROT_NONE, MAP_NORESERVE reservation of address
 * space, and the allocator of its page-granular virtual ranges.
 *
 * Only the free ranges are recorded, each once in two red-black trees:
 * free_by_addr, ordered by start, finds the neighbours a freed range
 * coalesces with and tells whether a range is wholly free or wholly in use;
 * free_by_size, ordered by (length, start), gives the best fit, the lowest
 * address among equal lengths.  A node's start or length changes only
 * while it is out of free_by_size; moving a start within free_by_addr never
 * passes another free range, so that tree needs no reinsertion.
 *
 * Allocated ranges are not recorded: arena_free may therefore take any
 * part of the allocated space (a prefix, a suffix, a hole, a span over
 * several allocations) and checks only that none of it is already free.
 *
 * The reservation is aligned to 4 MiB (a page directory entry), so the
 * software page table that mirrors it maps each page table onto an aligned
 * 4 MiB, as on the i386.
 *
 * Locking: arena->lock protects both trees, free_bytes and nr_free_ranges;
 * every public call takes it.  base and size never change after
 * arena_init and are read without it.  Lock order: arena->lock, then the
 * node cache's own lock (kmem_cache_alloc/free are called under it).
 */
#include "autoconfig.h"

#include "arena.h"

#include <errno.h>
#include <sys/mman.h>

#define ARENA_PAGE_SIZE		4096UL
#define ARENA_PAGE_MASK		(~(ARENA_PAGE_SIZE - 1))
#define ARENA_CHUNK		(4UL << 20)	/* one page directory entry */
#define ARENA_MAX_SIZE		(1UL << 47)	/* x86-64 user address space */

static int range_addr_cmp(struct arena_range *a, struct arena_range *b)
{
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return 0;
}

static int range_size_cmp(struct arena_range *a, struct arena_range *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return 0;
}

/* libbsd leaves __unused undefined, so RB_GENERATE_STATIC cannot be used. */
#define RB_STATIC __attribute__((__unused__)) static
RB_GENERATE_INTERNAL(arena_addr_tree, arena_range, by_addr, range_addr_cmp, RB_STATIC)
RB_GENERATE_INTERNAL(arena_size_tree, arena_range, by_size, range_size_cmp, RB_STATIC)

static inline uintptr_t range_end(const struct arena_range *r)
{
	return r->start + r->len;
}

static inline bool page_aligned(uintptr_t x)
{
	return (x & ~ARENA_PAGE_MASK) == 0;
}

/* Callers of the helpers below hold a->lock. */

static void range_insert(struct arena *a, struct arena_range *r)
{
	RB_INSERT(arena_addr_tree, &a->free_by_addr, r);
	RB_INSERT(arena_size_tree, &a->free_by_size, r);
	a->nr_free_ranges++;
}

static void range_remove(struct arena *a, struct arena_range *r)
{
	RB_REMOVE(arena_addr_tree, &a->free_by_addr, r);
	RB_REMOVE(arena_size_tree, &a->free_by_size, r);
	a->nr_free_ranges--;
	kmem_cache_free(&a->nodes, r);
}

/* Give @r new bounds; it keeps its place in free_by_addr (see the top). */
static void range_resize(struct arena *a, struct arena_range *r, uintptr_t start, size_t len)
{
	RB_REMOVE(arena_size_tree, &a->free_by_size, r);
	r->start = start;
	r->len = len;
	RB_INSERT(arena_size_tree, &a->free_by_size, r);
}

/* The free range with the greatest start <= @addr, or NULL. */
static struct arena_range *range_at_or_before(struct arena *a, uintptr_t addr)
{
	struct arena_range key = { .start = addr };
	struct arena_range *r = RB_NFIND(arena_addr_tree, &a->free_by_addr, &key);

	if (r && r->start == addr)
		return r;
	if (r)
		return RB_PREV(arena_addr_tree, &a->free_by_addr, r);
	return RB_MAX(arena_addr_tree, &a->free_by_addr);
}

/*
 * Take [start, start+len) out of the free range @r that contains it: what
 * is left on each side stays free.  @spare is a node for the tail, used
 * only when both a head and a tail remain; returns true when it was used.
 */
static bool range_carve(struct arena *a, struct arena_range *r, uintptr_t start, size_t len,
			struct arena_range *spare)
{
	uintptr_t end = start + len, r_end = range_end(r);

	a->free_bytes -= len;
	if (start == r->start && end == r_end) {
		range_remove(a, r);
		return false;
	}
	if (start == r->start) {
		range_resize(a, r, end, r_end - end);
		return false;
	}
	range_resize(a, r, r->start, start - r->start);
	if (end == r_end)
		return false;
	spare->start = end;
	spare->len = r_end - end;
	range_insert(a, spare);
	return true;
}

/* Carve under the lock, with a spare node taken only when it is needed. */
static int range_carve_alloc(struct arena *a, struct arena_range *r, uintptr_t start, size_t len)
{
	struct arena_range *spare = NULL;

	if (start != r->start && start + len != range_end(r)) {
		spare = kmem_cache_alloc(&a->nodes);
		if (!spare)
			return -ENOMEM;
	}
	range_carve(a, r, start, len, spare);
	return 0;
}

int arena_init(struct arena *a, size_t size)
{
	struct arena_range *all;
	size_t reserve;
	uintptr_t raw, base;
	void *p;

	if (size == 0 || size > ARENA_MAX_SIZE)
		return -EINVAL;
	size = (size + ARENA_CHUNK - 1) & ~(ARENA_CHUNK - 1);

	/* Over-reserve by a chunk less a page, then trim to 4 MiB alignment. */
	reserve = size + ARENA_CHUNK - ARENA_PAGE_SIZE;
	p = sys_mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	raw = (uintptr_t)p;
	base = (raw + ARENA_CHUNK - 1) & ~(ARENA_CHUNK - 1);
	if (base > raw)
		sys_munmap(p, base - raw);
	if (raw + reserve > base + size)
		sys_munmap((void *)(base + size), raw + reserve - (base + size));

	a->base = base;
	a->size = size;
	a->free_bytes = 0;
	a->nr_free_ranges = 0;
	RB_INIT(&a->free_by_addr);
	RB_INIT(&a->free_by_size);
	kmem_cache_init(&a->nodes, sizeof(struct arena_range));
	pthread_mutex_init(&a->lock, NULL);

	all = kmem_cache_alloc(&a->nodes);
	if (!all) {
		arena_destroy(a);
		return -ENOMEM;
	}
	all->start = base;
	all->len = size;
	range_insert(a, all);
	a->free_bytes = size;
	return 0;
}

void arena_destroy(struct arena *a)
{
	struct arena_range *r, *next;

	RB_FOREACH_SAFE(r, arena_addr_tree, &a->free_by_addr, next)
		range_remove(a, r);
	a->free_bytes = 0;
	if (a->size)
		sys_munmap((void *)a->base, a->size);
	a->size = 0;
	pthread_mutex_destroy(&a->lock);
}

/* The lowest-addressed free range of the smallest length that holds @len
 * bytes at an @align boundary; stores that boundary in *@start. */
static struct arena_range *best_fit(struct arena *a, size_t len, size_t align, uintptr_t *start)
{
	struct arena_range key = { .start = 0, .len = len };
	struct arena_range *r = RB_NFIND(arena_size_tree, &a->free_by_size, &key);

	/* Any range of len + align - PAGE fits, so the walk ends by then. */
	for (; r; r = RB_NEXT(arena_size_tree, &a->free_by_size, r)) {
		uintptr_t s = (r->start + align - 1) & ~(uintptr_t)(align - 1);

		if (s >= r->start && s - r->start <= r->len - len) {
			*start = s;
			return r;
		}
	}
	return NULL;
}

int arena_alloc(struct arena *a, size_t len, size_t align, uintptr_t *addr)
{
	struct arena_range *r;
	uintptr_t start = 0;
	int ret;

	if (len == 0)
		return -EINVAL;
	if (align == 0)
		align = ARENA_PAGE_SIZE;
	if (align < ARENA_PAGE_SIZE || (align & (align - 1)))
		return -EINVAL;
	if (len > a->size)
		return -ENOMEM;
	len = (len + ARENA_PAGE_SIZE - 1) & ARENA_PAGE_MASK;

	pthread_mutex_lock(&a->lock);
	r = best_fit(a, len, align, &start);
	ret = r ? range_carve_alloc(a, r, start, len) : -ENOMEM;
	pthread_mutex_unlock(&a->lock);
	if (ret == 0)
		*addr = start;
	return ret;
}

static bool range_valid(const struct arena *a, uintptr_t addr, size_t len)
{
	return len && page_aligned(addr) && page_aligned(len) && arena_contains_range(a, addr, len);
}

int arena_alloc_fixed(struct arena *a, uintptr_t addr, size_t len)
{
	struct arena_range *r;
	int ret;

	if (!range_valid(a, addr, len))
		return -EINVAL;

	pthread_mutex_lock(&a->lock);
	r = range_at_or_before(a, addr);
	if (!r || range_end(r) < addr + len)
		ret = -EEXIST;
	else
		ret = range_carve_alloc(a, r, addr, len);
	pthread_mutex_unlock(&a->lock);
	return ret;
}

/*
 * Free [addr, end) between the free ranges @prev and @next (either may be
 * NULL), joining whichever of them it touches.  Returns 0 or -ENOMEM when
 * it touches neither and no node can be had.
 */
static int range_coalesce(struct arena *a, struct arena_range *prev, struct arena_range *next,
			  uintptr_t addr, uintptr_t end)
{
	bool join_prev = prev && range_end(prev) == addr;
	bool join_next = next && next->start == end;
	struct arena_range *r;

	if (join_prev && join_next) {
		uintptr_t next_end = range_end(next);

		range_remove(a, next);
		range_resize(a, prev, prev->start, next_end - prev->start);
	} else if (join_prev) {
		range_resize(a, prev, prev->start, end - prev->start);
	} else if (join_next) {
		range_resize(a, next, addr, range_end(next) - addr);
	} else {
		r = kmem_cache_alloc(&a->nodes);
		if (!r)
			return -ENOMEM;
		r->start = addr;
		r->len = end - addr;
		range_insert(a, r);
	}
	a->free_bytes += end - addr;
	return 0;
}

/*
 * Returns 0, -EINVAL, -ENOENT (see arena.h), or -ENOMEM when the range
 * touches no free range and no node can be allocated for it (nothing is
 * changed then either).
 */
int arena_free(struct arena *a, uintptr_t addr, size_t len)
{
	struct arena_range *prev, *next;
	uintptr_t end = addr + len;
	int ret;

	if (!range_valid(a, addr, len))
		return -EINVAL;

	pthread_mutex_lock(&a->lock);
	prev = range_at_or_before(a, addr);
	next = prev ? RB_NEXT(arena_addr_tree, &a->free_by_addr, prev)
		    : RB_MIN(arena_addr_tree, &a->free_by_addr);
	if ((prev && range_end(prev) > addr) || (next && next->start < end))
		ret = -ENOENT;
	else
		ret = range_coalesce(a, prev, next, addr, end);
	pthread_mutex_unlock(&a->lock);
	return ret;
}
