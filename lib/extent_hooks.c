// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extent_hooks.c - jemalloc draws every extent from the arena.
 *
 * jemalloc (linked into libupage.so) serves the malloc family; these hooks
 * (extent_hooks_t) give it arena memory, and its purges tell the pager
 * which pages the program freed, so they are dropped with their swap
 * slots instead of being swapped.  The hooks are installed on every
 * automatic arena (setting them on one that does not exist yet creates it
 * with them), and malloc_conf turns off the separate huge arena
 * (oversize_threshold:0) that would escape them.  When the arena is full,
 * extents come from the kernel as before: nothing fails for lack of room.
 *
 * Commit and decommit are left out (NULL): jemalloc then never asks for
 * them, and a purge is how it gives pages back.
 *
 * upage's own threads that call into libc while pages are out (the
 * memcached area's thread, whose reconnects look names up) allocate from
 * one more arena, created here with hooks that map outside the arena:
 * a fault on the heap there could wait on that very thread.
 */
#include "autoconfig.h"

#include "extent_hooks.h"

#include <errno.h>
#include <jemalloc/jemalloc.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>

#include "mlock.h"
#include "mmap.h"
#include "runtime.h"
#include "sys.h"

/* jemalloc reads this at its first allocation. */
const char *malloc_conf = "oversize_threshold:0,background_thread:false,retain:true,"
			  "dirty_decay_ms:1000,muzzy_decay_ms:0";

/* An aligned mapping outside the arena (over-allocate, trim). */
static void *map_outside(size_t size, size_t alignment)
{
	size_t len = size + alignment;
	char *p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t start;

	if (p == MAP_FAILED)
		return NULL;
	start = ((uintptr_t)p + alignment - 1) & ~(uintptr_t)(alignment - 1);
	if (start > (uintptr_t)p)
		sys_munmap(p, start - (uintptr_t)p);
	if ((uintptr_t)p + len > start + size)
		sys_munmap((void *)(start + size), (uintptr_t)p + len - (start + size));
	return (void *)start;
}

/*
 * jemalloc's own metadata (the base blocks of arenas 1..n: their extents'
 * descriptors, the arenas themselves) comes through the same hook once it
 * is set.  Paged, it would make a thread's malloc or free fault inside
 * jemalloc with its locks held (and the memcached area's thread wait on
 * itself); the first base, b0, whose radix tree maps every pointer, is
 * kept out by interpose.c's mmap.  Base blocks are the only extents asked
 * for huge-page aligned while jemalloc retains address space (opt.retain,
 * set in malloc_conf): it then grows the heap page-aligned whatever the
 * alignment asked of malloc.  So those go outside, as the kernel's own
 * page tables are never swapped.  Set at install.
 */
#define BASE_ALIGN	(2UL << 20)
static bool base_outside;

static void *extent_alloc(extent_hooks_t *hooks, void *new_addr, size_t size, size_t alignment,
			  bool *zero, bool *commit, unsigned arena_ind)
{
	uintptr_t p;

	if (base_outside && !new_addr && alignment >= BASE_ALIGN) {
		p = (uintptr_t)map_outside(size, alignment);
		if (!p)
			return NULL;
		*zero = true;
		*commit = true;
		return (void *)p;
	}
	if (alignment < PAGE_SIZE)
		alignment = PAGE_SIZE;
	if (new_addr && !arena_contains(&upage.mm.arena, (uintptr_t)new_addr))
		return NULL;	/* jemalloc asks to extend in place: no */
	/* With new_addr jemalloc asks to grow in place: only if it is free. */
	p = upage_map_anon((uintptr_t)new_addr, size, alignment, PROT_READ | PROT_WRITE, false);
	if (p && mlock_new_mapping(p, size)) {
		upage_unmap(p, size);	/* MCL_FUTURE, and it cannot be locked */
		return NULL;
	}
	if (!p && !new_addr)
		p = (uintptr_t)map_outside(size, alignment);
	if (!p)
		return NULL;
	*zero = true;
	*commit = true;
	return (void *)p;
}

static bool extent_dalloc(extent_hooks_t *hooks, void *addr, size_t size, bool committed,
			  unsigned arena_ind)
{
	if (arena_contains(&upage.mm.arena, (uintptr_t)addr))
		return upage_unmap((uintptr_t)addr, size) != 0;
	return sys_munmap(addr, size) != 0;
}

static void extent_destroy(extent_hooks_t *hooks, void *addr, size_t size, bool committed,
			   unsigned arena_ind)
{
	extent_dalloc(hooks, addr, size, committed, arena_ind);
}

static bool extent_purge(extent_hooks_t *hooks, void *addr, size_t size, size_t offset,
			 size_t length, unsigned arena_ind)
{
	char *p = (char *)addr + offset;

	if (arena_contains(&upage.mm.arena, (uintptr_t)addr))
		return upage_zap((uintptr_t)p, length) != 0;
	return sys_madvise(p, length, MADV_DONTNEED) != 0;
}

/* Regions split and merge by themselves when ranges are unmapped. */
static bool extent_split(extent_hooks_t *hooks, void *addr, size_t size, size_t size_a,
			 size_t size_b, bool committed, unsigned arena_ind)
{
	return false;
}

static bool extent_merge(extent_hooks_t *hooks, void *addr_a, size_t size_a, void *addr_b,
			 size_t size_b, bool committed, unsigned arena_ind)
{
	const struct arena *a = &upage.mm.arena;

	/* Both halves must be on the same side of the arena's edge. */
	return arena_contains(a, (uintptr_t)addr_a) != arena_contains(a, (uintptr_t)addr_b);
}

static extent_hooks_t upage_extent_hooks = {
	.alloc = extent_alloc,
	.dalloc = extent_dalloc,
	.destroy = extent_destroy,
	.commit = NULL,
	.decommit = NULL,
	.purge_lazy = extent_purge,
	.purge_forced = extent_purge,
	.split = extent_split,
	.merge = extent_merge,
};

/* Install the hooks on every automatic arena.  Returns 0 or -errno. */
int extent_hooks_install(void)
{
	extent_hooks_t *hooks = &upage_extent_hooks;
	unsigned narenas;
	size_t sz = sizeof(narenas), bsz = sizeof(base_outside);
	char name[64];
	int ret;

	if (mallctl("opt.retain", &base_outside, &bsz, NULL, 0))
		base_outside = false;
	ret = mallctl("opt.narenas", &narenas, &sz, NULL, 0);
	if (ret)
		return -ret;
	for (unsigned i = 0; i < narenas; i++) {
		snprintf(name, sizeof(name), "arena.%u.extent_hooks", i);
		ret = mallctl(name, NULL, NULL, &hooks, sizeof(hooks));
		if (ret)
			return -ret;
	}
	return 0;
}

/* The outside arena's extents: never in the arena, never paged. */
static void *outside_alloc(extent_hooks_t *hooks, void *new_addr, size_t size, size_t alignment,
			   bool *zero, bool *commit, unsigned arena_ind)
{
	void *p;

	if (new_addr)
		return NULL;	/* no growing in place */
	p = map_outside(size, alignment < PAGE_SIZE ? PAGE_SIZE : alignment);
	if (!p)
		return NULL;
	*zero = true;
	*commit = true;
	return p;
}

static bool outside_dalloc(extent_hooks_t *hooks, void *addr, size_t size, bool committed,
			   unsigned arena_ind)
{
	return sys_munmap(addr, size) != 0;
}

static void outside_destroy(extent_hooks_t *hooks, void *addr, size_t size, bool committed,
			    unsigned arena_ind)
{
	sys_munmap(addr, size);
}

static bool outside_purge(extent_hooks_t *hooks, void *addr, size_t size, size_t offset,
			  size_t length, unsigned arena_ind)
{
	return sys_madvise((char *)addr + offset, length, MADV_DONTNEED) != 0;
}

static bool outside_split(extent_hooks_t *hooks, void *addr, size_t size, size_t size_a,
			  size_t size_b, bool committed, unsigned arena_ind)
{
	return false;
}

static bool outside_merge(extent_hooks_t *hooks, void *addr_a, size_t size_a, void *addr_b,
			  size_t size_b, bool committed, unsigned arena_ind)
{
	return false;
}

static extent_hooks_t outside_extent_hooks = {
	.alloc = outside_alloc,
	.dalloc = outside_dalloc,
	.destroy = outside_destroy,
	.purge_lazy = outside_purge,
	.purge_forced = outside_purge,
	.split = outside_split,
	.merge = outside_merge,
};

static unsigned outside_arena;
static int outside_err;
static pthread_once_t outside_once = PTHREAD_ONCE_INIT;

static void outside_create(void)
{
	extent_hooks_t *hooks = &outside_extent_hooks;
	size_t sz = sizeof(outside_arena);

	outside_err = mallctl("arenas.create", &outside_arena, &sz, &hooks, sizeof(hooks));
}

int extent_hooks_bind_outside(void)
{
	bool off = false;
	int ret;

	pthread_once(&outside_once, outside_create);
	if (outside_err)
		return -outside_err;
	/* The thread cache would hand back blocks freed from any arena. */
	ret = mallctl("thread.tcache.enabled", NULL, NULL, &off, sizeof(off));
	if (!ret)
		ret = mallctl("thread.arena", NULL, NULL, &outside_arena, sizeof(outside_arena));
	return -ret;
}
