/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm.h - mm_struct: the address space upage manages, as the kernel's.
 *
 * One per process: the arena, its software page table, its regions, the
 * zone of frames its pages live in and the engine that maps them for the
 * kernel.  The fault path (memory.c) and reclaim (vmscan.c) work on the
 * mm they are given.
 *
 * Lock order (outer first): mmap_lock, page_table_lock, swap_lock (in
 * swapfile.c), then the leaf locks (kmem_cache, arena).  mmap_lock is a
 * read-write lock, as the kernel's mmap_sem: faults take it for reading,
 * so many are served at once; mmap, munmap, mremap, mprotect and fork
 * take it for writing.  It prefers writers and is never taken twice by
 * one thread.  page_table_lock is never held across I/O: a page under
 * I/O is marked PG_locked instead (the page lock and the swap cache are
 * what serialise faults on one page, as in 2.4), and whoever needs it
 * waits on page_wait.
 */
#ifndef UPAGE_MM_H
#define UPAGE_MM_H

#include <pthread.h>
#include <stdbool.h>

#include "arena.h"
#include "pgtable.h"
#include "vma.h"

struct zone;
struct fault_engine;

struct mm_struct {
	struct arena arena;		/* the reservation and its ranges */
	struct pgtable pgd;		/* protected by page_table_lock */
	struct zone *zone;		/* its frames (page_alloc.h); set once */
	const struct fault_engine *engine;	/* what maps its pages (fault.h); set once */

	/* Regions: protected by mmap_lock. */
	struct vma_tree mm_rb;
	struct vm_area_struct *mmap_cache;	/* last find_vma result */
	int map_count;

	pthread_rwlock_t mmap_lock;	/* regions */
	pthread_mutex_t page_table_lock; /* PTEs, frames, page lists, swap cache */
	pthread_cond_t page_wait;	/* PG_locked cleared (with page_table_lock) */

	/* Swap-cluster readahead's pay-off (memory.c: up with each page it
	 * read that is written, down with each that vmscan.c unmaps
	 * unwritten), page_table_lock. */
	int clu_score;			/* < 0: read clusters only as a probe */
	unsigned int clu_probe;

	/* The program drops heap pages with its own madvise, without libc
	 * (a Go program: vmscan.c's page_lost); set once at start.  In any
	 * other program a page the kernel lost is upage's bug, never to be
	 * papered over with zeros. */
	bool raw_madvise;
};

#define CLU_SCORE_MAX	64	/* |clu_score| at most */


static inline void mmap_read_lock(struct mm_struct *mm)
{
	pthread_rwlock_rdlock(&mm->mmap_lock);
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	pthread_rwlock_unlock(&mm->mmap_lock);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	pthread_rwlock_wrlock(&mm->mmap_lock);
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	pthread_rwlock_unlock(&mm->mmap_lock);
}

#endif /* UPAGE_MM_H */
