/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vma.h - regions of the arena: vm_area_struct, vm_operations_struct and
 * the operations on the set of regions an mm_struct holds.
 *
 * Each region is a page-aligned [vm_start, vm_end) with protection flags
 * and operations; regions never overlap.  They live in a balanced tree
 * ordered by address, so find_vma is O(log n); a one-entry cache in the mm
 * (mmap_cache, as in 2.4) catches repeated faults in one region.
 * do_munmap and mprotect_fixup split regions as a range cuts them (in
 * three when the range lies inside one region); adjacent regions with the
 * same flags and operations are merged on insertion and after mprotect.
 *
 * Locking: the caller holds mm->mmap_lock; nothing here locks.  Regions
 * come from a kmem_cache, never from malloc.
 */
#ifndef UPAGE_VMA_H
#define UPAGE_VMA_H

#include <bsd/sys/tree.h>
#include <stdbool.h>
#include <stdint.h>

struct mm_struct;
struct vm_area_struct;

/* vm_flags, as the kernel's. */
#define VM_READ		0x0001UL
#define VM_WRITE	0x0002UL
#define VM_EXEC		0x0004UL
#define VM_SHARED	0x0008UL
#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_DONTCOPY	0x00020000UL	/* MADV_DONTFORK: a forked child has no mapping here */
#define VM_WIPEONFORK	0x02000000UL	/* MADV_WIPEONFORK: a forked child reads zeros */
/* The kernel's own mapping placed in the arena with MAP_FIXED (a file,
 * a shared mapping): the region only keeps its addresses taken and says
 * whose they are; no page of it is upage's, and no fault there is upage's
 * to serve. */
#define VM_FOREIGN	0x40000000UL

struct vm_operations_struct {
	const char *name;
	/*
	 * Fill the page at @addr (page aligned, inside @vma) into @page_buf,
	 * a page of memory, for a first touch.  Returns 0 or a negative errno.
	 * Anonymous regions zero-fill.
	 */
	int (*nopage)(struct vm_area_struct *vma, uintptr_t addr, void *page_buf);
};

struct vm_area_struct {
	uintptr_t vm_start;		/* first byte */
	uintptr_t vm_end;		/* first byte after */
	unsigned long vm_flags;		/* VM_READ | VM_WRITE | ... */
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data;
	struct mm_struct *vm_mm;
	/* Fault-around (memory.c), protected by page_table_lock: where the
	 * next first touch of a region filled in order lands, and how many
	 * pages it maps.  Hints only: a split region's copy keeps them. */
	uintptr_t fa_next;
	unsigned int fa_window;
	/* Swap readahead (memory.c), the same for swap-ins. */
	uintptr_t ra_next;
	unsigned int ra_window;
	bool ra_write;		/* pages read ahead get written: map them dirty */
	unsigned char ra_random;	/* swap-ins out of order in a row (at most 255) */
	/* Whether a read fault's swap-in is soon written (memory.c,
	 * swapin_dirty), under page_table_lock; hints too. */
	unsigned char wr_score;
	unsigned char wr_probe;
	RB_ENTRY(vm_area_struct) vm_rb;
};

RB_HEAD(vma_tree, vm_area_struct);

extern const struct vm_operations_struct anon_vm_ops;

/* The first region with vm_end > @addr, or NULL (the kernel's semantics:
 * the region may start above @addr; check vm_start before using it). */
struct vm_area_struct *find_vma(struct mm_struct *mm, uintptr_t addr);
/* The region containing @addr, or NULL. */
struct vm_area_struct *find_vma_containing(struct mm_struct *mm, uintptr_t addr);

/*
 * Add the region [@start, @end) with @flags and @ops (NULL means
 * anon_vm_ops), merging with a neighbour when flags, ops and private data
 * match.  Returns 0, -EINVAL for an empty or unaligned range, -EEXIST when
 * it overlaps a region, -ENOMEM when no region can be allocated.
 */
int do_mmap(struct mm_struct *mm, uintptr_t start, uintptr_t end,
	    unsigned long flags, const struct vm_operations_struct *ops);
/*
 * Remove [@start, @end) from every region it covers, splitting regions it
 * cuts; parts of the range that no region covers are ignored.  Returns 0,
 * -EINVAL for an empty or unaligned range, -ENOMEM when a split needs a
 * region that cannot be allocated (then nothing has changed).
 */
int do_munmap(struct mm_struct *mm, uintptr_t start, uintptr_t end);
/*
 * Set the flags of [@start, @end) to @flags, splitting and merging as
 * needed.  Returns 0, -EINVAL for an empty or unaligned range, -ENOMEM when
 * part of the range is not mapped or a split fails (nothing has changed).
 */
int mprotect_fixup(struct mm_struct *mm, uintptr_t start, uintptr_t end,
		   unsigned long flags);
/* mprotect_fixup for any flags: the bits @mask of [@start, @end) become
 * @flags (the other bits stay); the same returns.  mprotect_fixup changes
 * VM_ACCESS_FLAGS. */
int vma_set_flags(struct mm_struct *mm, uintptr_t start, uintptr_t end, unsigned long mask,
		  unsigned long flags);

/* Initialise the region tree and locks of an mm whose arena and page
 * table are set up by the caller. */
void mm_init_regions(struct mm_struct *mm);
/* mmap_lock as it was just initialised (a forked child: the parent's
 * writer is another thread in glibc's eyes, so it cannot be unlocked). */
void mm_reinit_mmap_lock(struct mm_struct *mm);

/* Calls @fn for each region in address order; stops at a non-zero return. */
int vma_for_each(struct mm_struct *mm, int (*fn)(struct vm_area_struct *, void *), void *arg);

#endif /* UPAGE_VMA_H */
