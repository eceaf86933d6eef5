// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_page_alloc.c - frames and the four page lists: zone_init and its
 * watermarks, rmqueue / __free_page, every list move keeping the counters
 * equal to the lists, activate / deactivate, and page aging.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>

#include "page_alloc.h"
#include "sys.h"

#define NR 16

static struct zone zone;

static void setup(void)
{
	cr_assert_eq(zone_init(&zone, NR, NULL), 0, "expected zone_init(%d) to succeed", NR);
}

static void teardown(void)
{
	zone_destroy(&zone);
}

TestSuite(page_alloc, .init = setup, .fini = teardown);

static unsigned long list_length(struct list_head *head, enum page_lru lru)
{
	unsigned long n = 0;
	struct page *p;

	list_for_each_entry(p, head, list) {
		cr_assert_eq(p->lru, lru, "expected page %u on list %d to say so, says %d",
			     p->index, lru, p->lru);
		n++;
	}
	return n;
}

/* Every counter equals its list's length, and @off_list pages are on none. */
static void assert_counters(unsigned long off_list)
{
	struct zone *z = &zone;
	unsigned long a = list_length(&z->active_list, LRU_ACTIVE);
	unsigned long d = list_length(&z->inactive_dirty_list, LRU_INACTIVE_DIRTY);
	unsigned long c = list_length(&z->inactive_clean_list, LRU_INACTIVE_CLEAN);
	unsigned long f = list_length(&z->free_list, LRU_FREE);

	cr_assert_eq(z->nr_active_pages, a, "expected nr_active_pages %lu = list %lu",
		     z->nr_active_pages, a);
	cr_assert_eq(z->nr_inactive_dirty_pages, d, "expected nr_inactive_dirty_pages %lu = %lu",
		     z->nr_inactive_dirty_pages, d);
	cr_assert_eq(z->nr_inactive_clean_pages, c, "expected nr_inactive_clean_pages %lu = %lu",
		     z->nr_inactive_clean_pages, c);
	cr_assert_eq(z->nr_free_pages, f, "expected nr_free_pages %lu = list %lu",
		     z->nr_free_pages, f);
	cr_assert_eq(a + d + c + f + off_list, z->nr_frames,
		     "expected every frame on one list or counted off the lists");
}

static struct page *take(void)
{
	struct page *p = rmqueue(&zone);

	cr_assert_not_null(p, "expected rmqueue to find a free frame");
	return p;
}

Test(page_alloc, init_puts_every_frame_on_free_list)
{
	bool seen[NR] = { false };
	struct page *p;

	cr_assert_eq(zone.nr_free_pages, (unsigned long)NR, "expected %d free frames", NR);
	assert_counters(0);
	list_for_each_entry(p, &zone.free_list, list) {
		cr_assert_lt(p->index, NR, "expected a frame index below %d", NR);
		cr_assert_not(seen[p->index], "expected frame %u once on the free list", p->index);
		cr_assert_eq(p, pfn_to_page(&zone, p->index), "expected index = mem_map slot");
		seen[p->index] = true;
	}
}

Test(page_alloc, init_rejects_zero_and_too_many_frames)
{
	struct zone z;

	cr_assert_eq(zone_init(&z, 0, NULL), -EINVAL, "expected -EINVAL for 0 frames");
	cr_assert_eq(zone_init(&z, MAX_FRAMES + 1, NULL), -EINVAL,
		     "expected -EINVAL past MAX_FRAMES");
}

Test(page_alloc, watermarks_ordered_for_every_size)
{
	unsigned long sizes[] = { 1, 2, 3, 4, 5, 8, 12, 63, 64, 100, 256, 1024, 4096, MAX_FRAMES };

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned long nr = sizes[i];
		struct zone z;

		cr_assert_eq(zone_init(&z, nr, NULL), 0, "expected zone_init(%lu)", nr);
		cr_assert(z.pages_min <= z.pages_low && z.pages_low <= z.pages_high,
			  "expected min %lu <= low %lu <= high %lu for %lu frames", z.pages_min,
			  z.pages_low, z.pages_high, nr);
		cr_assert_lt(z.pages_high, nr, "expected high %lu below %lu frames", z.pages_high,
			     nr);
		zone_destroy(&z);
	}
}

Test(page_alloc, watermarks_follow_nr_over_64)
{
	struct zone z;

	zone_init(&z, 1024, NULL);
	cr_assert_eq(z.pages_min, 16UL, "expected min = 1024/64 = 16");
	cr_assert_eq(z.pages_low, 32UL, "expected low = 2 * min");
	cr_assert_eq(z.pages_high, 48UL, "expected high = 3 * min");
	zone_destroy(&z);
	zone_init(&z, 64, NULL);
	cr_assert_eq(z.pages_min, 4UL, "expected min floored at 4 for 64 frames");
	cr_assert_eq(z.pages_high, 12UL, "expected high = 12 for 64 frames");
	zone_destroy(&z);
}

Test(page_alloc, rmqueue_takes_a_frame_off_every_list)
{
	struct page *p = take();

	cr_assert_eq(p->lru, LRU_NONE, "expected the frame on no list");
	cr_assert_eq(zone.nr_free_pages, (unsigned long)NR - 1, "expected one free frame fewer");
	assert_counters(1);
}

Test(page_alloc, rmqueue_on_empty_zone_returns_null)
{
	for (int i = 0; i < NR; i++)
		take();
	cr_assert_null(rmqueue(&zone), "expected NULL with no free frame");
	cr_assert_eq(zone.nr_free_pages, 0UL, "expected the free count at 0, not below");
	assert_counters(NR);
}

Test(page_alloc, rmqueue_hands_out_distinct_frames)
{
	bool seen[NR] = { false };

	for (int i = 0; i < NR; i++) {
		struct page *p = take();

		cr_assert_not(seen[p->index], "expected frame %u handed out once", p->index);
		seen[p->index] = true;
	}
}

Test(page_alloc, free_page_returns_a_clean_frame)
{
	struct page *p = take();

	SetPageDirty(p);
	SetPageFlag(p, PG_swapcache);
	p->vaddr = 0x10000;
	p->age = 9;
	__free_page(&zone, p);
	cr_assert(PageFree(p), "expected the frame back on the free list");
	cr_assert_eq(p->flags, 0UL, "expected its flags cleared");
	cr_assert_eq(p->vaddr, 0UL, "expected no owner address");
	cr_assert_eq(p->age, 0, "expected age 0");
	assert_counters(0);
	cr_assert_eq(rmqueue(&zone), p, "expected the just freed (hot) frame first");
}

Test(page_alloc, free_page_of_listed_page_keeps_counters)
{
	struct page *p = take();

	add_page_to_active_list(&zone, p);
	__free_page(&zone, p);
	cr_assert_eq(zone.nr_active_pages, 0UL, "expected the page off the active list");
	assert_counters(0);
}

Test(page_alloc, reserved_page_is_never_freed_onto_a_list)
{
	struct page *p = take();

	SetPageFlag(p, PG_reserved);
	__free_page(&zone, p);
	cr_assert_eq(p->lru, LRU_NONE, "expected a reserved frame to stay off the lists");
	assert_counters(1);
}

Test(page_alloc, counters_exact_through_every_move)
{
	struct page *p = take(), *q = take();

	add_page_to_active_list(&zone, p);
	assert_counters(1);
	add_page_to_inactive_dirty_list(&zone, p);
	assert_counters(1);
	add_page_to_inactive_clean_list(&zone, p);
	assert_counters(1);
	add_page_to_active_list(&zone, q);
	add_page_to_active_list(&zone, p);
	assert_counters(0);
	cr_assert_eq(zone.nr_active_pages, 2UL, "expected both pages active");
	add_page_to_active_list(&zone, p);	/* again: no double count */
	assert_counters(0);
	cr_assert_eq(zone.nr_active_pages, 2UL, "expected a re-add not counted twice");
	del_page_from_lru(&zone, p);
	del_page_from_lru(&zone, p);		/* on no list: nothing to do */
	assert_counters(1);
	__free_page(&zone, p);
	__free_page(&zone, q);
	assert_counters(0);
	cr_assert_eq(zone.nr_free_pages, (unsigned long)NR, "expected every frame free again");
}

Test(page_alloc, del_page_from_lru_of_free_page)
{
	struct page *p = list_first_entry(&zone.free_list, struct page, list);

	del_page_from_lru(&zone, p);
	cr_assert_eq(p->lru, LRU_NONE, "expected the page on no list");
	cr_assert_eq(zone.nr_free_pages, (unsigned long)NR - 1, "expected one free frame fewer");
	assert_counters(1);
}

Test(page_alloc, activate_moves_inactive_page_with_fresh_age)
{
	struct page *p = take();

	add_page_to_inactive_clean_list(&zone, p);
	p->age = 0;
	activate_page(&zone, p);
	cr_assert(PageActive(p), "expected the page on the active list");
	cr_assert_eq(p->age, PAGE_AGE_START + PAGE_AGE_ADV, "expected age START + ADV = %d, got %d",
		     PAGE_AGE_START + PAGE_AGE_ADV, p->age);
	assert_counters(0);
}

Test(page_alloc, activate_of_active_page_ages_it_up)
{
	struct page *p = take();

	add_page_to_active_list(&zone, p);
	p->age = 20;
	activate_page(&zone, p);
	cr_assert(PageActive(p), "expected the page still active");
	cr_assert_eq(p->age, 20 + PAGE_AGE_ADV, "expected age 20 + ADV, got %d", p->age);
	assert_counters(0);
}

Test(page_alloc, deactivate_dirty_page_to_inactive_dirty)
{
	struct page *p = take();

	add_page_to_active_list(&zone, p);
	p->age = 30;
	SetPageDirty(p);
	SetPageReferenced(p);
	deactivate_page(&zone, p);
	cr_assert(PageInactiveDirty(p), "expected a dirty page on inactive_dirty");
	cr_assert_eq(p->age, 0, "expected age 0");
	cr_assert_not(PageReferenced(p), "expected PG_referenced cleared");
	assert_counters(0);
}

Test(page_alloc, deactivate_clean_page_to_inactive_clean)
{
	struct page *p = take();

	add_page_to_active_list(&zone, p);
	p->age = 30;
	deactivate_page(&zone, p);
	cr_assert(PageInactiveClean(p), "expected a clean page on inactive_clean");
	cr_assert_eq(p->age, 0, "expected age 0");
	cr_assert_eq(zone.nr_inactive_clean_pages, 1UL, "expected one clean inactive page");
	cr_assert_eq(free_plenty(&zone), (unsigned long)NR,
		     "expected the clean page counted as freeable");
	assert_counters(0);
}

Test(page_alloc, age_up_caps_at_max)
{
	struct page p = { .age = PAGE_AGE_START };
	int steps = 0;

	while (p.age < PAGE_AGE_MAX && steps < 100) {
		uint8_t before = p.age;

		age_page_up(&p);
		cr_assert_gt(p.age, before, "expected each reference to raise the age");
		steps++;
	}
	cr_assert_eq(p.age, PAGE_AGE_MAX, "expected the age to reach %d", PAGE_AGE_MAX);
	age_page_up(&p);
	cr_assert_eq(p.age, PAGE_AGE_MAX, "expected the age capped at %d", PAGE_AGE_MAX);
	p.age = PAGE_AGE_MAX - 1;
	age_page_up(&p);
	cr_assert_eq(p.age, PAGE_AGE_MAX, "expected 63 + ADV clipped to %d", PAGE_AGE_MAX);
}

Test(page_alloc, age_down_halves_to_zero)
{
	uint8_t want[] = { 32, 16, 8, 4, 2, 1, 0, 0 };
	struct page p = { .age = PAGE_AGE_MAX };

	for (unsigned int i = 0; i < sizeof(want); i++) {
		age_page_down(&p);
		cr_assert_eq(p.age, want[i], "expected age %d after %u halvings, got %d", want[i],
			     i + 1, p.age);
	}
}

Test(page_alloc, page_address_is_the_frames_pool_slot)
{
	char *pool = sys_alloc_pages(4 * PAGE_SIZE);
	struct zone z;

	cr_assert_not_null(pool, "expected a pool");
	zone_init(&z, 4, pool);
	for (unsigned long pfn = 0; pfn < 4; pfn++)
		cr_assert_eq(page_address(&z, pfn_to_page(&z, pfn)), pool + pfn * PAGE_SIZE,
			     "expected frame %lu at pool + %lu pages", pfn, pfn);
	zone_destroy(&z);
	sys_free_pages(pool, 4 * PAGE_SIZE);
}
