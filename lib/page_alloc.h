/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page_alloc.h - frames and the page lists.
 *
 * A frame is one unit of the resident budget (UPAGE_MAX_RSS / PAGE_SIZE of
 * them).  Each has a descriptor, struct page, which is on exactly one of
 * the four lists of Linux 2.4: active_list, inactive_dirty_list,
 * inactive_clean_list or free_list.  A resident page's data lives either at
 * its arena address (mapped) or, when it has been unmapped into the swap
 * cache, in the frame's own slot of the frame pool (page_address()).
 *
 * Page aging is 2.4's: a page starts at PAGE_AGE_START, each observed
 * reference adds PAGE_AGE_ADV up to PAGE_AGE_MAX, and each scan that finds
 * it unreferenced halves it (age_page_down); an active page whose age
 * reaches 0 is deactivated.
 *
 * Locking: everything here is protected by mm->page_table_lock; the
 * functions do not lock.
 */
#ifndef UPAGE_PAGE_ALLOC_H
#define UPAGE_PAGE_ALLOC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "list.h"
#include "pgtable.h"

/* page->flags bits */
enum pageflags {
	PG_locked,		/* under I/O or being changed: wait on it */
	PG_error,		/* the last I/O on it failed */
	PG_referenced,		/* referenced since the last scan */
	PG_dirty,		/* differs from its swap copy (or has none) */
	PG_uptodate,		/* data valid */
	PG_swapcache,		/* in the swap cache: page->swap is valid */
	PG_mapped,		/* data at page->vaddr in the arena, not in the pool */
	PG_wp,			/* mapped write-protected: a write faults */
	PG_reserved,		/* never on a list (not a usable frame) */
	PG_faultaround,		/* mapped zero-filled by fault-around, no fault on it
				 * since: perhaps never touched */
	PG_readahead,		/* mapped clean by swap readahead, no fault on it since */
	PG_swapin_clean,	/* mapped clean by a read fault's swap-in, not written since */
	PG_clusterra,		/* mapped clean by swap-cluster readahead, not written since */
	PG_mlocked,		/* mlock'd: holds one pin (mlock.c) */
};

enum page_lru {
	LRU_NONE = 0,
	LRU_ACTIVE,
	LRU_INACTIVE_DIRTY,
	LRU_INACTIVE_CLEAN,
	LRU_FREE,
};

#define PAGE_AGE_START	2
#define PAGE_AGE_ADV	3
#define PAGE_AGE_MAX	64

struct page {
	struct list_head list;		/* on one of the four lists */
	struct page *next_hash;		/* swap cache hash chain */
	unsigned long flags;		/* PG_* bits */
	uintptr_t vaddr;		/* owner's arena address; 0 when free */
	swp_entry_t swap;		/* swap entry when PG_swapcache */
	uint32_t index;			/* frame number (mem_map index) */
	uint8_t age;			/* page->age */
	uint8_t lru;			/* enum page_lru: which list */
	uint16_t pins;			/* system calls using it: see PagePinned */
};

static inline bool PageFlag(const struct page *p, int bit) { return p->flags & (1UL << bit); }
static inline void SetPageFlag(struct page *p, int bit)	  { p->flags |= 1UL << bit; }
static inline void ClearPageFlag(struct page *p, int bit) { p->flags &= ~(1UL << bit); }

#define PageLocked(p)		PageFlag(p, PG_locked)
#define PageDirty(p)		PageFlag(p, PG_dirty)
#define SetPageDirty(p)		SetPageFlag(p, PG_dirty)
#define ClearPageDirty(p)	ClearPageFlag(p, PG_dirty)
#define PageReferenced(p)	PageFlag(p, PG_referenced)
#define SetPageReferenced(p)	SetPageFlag(p, PG_referenced)
#define ClearPageReferenced(p)	ClearPageFlag(p, PG_referenced)
#define PageSwapCache(p)	PageFlag(p, PG_swapcache)
#define PageMapped(p)		PageFlag(p, PG_mapped)
#define PageActive(p)		((p)->lru == LRU_ACTIVE)
#define PageInactiveDirty(p)	((p)->lru == LRU_INACTIVE_DIRTY)
#define PageInactiveClean(p)	((p)->lru == LRU_INACTIVE_CLEAN)
#define PageInactive(p)		(PageInactiveDirty(p) || PageInactiveClean(p))
#define PageFree(p)		((p)->lru == LRU_FREE)

/*
 * Pins: a system call in progress uses the page (syscall_trap.c brings a
 * trapped call's buffers in, then pins them), so it must stay mapped, with
 * its protection, until the call returns: reclaim leaves a pinned page
 * active.  A count, beside PG_locked and apart from it: a blocked read()
 * may hold its pins for as long as it likes, and nothing that waits on
 * PG_locked (a fault, fork) may wait on them.  The count belongs to the
 * frame and survives __free_page: a pinned page freed under a call
 * (munmap of its buffer) keeps the frame pinned until the call unpins.
 */
static inline bool PagePinned(const struct page *p) { return p->pins != 0; }
/* One more pin; false when the count is full (the caller retries). */
static inline bool pin_page(struct page *p)
{
	if (p->pins == UINT16_MAX)
		return false;
	p->pins++;
	return true;
}
static inline void unpin_page(struct page *p)
{
	if (p->pins)
		p->pins--;
}

/* The frames of one address space: the only zone upage has. */
struct zone {
	struct page *mem_map;		/* nr_frames descriptors set up */
	unsigned long nr_frames;
	unsigned long nr_mlocked;	/* PG_mlocked pages: page_table_lock */
	char *pool;			/* max_frames pages: each frame's slot */

	/*
	 * The cap (zone_cap.c): mem_map and pool are reserved for max_frames
	 * (the ceiling), but only the first nr_frames descriptors are set
	 * up; the rest are never touched until the cap grows to them.  Of
	 * those nr_frames, the ones the cap took out of service are
	 * PG_reserved, on reserved_list; reserve_debt more are taken as they
	 * are freed (__free_page), which kswapd hastens.  cap_frames is the
	 * number the cap keeps in service, at most ceiling_frames, at most
	 * max_frames (an engine may lower the ceiling below the reservation).
	 */
	unsigned long max_frames;
	unsigned long ceiling_frames;
	unsigned long cap_frames;
	struct list_head reserved_list;
	unsigned long nr_reserved_pages;
	unsigned long reserve_debt;

	struct list_head active_list;
	struct list_head inactive_dirty_list;
	struct list_head inactive_clean_list;
	struct list_head free_list;
	unsigned long nr_active_pages;
	unsigned long nr_inactive_dirty_pages;
	unsigned long nr_inactive_clean_pages;
	unsigned long nr_free_pages;

	/* Watermarks in frames: kswapd works while free < pages_low and
	 * stops at pages_high; below pages_min a fault reclaims itself. */
	unsigned long pages_min, pages_low, pages_high;

	/* How deep refill_inactive_scan keeps the inactive dirty list
	 * beyond one cluster, and the window's events that move it
	 * (inactive_target.c). */
	unsigned long inactive_target;
	unsigned int inactive_freed, inactive_rescued;

	/* kswapd (vmscan.c): sleeps on kswapd_wait (with page_table_lock)
	 * until kswapd_wake is set or a second passes. */
	pthread_t kswapd_thread;
	pthread_cond_t kswapd_wait;
	bool kswapd_wake;
};

/*
 * Set up @nr_frames descriptors (1 <= nr_frames <= MAX_FRAMES), all on the
 * free list, with @pool as the frames' slots (nr_frames pages; may be NULL
 * in tests that never touch data).  Watermarks are set from nr_frames.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int zone_init(struct zone *z, unsigned long nr_frames, void *pool);
/*
 * As zone_init, with descriptors reserved for @max_frames (>= nr_frames)
 * and @pool holding max_frames pages, so that the cap can be raised to
 * max_frames later (zone_cap.c) without moving anything.
 */
int zone_init_ceiling(struct zone *z, unsigned long nr_frames, unsigned long max_frames,
		      void *pool);
void zone_destroy(struct zone *z);
/* Set up descriptors up to @nr (<= max_frames), on the free list. */
void zone_grow(struct zone *z, unsigned long nr);
/* Watermarks for @frames frames in service. */
void zone_set_watermarks(struct zone *z, unsigned long frames);

static inline void *page_address(const struct zone *z, const struct page *p)
{
	return z->pool + ((uintptr_t)p->index << PAGE_SHIFT);
}
static inline struct page *pfn_to_page(struct zone *z, unsigned long pfn)
{
	return &z->mem_map[pfn];
}

/* rmqueue: a frame from the free list, off every list, or NULL. */
struct page *rmqueue(struct zone *z);
/* Return a frame that is on no list to the free list; flags are cleared. */
void __free_page(struct zone *z, struct page *page);

/* Move @page (on any list or none) to the named list. */
void add_page_to_active_list(struct zone *z, struct page *page);
/* On probation: at the tail, the next page refill_inactive_scan looks at. */
void add_page_to_active_list_tail(struct zone *z, struct page *page);
void add_page_to_inactive_dirty_list(struct zone *z, struct page *page);
void add_page_to_inactive_clean_list(struct zone *z, struct page *page);
/* Take @page off whatever list it is on. */
void del_page_from_lru(struct zone *z, struct page *page);

/* Inactive -> active with a fresh age (a reference was seen). */
void activate_page(struct zone *z, struct page *page);
/* Active -> inactive_dirty or inactive_clean by PG_dirty; age 0. */
void deactivate_page(struct zone *z, struct page *page);

/* Aging: a reference raises the age, a scan without one halves it. */
void age_page_up(struct page *page);
void age_page_down(struct page *page);

/* Frames that are free or can be freed without I/O. */
static inline unsigned long free_plenty(const struct zone *z)
{
	return z->nr_free_pages + z->nr_inactive_clean_pages;
}

#endif /* UPAGE_PAGE_ALLOC_H */
