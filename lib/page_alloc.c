// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * page_alloc.c - the frames of the zone and Linux 2.4's four page lists:
 * zone_init with its watermarks, rmqueue, __free_page, the
 * add_page_to_*_list moves, activate_page / deactivate_page, and page aging
 * (age_page_up, age_page_down).
 *
 * Every page descriptor is on exactly one of active_list,
 * inactive_dirty_list, inactive_clean_list or free_list, or on none
 * (LRU_NONE: taken by rmqueue, or being worked on), and page->lru says
 * which; the four nr_*_pages counters are kept equal to the lists' lengths
 * by doing every move through del_page_from_lru and add_to_lru.
 *
 * Locking: mm->page_table_lock protects the zone (lists, counters) and the
 * pages' list, lru, age and flags; the caller holds it, nothing here locks.
 */
#include "autoconfig.h"

#include "page_alloc.h"

#include <errno.h>

#include "sys.h"

#define PAGES_MIN_FLOOR	4	/* pages_min of all but tiny zones */

static size_t mem_map_bytes(unsigned long nr_frames)
{
	return PAGE_ALIGN(nr_frames * sizeof(struct page));
}

/*
 * pages_min = nr/64 (at least PAGES_MIN_FLOOR), pages_low = 2 * min,
 * pages_high = 3 * min, none above nr - 1: a tiny zone squeezes them
 * together rather than out of order.
 */
void zone_set_watermarks(struct zone *z, unsigned long nr)
{
	unsigned long cap = nr - 1, min = nr / 64;

	if (min < PAGES_MIN_FLOOR)
		min = PAGES_MIN_FLOOR;
	z->pages_min = min < cap ? min : cap;
	z->pages_low = 2 * z->pages_min < cap ? 2 * z->pages_min : cap;
	z->pages_high = 3 * z->pages_min < cap ? 3 * z->pages_min : cap;
}

int zone_init(struct zone *z, unsigned long nr_frames, void *pool)
{
	return zone_init_ceiling(z, nr_frames, nr_frames, pool);
}

/*
 * mem_map is reserved for max_frames descriptors but zero-filled pages
 * cost nothing until written: only the nr_frames set up here are.
 */
int zone_init_ceiling(struct zone *z, unsigned long nr_frames, unsigned long max_frames,
		      void *pool)
{
	if (nr_frames == 0 || max_frames < nr_frames || max_frames > MAX_FRAMES)
		return -EINVAL;
	z->mem_map = sys_alloc_pages(mem_map_bytes(max_frames));
	if (!z->mem_map)
		return -ENOMEM;
	z->nr_frames = 0;
	z->max_frames = max_frames;
	z->ceiling_frames = max_frames;
	z->cap_frames = nr_frames;
	z->pool = pool;
	INIT_LIST_HEAD(&z->reserved_list);
	z->nr_reserved_pages = 0;
	z->reserve_debt = 0;
	INIT_LIST_HEAD(&z->active_list);
	INIT_LIST_HEAD(&z->inactive_dirty_list);
	INIT_LIST_HEAD(&z->inactive_clean_list);
	INIT_LIST_HEAD(&z->free_list);
	z->nr_active_pages = 0;
	z->nr_inactive_dirty_pages = 0;
	z->nr_inactive_clean_pages = 0;
	z->nr_free_pages = 0;
	z->inactive_target = 0;
	z->inactive_freed = 0;
	z->inactive_rescued = 0;
	z->kswapd_wake = false;
	pthread_cond_init(&z->kswapd_wait, NULL);
	zone_grow(z, nr_frames);
	zone_set_watermarks(z, nr_frames);
	return 0;
}

void zone_grow(struct zone *z, unsigned long nr)
{
	if (nr > z->max_frames)
		nr = z->max_frames;
	for (unsigned long pfn = z->nr_frames; pfn < nr; pfn++) {
		struct page *page = &z->mem_map[pfn];

		page->index = (uint32_t)pfn;
		INIT_LIST_HEAD(&page->list);
		page->lru = LRU_FREE;
		list_add_tail(&page->list, &z->free_list);
		z->nr_free_pages++;
	}
	if (nr > z->nr_frames)
		z->nr_frames = nr;
}

void zone_destroy(struct zone *z)
{
	if (z->mem_map)
		sys_free_pages(z->mem_map, mem_map_bytes(z->max_frames));
	z->mem_map = NULL;
	z->nr_frames = 0;
	z->max_frames = 0;
	z->ceiling_frames = 0;
	z->cap_frames = 0;
	INIT_LIST_HEAD(&z->reserved_list);
	z->nr_reserved_pages = 0;
	z->reserve_debt = 0;
	z->pool = NULL;
	INIT_LIST_HEAD(&z->active_list);
	INIT_LIST_HEAD(&z->inactive_dirty_list);
	INIT_LIST_HEAD(&z->inactive_clean_list);
	INIT_LIST_HEAD(&z->free_list);
	z->nr_active_pages = 0;
	z->nr_inactive_dirty_pages = 0;
	z->nr_inactive_clean_pages = 0;
	z->nr_free_pages = 0;
}

/* List @lru of @z and, in *@nr, its counter; NULL for LRU_NONE. */
static struct list_head *lru_list(struct zone *z, enum page_lru lru, unsigned long **nr)
{
	switch (lru) {
	case LRU_ACTIVE:
		*nr = &z->nr_active_pages;
		return &z->active_list;
	case LRU_INACTIVE_DIRTY:
		*nr = &z->nr_inactive_dirty_pages;
		return &z->inactive_dirty_list;
	case LRU_INACTIVE_CLEAN:
		*nr = &z->nr_inactive_clean_pages;
		return &z->inactive_clean_list;
	case LRU_FREE:
		*nr = &z->nr_free_pages;
		return &z->free_list;
	default:
		*nr = NULL;
		return NULL;
	}
}

void del_page_from_lru(struct zone *z, struct page *page)
{
	unsigned long *nr;

	if (!lru_list(z, page->lru, &nr))
		return;		/* on no list */
	list_del(&page->list);
	(*nr)--;
	page->lru = LRU_NONE;
}

/* Move @page to the head of list @lru (scans take from the tail). */
static void add_to_lru(struct zone *z, struct page *page, enum page_lru lru)
{
	unsigned long *nr;

	del_page_from_lru(z, page);
	list_add(&page->list, lru_list(z, lru, &nr));
	(*nr)++;
	page->lru = lru;
}

void add_page_to_active_list(struct zone *z, struct page *page)
{
	add_to_lru(z, page, LRU_ACTIVE);
}

void add_page_to_active_list_tail(struct zone *z, struct page *page)
{
	add_to_lru(z, page, LRU_ACTIVE);
	list_del(&page->list);
	list_add_tail(&page->list, &z->active_list);
}

void add_page_to_inactive_dirty_list(struct zone *z, struct page *page)
{
	add_to_lru(z, page, LRU_INACTIVE_DIRTY);
}

void add_page_to_inactive_clean_list(struct zone *z, struct page *page)
{
	add_to_lru(z, page, LRU_INACTIVE_CLEAN);
}

struct page *rmqueue(struct zone *z)
{
	struct page *page;

	if (list_empty(&z->free_list))
		return NULL;
	page = list_first_entry(&z->free_list, struct page, list);
	del_page_from_lru(z, page);
	return page;
}

/*
 * The frame goes back to the head of the free list with a clean
 * descriptor.  A PG_reserved page is never on a list: it is left alone,
 * as 2.4's __free_pages does.  A page still on a list is taken off it
 * first, so the counters stay exact.  While the cap owes frames
 * (reserve_debt, zone_cap.c), the frame goes out of service instead.
 */
void __free_page(struct zone *z, struct page *page)
{
	if (PageFlag(page, PG_reserved))
		return;
	del_page_from_lru(z, page);
	page->flags = 0;
	page->vaddr = 0;
	page->swap.val = 0;
	page->next_hash = NULL;
	page->age = 0;
	if (z->reserve_debt) {
		z->reserve_debt--;
		SetPageFlag(page, PG_reserved);
		list_add(&page->list, &z->reserved_list);
		z->nr_reserved_pages++;
		return;
	}
	add_to_lru(z, page, LRU_FREE);
}

/*
 * 2.4's activate_page_nolock with age_page_up: an inactive page moves to
 * the active list, and every page given a reference gets a fair chance of
 * staying: at least PAGE_AGE_START, then a step up.  A free page is left
 * alone.
 */
void activate_page(struct zone *z, struct page *page)
{
	if (PageFree(page))
		return;
	if (PageInactive(page))
		add_page_to_active_list(z, page);
	if (page->age < PAGE_AGE_START)
		page->age = PAGE_AGE_START;
	age_page_up(page);
}

/*
 * 2.4's deactivate_page_nolock: the age and the referenced bit are
 * cleared, and the page goes to inactive_dirty when it must be written
 * before its frame can be reused, else straight to inactive_clean.  A page
 * already inactive is moved to the list its PG_dirty now calls for.  A
 * page on no list (someone is working on it) loses its age but stays off
 * the lists; a free page is left alone.
 */
void deactivate_page(struct zone *z, struct page *page)
{
	if (PageFree(page))
		return;
	page->age = 0;
	ClearPageReferenced(page);
	if (page->lru == LRU_NONE)
		return;
	if (PageDirty(page))
		add_page_to_inactive_dirty_list(z, page);
	else
		add_page_to_inactive_clean_list(z, page);
}

void age_page_up(struct page *page)
{
	unsigned int age = page->age + PAGE_AGE_ADV;

	page->age = age > PAGE_AGE_MAX ? PAGE_AGE_MAX : age;
}

/* Exponential decline, as 2.4's age_page_down_ageonly. */
void age_page_down(struct page *page)
{
	page->age /= 2;
}
