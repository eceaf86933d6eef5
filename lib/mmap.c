// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmap.c - the arena's mmap, munmap, mprotect, mremap and madvise: what
 * the interposed calls (interpose.c) and jemalloc's extent hooks
 * (extent_hooks.c) do to an arena range.
 *
 * A mapping is three things kept in step: an allocated range of the arena
 * (arena.c), a region (vma.c), and the kernel's mapping that makes its
 * accesses fault to the engine.  Unmapping also drops the pages and their
 * swap slots (zap_page_range), so freed memory is never written to swap
 * and its slots are reused at once.
 *
 * Locking: mmap_lock for writing for the whole operation (regions),
 * page_table_lock inside it for the pages, the program's asynchronous
 * signals blocked meanwhile (lock_mm).  Neither lock is held while
 * program memory is touched (mremap's copy), since that may fault.
 */
#include "autoconfig.h"

#include "mmap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "memory.h"
#include "mlock.h"
#include "runtime.h"
#include "signals.h"
#include "sys.h"

static unsigned long prot_to_vm_flags(int prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

static int vm_flags_to_prot(unsigned long flags)
{
	return (flags & VM_READ ? PROT_READ : 0) | (flags & VM_WRITE ? PROT_WRITE : 0) |
	       (flags & VM_EXEC ? PROT_EXEC : 0);
}

/*
 * mmap_lock for writing, with the program's asynchronous signals held off
 * until it is released: a handler of the program's that ran on this
 * thread now could fault on the arena and wait for this very thread's
 * locks, and a cancellation could unwind it holding them.  As in the
 * kernel, where no handler runs half-way through munmap.
 */
static void lock_mm(struct mm_struct *mm, sigset_t *saved)
{
	sigset_t async;

	upage_async_signals(&async);
	sys_sigmask(SIG_BLOCK, &async, saved);
	mmap_write_lock(mm);
}

static void unlock_mm(struct mm_struct *mm, const sigset_t *saved)
{
	mmap_write_unlock(mm);
	sys_sigmask(SIG_SETMASK, saved, NULL);
}

static void *mremap_fail(int err)
{
	errno = err;
	return MAP_FAILED;
}

static void zap_locked(uintptr_t start, size_t len)
{
	struct mm_struct *mm = &upage.mm;

	pthread_mutex_lock(&mm->page_table_lock);
	zap_page_range(mm, start, len);
	pthread_mutex_unlock(&mm->page_table_lock);
}

/*
 * Remove every region in [start, end), with its pages; give the address
 * range back to the arena when @release.  mmap_lock held.
 */
static int unmap_locked(uintptr_t start, uintptr_t end, bool release)
{
	struct mm_struct *mm = &upage.mm;
	uintptr_t cur = start;
	int ret = 0;

	while (cur < end) {
		struct vm_area_struct *vma = find_vma(mm, cur);
		uintptr_t s, e;

		if (!vma || vma->vm_start >= end)
			break;
		s = vma->vm_start > cur ? vma->vm_start : cur;
		e = vma->vm_end < end ? vma->vm_end : end;
		if (!(vma->vm_flags & VM_FOREIGN))
			zap_locked(s, e - s);
		ret = do_munmap(mm, s, e);
		if (ret)
			break;
		/* A foreign mapping goes with the arena's reservation put
		 * back, as an anonymous region's does. */
		upage.mm.engine->unmap_range(s, e - s);
		arena_free(&mm->arena, s, e - s);
		cur = e;
	}
	return ret;
}

/* Is any of [start, end) a region's?  mmap_lock held. */
static bool range_in_use(uintptr_t start, uintptr_t end)
{
	struct vm_area_struct *vma = find_vma(&upage.mm, start);

	return vma && vma->vm_start < end;
}

/* Do the regions cover [start, end) without a gap?  mmap_lock held. */
static bool range_covered(uintptr_t start, uintptr_t end)
{
	struct mm_struct *mm = &upage.mm;

	for (uintptr_t cur = start; cur < end;) {
		struct vm_area_struct *vma = find_vma_containing(mm, cur);

		if (!vma)
			return false;
		cur = vma->vm_end;
	}
	return true;
}

/* The kernel's early refusals of a file mapping (a bad descriptor, an
 * access the file's open mode forbids), before anything is changed. */
static int foreign_check(int prot, int flags, int fd)
{
	int mode;

	if (flags & MAP_ANONYMOUS)
		return 0;
	mode = fcntl(fd, F_GETFL);
	if (mode < 0)
		return -EBADF;
	mode &= O_ACCMODE;
	if (mode == O_WRONLY)
		return -EACCES;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) && mode != O_RDWR)
		return -EACCES;
	return 0;
}

static bool range_ok(uintptr_t start, size_t len)
{
	return !(start & ~PAGE_MASK) && len &&
	       arena_contains_range(&upage.mm.arena, start, PAGE_ALIGN(len));
}

uintptr_t upage_map_anon(uintptr_t fixed, size_t len, size_t align, int prot, bool replace)
{
	struct mm_struct *mm = &upage.mm;
	sigset_t sigs;
	uintptr_t start = fixed;
	int ret;

	len = PAGE_ALIGN(len);
	lock_mm(mm, &sigs);
	if (fixed) {
		if (replace)
			unmap_locked(fixed, fixed + len, true);
		ret = arena_alloc_fixed(&mm->arena, fixed, len);
	} else {
		ret = arena_alloc(&mm->arena, len, align, &start);
	}
	if (ret)
		goto out;
	ret = upage.mm.engine->map_range(start, len, prot);
	if (ret == 0) {
		ret = do_mmap(mm, start, start + len, prot_to_vm_flags(prot), NULL);
		if (ret)
			upage.mm.engine->unmap_range(start, len);
	}
	if (ret)
		arena_free(&mm->arena, start, len);
out:
	unlock_mm(mm, &sigs);
	return ret ? 0 : start;
}

int upage_unmap(uintptr_t start, size_t len)
{
	struct mm_struct *mm = &upage.mm;
	sigset_t sigs;
	int ret;

	if (!range_ok(start, len))
		return -EINVAL;
	lock_mm(mm, &sigs);
	ret = unmap_locked(start, start + PAGE_ALIGN(len), true);
	unlock_mm(mm, &sigs);
	return ret;
}

void *upage_map_foreign(uintptr_t start, size_t len, int prot, int flags, int fd, off_t off)
{
	struct mm_struct *mm = &upage.mm;
	uintptr_t end;
	sigset_t sigs;
	void *p = MAP_FAILED;
	int ret;

	if ((start & ~PAGE_MASK) || !len)
		return mremap_fail(EINVAL);
	len = PAGE_ALIGN(len);
	end = start + len;
	lock_mm(mm, &sigs);
	if (!(flags & MAP_FIXED) && range_in_use(start, end))
		ret = -EEXIST;	/* MAP_FIXED_NOREPLACE */
	else
		ret = foreign_check(prot, flags, fd);
	if (ret == 0)
		ret = unmap_locked(start, end, true);
	if (ret == 0)
		ret = arena_alloc_fixed(&mm->arena, start, len);
	if (ret)
		goto out;
	/* Over the arena's reservation (or the engine's mapping of a region
	 * just removed): MAP_FIXED, whatever the program asked. */
	p = sys_mmap((void *)start, len, prot, (flags & ~MAP_FIXED_NOREPLACE) | MAP_FIXED, fd, off);
	ret = p == MAP_FAILED ? -errno : do_mmap(mm, start, end, prot_to_vm_flags(prot) | VM_FOREIGN,
						   NULL);
	if (ret) {
		p = MAP_FAILED;
		upage.mm.engine->unmap_range(start, len);
		arena_free(&mm->arena, start, len);
	}
out:
	unlock_mm(mm, &sigs);
	if (ret)
		errno = -ret;
	return p;
}

int upage_mprotect(uintptr_t start, size_t len, int prot)
{
	struct mm_struct *mm = &upage.mm;
	uintptr_t end, cur, e;
	sigset_t sigs;
	int ret;

	if (!range_ok(start, len))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	lock_mm(mm, &sigs);
	if (!range_covered(start, end)) {
		unlock_mm(mm, &sigs);
		return -ENOMEM;
	}
	/* The kernel's own mappings first: it may refuse (a file opened
	 * read-only made writable). */
	for (cur = start; cur < end; cur = e) {
		struct vm_area_struct *vma = find_vma(mm, cur);

		e = vma->vm_end < end ? vma->vm_end : end;
		if ((vma->vm_flags & VM_FOREIGN) && sys_mprotect((void *)cur, e - cur, prot)) {
			ret = -errno;
			unlock_mm(mm, &sigs);
			return ret;
		}
	}
	ret = mprotect_fixup(mm, start, end, prot_to_vm_flags(prot));
	/* The engine decides what the kernel maps of upage's regions: under
	 * the sigsegv engine a page not resident stays inaccessible. */
	pthread_mutex_lock(&mm->page_table_lock);
	for (cur = start; ret == 0 && cur < end; cur = e) {
		struct vm_area_struct *vma = find_vma(mm, cur);

		e = vma->vm_end < end ? vma->vm_end : end;
		if (!(vma->vm_flags & VM_FOREIGN))
			ret = upage.mm.engine->protect_range(cur, e - cur, prot);
	}
	pthread_mutex_unlock(&mm->page_table_lock);
	unlock_mm(mm, &sigs);
	return ret;
}

int upage_zap(uintptr_t start, size_t len)
{
	return upage_zap_advice(start, len, MADV_DONTNEED);
}

int upage_zap_advice(uintptr_t start, size_t len, int advice)
{
	struct mm_struct *mm = &upage.mm;
	sigset_t sigs;
	uintptr_t end, cur;
	int ret = 0;

	if (!range_ok(start, len))
		return -EINVAL;
	end = start + PAGE_ALIGN(len);
	lock_mm(mm, &sigs);
	if (mlock_range_locked(mm, start, end)) {
		unlock_mm(mm, &sigs);
		return -EINVAL;	/* as the kernel's MADV_DONTNEED on locked memory */
	}
	for (cur = start; cur < end;) {
		struct vm_area_struct *vma = find_vma(mm, cur);
		uintptr_t s, e;

		if (!vma || vma->vm_start >= end)
			break;
		s = vma->vm_start > cur ? vma->vm_start : cur;
		e = vma->vm_end < end ? vma->vm_end : end;
		if (!(vma->vm_flags & VM_FOREIGN))
			zap_locked(s, e - s);
		else if (sys_madvise((void *)s, e - s, advice))
			ret = -errno;	/* the kernel's mapping: its own answer */
		cur = e;
	}
	unlock_mm(mm, &sigs);
	return ret;
}

int upage_fork_advice(uintptr_t start, size_t len, int advice)
{
	struct mm_struct *mm = &upage.mm;
	unsigned long mask, flags;
	uintptr_t end, cur;
	bool hole = false;
	sigset_t sigs;
	int ret = 0;

	switch (advice) {
	case MADV_DONTFORK:
		mask = flags = VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		mask = VM_DONTCOPY;
		flags = 0;
		break;
	case MADV_WIPEONFORK:
		mask = flags = VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		mask = VM_WIPEONFORK;
		flags = 0;
		break;
	default:
		return -EINVAL;
	}
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	if (!range_ok(start, len))
		return -ENOMEM;
	end = start + PAGE_ALIGN(len);
	lock_mm(mm, &sigs);
	/* As the kernel: the advice is taken where there is memory, and a
	 * hole in the range says ENOMEM. */
	for (cur = start; cur < end && !ret;) {
		struct vm_area_struct *vma = find_vma(mm, cur);
		uintptr_t s, e;
		int r;

		if (!vma || vma->vm_start >= end)
			break;
		if (vma->vm_start > cur)
			hole = true;
		s = vma->vm_start > cur ? vma->vm_start : cur;
		e = vma->vm_end < end ? vma->vm_end : end;
		if (vma->vm_flags & VM_FOREIGN)
			r = sys_madvise((void *)s, e - s, advice) ? -errno : 0;	/* the kernel's */
		else
			r = vma_set_flags(mm, s, e, mask, flags);
		if (r)
			ret = r;
		cur = e;
	}
	unlock_mm(mm, &sigs);
	if (cur < end)
		hole = true;
	return ret ? ret : hole ? -ENOMEM : 0;
}

int fork_child_advice(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	uintptr_t cur = mm->arena.base;
	int ret;

	while ((vma = find_vma(mm, cur))) {
		uintptr_t s = vma->vm_start, e = vma->vm_end;
		unsigned long flags = vma->vm_flags;

		cur = e;
		if (!(flags & (VM_DONTCOPY | VM_WIPEONFORK)) || (flags & VM_FOREIGN))
			continue;
		zap_page_range(mm, s, e - s);
		if (!(flags & VM_DONTCOPY))
			continue;	/* wiped: zero-filled on its next touch */
		ret = do_munmap(mm, s, e);
		if (ret == 0)
			ret = mm->engine->unmap_range(s, e - s);
		if (ret)
			return ret;
		arena_free(&mm->arena, s, e - s);
	}
	return 0;
}

/* Grow [old, old+old_len) in place to new_len if the addresses after it
 * are free.  mmap_lock held.  Returns 0 or a negative errno. */
static int grow_in_place(struct vm_area_struct *vma, uintptr_t old, size_t old_len,
			 size_t new_len)
{
	struct mm_struct *mm = &upage.mm;
	uintptr_t tail = old + old_len;
	size_t extra = new_len - old_len;
	unsigned long flags = vma->vm_flags;
	int ret;

	ret = arena_alloc_fixed(&mm->arena, tail, extra);
	if (ret)
		return ret;
	ret = upage.mm.engine->map_range(tail, extra, vm_flags_to_prot(flags));
	if (ret == 0)
		ret = do_mmap(mm, tail, tail + extra, flags, vma->vm_ops);
	if (ret) {
		upage.mm.engine->unmap_range(tail, extra);
		arena_free(&mm->arena, tail, extra);
	}
	return ret;
}

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* Does [start, start+len) touch the arena at all? */
static bool touches_arena(uintptr_t start, size_t len)
{
	const struct arena *a = &upage.mm.arena;

	return len && start < a->base + a->size && start + len > a->base;
}

/*
 * The new home of a moved mapping: anywhere in the arena when @fixed is
 * 0; at @fixed, replacing what was there (the kernel's MREMAP_FIXED), in
 * the arena or, for an address the program reserved outside it, in the
 * kernel's own memory, which upage does not page.  Read-write for the
 * copy.  Returns the address, or 0 with *@err set.
 */
static uintptr_t move_target(uintptr_t fixed, size_t len, int prot, bool *outside, int *err)
{
	uintptr_t new;
	void *p;

	*outside = false;
	if (!fixed || arena_contains_range(&upage.mm.arena, fixed, len)) {
		new = upage_map_anon(fixed, len, 0, prot | PROT_READ | PROT_WRITE, true);
		*err = ENOMEM;
		return new;
	}
	if (touches_arena(fixed, len)) {
		/* Part in, part out: the arena's reservation would be cut. */
		upage_msg("mremap to %#lx (%zu bytes) straddles the edge of upage's arena: "
			  "not supported, failing with EINVAL",
			  (unsigned long)fixed, len);
		*err = EINVAL;
		return 0;
	}
	p = sys_mmap((void *)fixed, len, prot | PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED) {
		*err = errno;
		return 0;
	}
	*outside = true;
	return fixed;
}

/*
 * Move [old, old+old_len) to a new mapping of @new_len bytes (at
 * @new_addr under MREMAP_FIXED): the data copied (faulting it in as
 * needed, with no lock held), the old range unmapped, or left mapped and
 * empty under MREMAP_DONTUNMAP, as the kernel leaves it.
 */
static void *move_mapping(uintptr_t old, size_t old_len, size_t new_len, int flags,
			  uintptr_t new_addr)
{
	struct mm_struct *mm = &upage.mm;
	struct vm_area_struct *vma;
	sigset_t sigs;
	uintptr_t new;
	unsigned long fork_flags;
	bool outside;
	int prot, err;

	lock_mm(mm, &sigs);
	vma = find_vma_containing(mm, old);
	if (!vma || vma->vm_end < old + old_len) {
		unlock_mm(mm, &sigs);
		return mremap_fail(EFAULT);
	}
	prot = vm_flags_to_prot(vma->vm_flags);
	fork_flags = vma->vm_flags & (VM_DONTCOPY | VM_WIPEONFORK);
	unlock_mm(mm, &sigs);

	new = move_target(flags & MREMAP_FIXED ? new_addr : 0, new_len, prot, &outside, &err);
	if (!new)
		return mremap_fail(err);
	if (!(prot & PROT_READ) && upage_mprotect(old, old_len, prot | PROT_READ)) {
		if (outside)
			sys_munmap((void *)new, new_len);
		else
			upage_unmap(new, new_len);
		return mremap_fail(ENOMEM);
	}
	memcpy((void *)new, (void *)old, old_len < new_len ? old_len : new_len);
	if (fork_flags && !outside) {
		/* MADV_DONTFORK and MADV_WIPEONFORK move with the mapping. */
		lock_mm(mm, &sigs);
		vma_set_flags(mm, new, new + new_len, VM_DONTCOPY | VM_WIPEONFORK, fork_flags);
		unlock_mm(mm, &sigs);
	}
	if (prot != (prot | PROT_READ | PROT_WRITE)) {
		if (outside)
			sys_mprotect((void *)new, new_len, prot);
		else
			upage_mprotect(new, new_len, prot);
	}
	if (flags & MREMAP_DONTUNMAP) {
		upage_zap(old, old_len);
		if (!(prot & PROT_READ))
			upage_mprotect(old, old_len, prot);
	} else {
		upage_unmap(old, old_len);
	}
	return (void *)new;
}

/* The arena's part of [start, start+len) the kernel no longer maps:
 * its regions go, the reservation comes back.  mmap_lock held. */
static void vacated(uintptr_t start, size_t len)
{
	const struct arena *a = &upage.mm.arena;
	uintptr_t s = start > a->base ? start : a->base;
	uintptr_t e = start + len < a->base + a->size ? start + len : a->base + a->size;

	if (s < e)
		unmap_locked(s, e, true);
}

/*
 * mremap of the kernel's own memory where the arena is involved: a
 * VM_FOREIGN region moved or resized, or a mapping from outside moved
 * into the arena with MREMAP_FIXED.  The kernel does the move; upage
 * gives the addresses it left back to the arena (with its reservation)
 * and takes those it filled.
 */
static void *foreign_mremap(uintptr_t old, size_t old_len, size_t new_len, int flags,
			    uintptr_t new_addr)
{
	struct mm_struct *mm = &upage.mm;
	bool into = (flags & MREMAP_FIXED) && touches_arena(new_addr, new_len);
	sigset_t sigs;
	void *r;
	int ret = 0;

	if (into && !arena_contains_range(&mm->arena, new_addr, new_len)) {
		upage_msg("mremap to %#lx (%zu bytes) straddles the edge of upage's arena: "
			  "not supported, failing with EINVAL",
			  (unsigned long)new_addr, new_len);
		return mremap_fail(EINVAL);
	}
	lock_mm(mm, &sigs);
	if (into) {
		ret = unmap_locked(new_addr, new_addr + new_len, true);
		if (ret == 0)
			ret = arena_alloc_fixed(&mm->arena, new_addr, new_len);
		if (ret) {
			unlock_mm(mm, &sigs);
			return mremap_fail(-ret);
		}
	}
	r = sys_mremap((void *)old, old_len, new_len, flags, (void *)new_addr);
	if (r == MAP_FAILED) {
		ret = errno;
		if (into) {
			upage.mm.engine->unmap_range(new_addr, new_len);
			arena_free(&mm->arena, new_addr, new_len);
		}
		unlock_mm(mm, &sigs);
		return mremap_fail(ret);
	}
	if (!(flags & MREMAP_DONTUNMAP)) {
		if ((uintptr_t)r != old)
			vacated(old, old_len);
		else if (new_len < old_len)
			vacated(old + new_len, old_len - new_len);
	}
	if (into && do_mmap(mm, new_addr, new_addr + new_len, VM_FOREIGN | VM_READ | VM_WRITE,
			    NULL))
		upage_msg("mremap into the arena at %#lx: no region left to record it",
			  (unsigned long)new_addr);
	unlock_mm(mm, &sigs);
	return r;
}

/* Is the region at @addr the kernel's (VM_FOREIGN)? */
static bool is_foreign(uintptr_t addr)
{
	struct mm_struct *mm = &upage.mm;
	struct vm_area_struct *vma;
	sigset_t sigs;
	bool ret;

	lock_mm(mm, &sigs);
	vma = find_vma_containing(mm, addr);
	ret = vma && (vma->vm_flags & VM_FOREIGN);
	unlock_mm(mm, &sigs);
	return ret;
}

void *upage_mremap(uintptr_t old, size_t old_len, size_t new_len, int flags, uintptr_t new_addr)
{
	struct mm_struct *mm = &upage.mm;
	sigset_t sigs;
	struct vm_area_struct *vma;
	int ret;

	/* The kernel's checks, in its order. */
	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return mremap_fail(EINVAL);
	if ((flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && !(flags & MREMAP_MAYMOVE))
		return mremap_fail(EINVAL);
	if (!arena_contains(&mm->arena, old) || is_foreign(old))
		return foreign_mremap(old, old_len, new_len, flags, new_addr);
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if ((flags & MREMAP_DONTUNMAP) && old_len != new_len)
		return mremap_fail(EINVAL);
	if (!range_ok(old, old_len) || !new_len)
		return mremap_fail(EINVAL);
	if (flags & MREMAP_FIXED) {
		if ((new_addr & ~PAGE_MASK) || new_addr + new_len < new_addr)
			return mremap_fail(EINVAL);
		if (new_addr < old + old_len && old < new_addr + new_len)
			return mremap_fail(EINVAL);	/* the ranges overlap */
		return move_mapping(old, old_len, new_len, flags, new_addr);
	}
	if (flags & MREMAP_DONTUNMAP)
		return move_mapping(old, old_len, new_len, flags, 0);
	if (new_len <= old_len) {
		if (new_len < old_len)
			upage_unmap(old + new_len, old_len - new_len);
		return (void *)old;
	}
	lock_mm(mm, &sigs);
	vma = find_vma_containing(mm, old);
	if (!vma || vma->vm_end < old + old_len) {
		unlock_mm(mm, &sigs);
		return mremap_fail(EFAULT);
	}
	ret = arena_contains_range(&mm->arena, old, new_len) ?
		      grow_in_place(vma, old, old_len, new_len) : -ENOMEM;
	unlock_mm(mm, &sigs);
	if (ret == 0)
		return (void *)old;
	if (!(flags & MREMAP_MAYMOVE))
		return mremap_fail(ENOMEM);
	return move_mapping(old, old_len, new_len, flags, 0);
}
