// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * interpose.c - the libc symbols libupage.so exports besides jemalloc's
 * malloc family: mmap, munmap, mremap, mprotect and madvise, and pvalloc
 * (which jemalloc lacks).
 *
 * An anonymous private mapping goes into the arena; anything else, and
 * anything asked before the arena is up or after it is full, is passed to
 * the kernel as if upage were not there.  Thread stacks (MAP_STACK) stay
 * outside: the threads serving faults must never fault on their own
 * stacks.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mlock.h"
#include "mmap.h"
#include "runtime.h"
#include "sys.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Flags that keep a mapping out of the arena. */
#define MAP_NOT_ARENA (MAP_SHARED | MAP_STACK | MAP_HUGETLB | MAP_GROWSDOWN | MAP_32BIT)

/* Does [addr, addr+len) touch the arena at all? */
static bool overlaps_arena(const void *addr, size_t len)
{
	const struct arena *a = &upage.mm.arena;
	uintptr_t s = (uintptr_t)addr;

	return upage.active && len && s < a->base + a->size && s + len > a->base;
}

/*
 * libupage.so's own code, from its ELF header to the end of its text
 * (the linker's symbols, this object's own).  upage maps with sys_mmap;
 * what calls mmap from here is jemalloc, mapping its first base (b0,
 * which never takes the extent hooks): the radix tree that maps every
 * pointer to its extent, read and written by every thread's malloc and
 * free.  In the arena it was paged out, and a thread that must not fault
 * on the arena (the memcached area's) faulted inside jemalloc, its locks
 * held.  So those mappings stay the kernel's, as its page tables do.
 */
extern const char __ehdr_start[] __attribute__((visibility("hidden")));
extern const char __etext[] __attribute__((visibility("hidden")));

static bool from_jemalloc(const void *caller)
{
	return (const char *)caller >= __ehdr_start && (const char *)caller < __etext;
}

static void *fail(int err)
{
	errno = err;
	return MAP_FAILED;
}

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	uintptr_t p;

	if (!upage.active || (fixed && !overlaps_arena(addr, len)) ||
	    (!fixed && from_jemalloc(__builtin_return_address(0))))
		return sys_mmap(addr, len, prot, flags, fd, off);
	if (fixed && !arena_contains_range(&upage.mm.arena, (uintptr_t)addr, len))
		return fail(ENOMEM);	/* would cut the arena */
	if (!(flags & MAP_ANONYMOUS) || (flags & MAP_NOT_ARENA)) {
		if (fixed)
			return upage_map_foreign((uintptr_t)addr, len, prot, flags, fd, off);
		return sys_mmap(addr, len, prot, flags, fd, off);
	}
	p = upage_map_anon(fixed ? (uintptr_t)addr : 0, len, 0, prot, flags & MAP_FIXED);
	if (p && mlock_new_mapping(p, len)) {
		upage_unmap(p, len);	/* MCL_FUTURE, and it cannot be locked */
		return fail(EAGAIN);
	}
	if (p)
		return (void *)p;
	if (fixed)
		return fail(flags & MAP_FIXED ? ENOMEM : EEXIST);
	/* The arena is full: served outside, as before upage. */
	return sys_mmap(addr, len, prot, flags, fd, off);
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));

EXPORT int munmap(void *addr, size_t len)
{
	const struct arena *a = &upage.mm.arena;
	uintptr_t s = (uintptr_t)addr, e = s + len, as, ae;
	int ret;

	if (!overlaps_arena(addr, len))
		return sys_munmap(addr, len);
	if (s & ~PAGE_MASK) {
		errno = EINVAL;
		return -1;
	}
	e = PAGE_ALIGN(e);
	as = s > a->base ? s : a->base;
	ae = e < a->base + a->size ? e : a->base + a->size;
	/* The parts outside the arena, if any, are the kernel's. */
	if (s < as && sys_munmap(addr, as - s))
		return -1;
	if (e > ae && sys_munmap((void *)ae, e - ae))
		return -1;
	ret = upage_unmap(as, ae - as);
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

EXPORT int mprotect(void *addr, size_t len, int prot)
{
	int ret;

	if (!overlaps_arena(addr, len))
		return sys_mprotect(addr, len, prot);
	ret = upage_mprotect((uintptr_t)addr, len, prot);
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

EXPORT int madvise(void *addr, size_t len, int advice)
{
	if (!overlaps_arena(addr, len))
		return sys_madvise(addr, len, advice);
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
	case MADV_REMOVE: {
		int ret = upage_zap_advice((uintptr_t)addr, len, advice);

		return ret ? (errno = -ret, -1) : 0;
	}
	case MADV_HUGEPAGE:
		return 0;	/* arena pages stay small: upage pages them */
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK: {
		/* upage's to honour: a forked child's memory is upage's copy
		 * (fork.c), not the kernel's. */
		int ret = upage_fork_advice((uintptr_t)addr, len, advice);

		return ret ? (errno = -ret, -1) : 0;
	}
	default:
		return sys_madvise(addr, len, advice);
	}
}

EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	void *new_addr = NULL;

	if (flags & MREMAP_FIXED) {
		__builtin_va_list ap;

		__builtin_va_start(ap, flags);
		new_addr = __builtin_va_arg(ap, void *);
		__builtin_va_end(ap);
	}
	/* Arena memory, or a mapping from outside moved into the arena. */
	if (!upage.active || (!arena_contains(&upage.mm.arena, (uintptr_t)old) &&
			      !((flags & MREMAP_FIXED) && overlaps_arena(new_addr, new_len))))
		return sys_mremap(old, old_len, new_len, flags, new_addr);
	return upage_mremap((uintptr_t)old, old_len, new_len, flags, (uintptr_t)new_addr);
}

/* glibc's pvalloc: page aligned, size rounded up to pages. */
EXPORT void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (size > SIZE_MAX - page) {
		errno = ENOMEM;
		return NULL;
	}
	return aligned_alloc(page, size ? (size + page - 1) & ~(page - 1) : page);
}
