// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vma.c - the regions of an mm_struct, as Linux 2.4's mm/mmap.c and
 * mm/mprotect.c: find_vma with its one-entry mmap_cache, do_mmap (merging
 * with a neighbour), do_munmap (splitting the regions a range cuts) and
 * mprotect_fixup (splitting, then merging what became alike).
 *
 * Regions live in mm->mm_rb, a red-black tree ordered by vm_start; they
 * never overlap, so the order by vm_start is also the order by vm_end, and
 * a vm_start may move between its neighbours without reinsertion.  Two
 * adjacent regions with the same flags, operations and private data are
 * always one region.
 *
 * do_munmap and mprotect_fixup are all or nothing: the regions a split
 * needs are allocated before anything changes, so -ENOMEM leaves the tree
 * as it was.  Merging only frees regions and cannot fail.
 *
 * Locking: the caller holds mm->mmap_lock, which protects mm_rb,
 * mmap_cache, map_count and every region's fields; nothing here takes it.
 * find_vma runs under the lock taken for reading, by many faults at
 * once: it reads and sets mmap_cache with relaxed atomics (a stale cache
 * is harmless, and regions are only freed under the lock for writing).
 * Regions come from vm_area_cachep, whose own lock is a leaf.
 */
#include "autoconfig.h"

#include "vma.h"

#include <errno.h>
#include <string.h>

#include "mm.h"
#include "sys.h"

/* Every vm_area_struct of the process; shared by all mm_structs. */
static struct kmem_cache vm_area_cachep = {
	.size = (sizeof(struct vm_area_struct) + 15) & ~(size_t)15,
	.freelist = NULL,
	.nr_allocated = 0,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static int anon_nopage(struct vm_area_struct *vma, uintptr_t addr, void *page_buf)
{
	(void)vma;
	(void)addr;
	memset(page_buf, 0, PAGE_SIZE);
	return 0;
}

const struct vm_operations_struct anon_vm_ops = {
	.name = "anon",
	.nopage = anon_nopage,
};

static int vma_cmp(struct vm_area_struct *a, struct vm_area_struct *b)
{
	if (a->vm_start != b->vm_start)
		return a->vm_start < b->vm_start ? -1 : 1;
	return 0;
}

/* libbsd leaves __unused undefined, so RB_GENERATE_STATIC cannot be used. */
#define RB_STATIC __attribute__((__unused__)) static
RB_GENERATE_INTERNAL(vma_tree, vm_area_struct, vm_rb, vma_cmp, RB_STATIC)

static inline struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	return RB_NEXT(vma_tree, NULL, vma);
}

static inline bool range_ok(uintptr_t start, uintptr_t end)
{
	return start < end && !(start & ~PAGE_MASK) && !(end & ~PAGE_MASK);
}

/* Same kind of region: they would be one if they touched. */
static inline bool vma_same(const struct vm_area_struct *vma, unsigned long flags,
			    const struct vm_operations_struct *ops, const void *private)
{
	return vma->vm_flags == flags && vma->vm_ops == ops && vma->vm_private_data == private;
}

static inline bool vma_can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && vma_same(a, b->vm_flags, b->vm_ops, b->vm_private_data);
}

/* @vma is about to change or go: mmap_cache must not keep it. */
static inline void vma_cache_forget(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (__atomic_load_n(&mm->mmap_cache, __ATOMIC_RELAXED) == vma)
		__atomic_store_n(&mm->mmap_cache, NULL, __ATOMIC_RELAXED);
}

static void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma->vm_mm = mm;
	RB_INSERT(vma_tree, &mm->mm_rb, vma);
	mm->map_count++;
}

static void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma_cache_forget(mm, vma);
	RB_REMOVE(vma_tree, &mm->mm_rb, vma);
	mm->map_count--;
	kmem_cache_free(&vm_area_cachep, vma);
}

/* Cut @vma at @addr: it keeps [vm_start, addr), @upper (a fresh region)
 * gets [addr, vm_end) and is returned. */
static struct vm_area_struct *split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
					uintptr_t addr, struct vm_area_struct *upper)
{
	vma_cache_forget(mm, vma);
	*upper = *vma;
	upper->vm_start = addr;
	vma->vm_end = addr;
	vma_link(mm, upper);
	return upper;
}

/* Absorb @next into @vma, which ends where @next starts. */
static void merge_vma(struct mm_struct *mm, struct vm_area_struct *vma,
		      struct vm_area_struct *next)
{
	uintptr_t end = next->vm_end;

	vma_cache_forget(mm, vma);
	vma_unlink(mm, next);
	vma->vm_end = end;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, uintptr_t addr)
{
	struct vm_area_struct *vma = __atomic_load_n(&mm->mmap_cache, __ATOMIC_RELAXED), *node;

	if (vma && vma->vm_start <= addr && addr < vma->vm_end)
		return vma;

	vma = NULL;
	node = RB_ROOT(&mm->mm_rb);
	while (node) {
		if (node->vm_end > addr) {
			vma = node;
			if (node->vm_start <= addr)
				break;
			node = RB_LEFT(node, vm_rb);
		} else {
			node = RB_RIGHT(node, vm_rb);
		}
	}
	if (vma)
		__atomic_store_n(&mm->mmap_cache, vma, __ATOMIC_RELAXED);
	return vma;
}

struct vm_area_struct *find_vma_containing(struct mm_struct *mm, uintptr_t addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

int do_mmap(struct mm_struct *mm, uintptr_t start, uintptr_t end, unsigned long flags,
	    const struct vm_operations_struct *ops)
{
	struct vm_area_struct *prev, *next, *vma;

	if (!range_ok(start, end))
		return -EINVAL;
	if (!ops)
		ops = &anon_vm_ops;

	next = find_vma(mm, start);
	if (next && next->vm_start < end)
		return -EEXIST;
	prev = next ? RB_PREV(vma_tree, &mm->mm_rb, next) : RB_MAX(vma_tree, &mm->mm_rb);
	if (prev && (prev->vm_end != start || !vma_same(prev, flags, ops, NULL)))
		prev = NULL;
	if (next && (next->vm_start != end || !vma_same(next, flags, ops, NULL)))
		next = NULL;

	if (prev) {
		vma_cache_forget(mm, prev);
		prev->vm_end = end;
		if (next)
			merge_vma(mm, prev, next);
		return 0;
	}
	if (next) {
		vma_cache_forget(mm, next);
		next->vm_start = start;
		return 0;
	}

	vma = kmem_cache_alloc(&vm_area_cachep);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_flags = flags;
	vma->vm_ops = ops;
	vma->vm_private_data = NULL;
	vma_link(mm, vma);
	return 0;
}

int do_munmap(struct mm_struct *mm, uintptr_t start, uintptr_t end)
{
	struct vm_area_struct *vma, *next, *upper;

	if (!range_ok(start, end))
		return -EINVAL;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;

	/* Inside one region: the only case that needs a new one. */
	if (vma->vm_start < start && vma->vm_end > end) {
		upper = kmem_cache_alloc(&vm_area_cachep);
		if (!upper)
			return -ENOMEM;
		split_vma(mm, vma, end, upper);
		vma->vm_end = start;
		return 0;
	}

	for (; vma && vma->vm_start < end; vma = next) {
		next = vma_next(vma);
		if (vma->vm_start < start) {
			vma_cache_forget(mm, vma);
			vma->vm_end = start;
		} else if (vma->vm_end > end) {
			vma_cache_forget(mm, vma);
			vma->vm_start = end;
		} else {
			vma_unlink(mm, vma);
		}
	}
	return 0;
}

/* The region holding [start, end) ends with, when the regions from @first
 * cover it without a gap; NULL when part of it is unmapped. */
static struct vm_area_struct *last_covering(struct vm_area_struct *first, uintptr_t end)
{
	struct vm_area_struct *vma = first, *next;

	while (vma->vm_end < end) {
		next = vma_next(vma);
		if (!next || next->vm_start != vma->vm_end)
			return NULL;
		vma = next;
	}
	return vma;
}

/* Merge every pair of alike regions from @vma on whose boundary is at or
 * below @end. */
static void merge_range(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t end)
{
	struct vm_area_struct *next;

	while (vma->vm_end <= end && (next = vma_next(vma))) {
		if (vma_can_merge(vma, next))
			merge_vma(mm, vma, next);
		else
			vma = next;
	}
}

int mprotect_fixup(struct mm_struct *mm, uintptr_t start, uintptr_t end, unsigned long flags)
{
	return vma_set_flags(mm, start, end, VM_ACCESS_FLAGS, flags & VM_ACCESS_FLAGS);
}

/* The flags @vma gets: its own, with the bits @mask set to @flags. */
static inline unsigned long new_flags(const struct vm_area_struct *vma, unsigned long mask,
				      unsigned long flags)
{
	return (vma->vm_flags & ~mask) | flags;
}

int vma_set_flags(struct mm_struct *mm, uintptr_t start, uintptr_t end, unsigned long mask,
		  unsigned long flags)
{
	struct vm_area_struct *first, *last, *vma, *prev;
	struct vm_area_struct *spare[2] = { NULL, NULL };
	bool split_head, split_tail;
	int nr_spare = 0;

	if (!range_ok(start, end))
		return -EINVAL;
	first = find_vma(mm, start);
	if (!first || first->vm_start > start)
		return -ENOMEM;
	last = last_covering(first, end);
	if (!last)
		return -ENOMEM;

	split_head = first->vm_start < start && first->vm_flags != new_flags(first, mask, flags);
	split_tail = last->vm_end > end && last->vm_flags != new_flags(last, mask, flags);
	for (int i = 0; i < split_head + split_tail; i++) {
		spare[i] = kmem_cache_alloc(&vm_area_cachep);
		if (!spare[i]) {
			kmem_cache_free(&vm_area_cachep, spare[0]);
			return -ENOMEM;
		}
	}

	/* Nothing can fail from here on. */
	if (split_head) {
		vma = split_vma(mm, first, start, spare[nr_spare++]);
		if (last == first)
			last = vma;
		first = vma;
	}
	if (split_tail)
		split_vma(mm, last, end, spare[nr_spare++]);
	for (vma = first;; vma = vma_next(vma)) {
		vma_cache_forget(mm, vma);
		vma->vm_flags = new_flags(vma, mask, flags);
		if (vma == last)
			break;
	}

	prev = RB_PREV(vma_tree, &mm->mm_rb, first);
	merge_range(mm, prev && prev->vm_end == start ? prev : first, end);
	return 0;
}

int vma_for_each(struct mm_struct *mm, int (*fn)(struct vm_area_struct *, void *), void *arg)
{
	struct vm_area_struct *vma, *next;
	int ret;

	RB_FOREACH_SAFE(vma, vma_tree, &mm->mm_rb, next) {
		ret = fn(vma, arg);
		if (ret)
			return ret;
	}
	return 0;
}

void mm_reinit_mmap_lock(struct mm_struct *mm)
{
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&mm->mmap_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
}

void mm_init_regions(struct mm_struct *mm)
{
	RB_INIT(&mm->mm_rb);
	mm->mmap_cache = NULL;
	mm->map_count = 0;
	mm_reinit_mmap_lock(mm);
	pthread_mutex_init(&mm->page_table_lock, NULL);
	pthread_cond_init(&mm->page_wait, NULL);
}
