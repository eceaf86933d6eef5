/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmscan.h - page reclaim: kswapd, refill_inactive_scan, page_launder, and
 * the frame allocator that falls back on them (vmscan.c).
 */
#ifndef UPAGE_VMSCAN_H
#define UPAGE_VMSCAN_H

#include <stdbool.h>

#include "mm.h"
#include "page_alloc.h"

/* Pages moved or written per step, as 2.4's SWAP_CLUSTER_MAX. */
#define SWAP_CLUSTER_MAX	32

/*
 * A frame for a fault, counted as resident: from the free list, else by
 * reclaiming a clean inactive page at once, else by laundering dirty
 * pages (waiting on I/O).  Caller holds page_table_lock, which may be
 * dropped and retaken.  NULL when nothing can be freed because swap is
 * full, with *@err (when @err is not NULL) -ENOSPC.
 */
struct page *__alloc_pages(struct mm_struct *mm, int *err);

/*
 * A frame for a page no fault asked for yet (fault-around, readahead),
 * that never waits: from the free list while it holds more than
 * pages_min (the faults' reserve), else the frame of the oldest clean
 * inactive page (written already: freed without I/O).  Counted as
 * resident.  Lock held.  NULL when none is to be had at once.
 */
struct page *alloc_page_spare(struct mm_struct *mm);

/* Age the active list; unmap up to @nr old pages into the swap cache.
 * Returns how many were deactivated, or -ENOSPC when swap is full. */
int refill_inactive_scan(struct mm_struct *mm, unsigned int nr);
/* Write up to @nr inactive dirty pages to swap, in clusters.  May drop
 * page_table_lock.  Returns how many were written, or -ENOSPC when none
 * was because the area refused them (full: they stay dirty in place) or
 * failed every write (they move to other slots). */
int page_launder(struct mm_struct *mm, unsigned int nr);

/*
 * How kswapd is started and what it does besides reclaim: the runtime's
 * (an untraced task, the daemon's client: runtime.h); NULL, as in the
 * unit tests, for a plain thread and nothing besides.
 */
struct kswapd_env {
	/* Start fn(arg) as a task named @name: 0 or -errno. */
	int (*start)(void *(*fn)(void *), void *arg, const char *name);
	/* About twice a second, without page_table_lock. */
	void (*tick)(void);
};

/* Start @mm's kswapd (its zone's thread). */
int kswapd_start(struct mm_struct *mm, const struct kswapd_env *env);
/* Wake kswapd: free frames fell below pages_low.  Lock held. */
void wakeup_kswapd(struct zone *z);

/*
 * The kernel dropped @page where upage had mapped it (a madvise the
 * program made without libc): free its frame and swap copy, clear its
 * PTE, so it reads as zeros; one message per process.  Caller holds
 * page_table_lock.
 */
void page_lost(struct mm_struct *mm, struct page *page);

#endif /* UPAGE_VMSCAN_H */
