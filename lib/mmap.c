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
		zap_locked(s, e - s);
		ret = do_munmap(mm, s, e);
		if (ret)
			break;
		if (release) {
			upage.mm.engine->unmap_range(s, e - s);
			arena_free(&mm->arena, s, e - s);
		}
		cur = e;
	}
	return ret;
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

int upage_forget(uintptr_t start, size_t len)
{
	struct mm_struct *mm = &upage.mm;
	sigset_t sigs;
	int ret;

	if (!range_ok(start, len))
		return -EINVAL;
	lock_mm(mm, &sigs);
	ret = unmap_locked(start, start + PAGE_ALIGN(len), false);
	if (ret == 0) {
		/* The addresses stay taken: a foreign mapping lives there. */
		arena_alloc_fixed(&mm->arena, start, PAGE_ALIGN(len));
	}
	unlock_mm(mm, &sigs);
	return ret;
}

int upage_mprotect(uintptr_t start, size_t len, int prot)
{
	struct mm_struct *mm = &upage.mm;
	sigset_t sigs;
	int ret;

	if (!range_ok(start, len))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	lock_mm(mm, &sigs);
	ret = mprotect_fixup(mm, start, start + len, prot_to_vm_flags(prot));
	if (ret == 0) {
		/* The engine decides what the kernel maps: under the sigsegv
		 * engine a page not resident stays inaccessible. */
		pthread_mutex_lock(&mm->page_table_lock);
		ret = upage.mm.engine->protect_range(start, len, prot);
		pthread_mutex_unlock(&mm->page_table_lock);
	}
	unlock_mm(mm, &sigs);
	return ret;
}

int upage_zap(uintptr_t start, size_t len)
{
	struct mm_struct *mm = &upage.mm;
	sigset_t sigs;
	uintptr_t end, cur;

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
		zap_locked(s, e - s);
		cur = e;
	}
	unlock_mm(mm, &sigs);
	return 0;
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
		if (!(flags & (VM_DONTCOPY | VM_WIPEONFORK)))
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

static void *mremap_fail(int err)
{
	errno = err;
	return MAP_FAILED;
}

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
