// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_zone_cap.c - changing the cap of a running zone: frames out of
 * service at once when free, owed and taken as they are freed when not,
 * back in service when the cap rises, descriptors past the cap untouched
 * until the cap reaches them, and the ceiling holding.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>

#include "page_alloc.h"
#include "zone_cap.h"

#define CAP	1024
#define CEILING	4096

static struct zone zone;

static void setup(void)
{
	cr_assert_eq(zone_init_ceiling(&zone, CAP, CEILING, NULL), 0,
		     "expected zone_init_ceiling(%d, %d) to succeed", CAP, CEILING);
}

static void teardown(void)
{
	zone_destroy(&zone);
}

TestSuite(zone_cap, .init = setup, .fini = teardown);

/* Frames in use: taken from the free list, on no list. */
static struct page *take(unsigned long n, struct page **pages)
{
	for (unsigned long i = 0; i < n; i++) {
		pages[i] = rmqueue(&zone);
		cr_assert_not_null(pages[i], "expected a free frame (%lu of %lu)", i, n);
	}
	return pages[0];
}

Test(zone_cap, starts_with_the_cap_set_up_and_the_rest_untouched)
{
	cr_assert_eq(zone.nr_frames, CAP, "expected %d descriptors set up, got %lu", CAP,
		     zone.nr_frames);
	cr_assert_eq(zone.nr_free_pages, CAP, "expected %d free frames", CAP);
	cr_assert_eq(zone.max_frames, CEILING, "expected room for %d", CEILING);
	for (unsigned long pfn = CAP; pfn < CEILING; pfn++)
		cr_assert_eq(zone.mem_map[pfn].list.next, NULL,
			     "expected descriptor %lu untouched (zero)", pfn);
}

Test(zone_cap, lowering_takes_free_frames_at_once)
{
	cr_assert_eq(zone_set_cap(&zone, 512), 512, "expected the cap 512 in force");
	cr_assert_eq(zone.nr_free_pages, 512, "expected 512 free, got %lu", zone.nr_free_pages);
	cr_assert_eq(zone.nr_reserved_pages, 512, "expected 512 out of service");
	cr_assert_eq(zone.reserve_debt, 0, "expected nothing owed");
	cr_assert_eq(zone_frames_in_service(&zone), 512, "expected 512 in service");
	cr_assert(zone.pages_high < 512, "expected the watermarks for 512 frames");
}

Test(zone_cap, lowering_below_what_is_used_owes_and_takes_freed_frames)
{
	static struct page *used[CAP];

	take(900, used);
	zone_set_cap(&zone, 300);
	cr_assert_eq(zone.nr_free_pages, 0, "expected every free frame out of service");
	cr_assert_eq(zone.reserve_debt, 600, "expected 900 - 300 owed, got %lu",
		     zone.reserve_debt);
	for (int i = 0; i < 650; i++)
		__free_page(&zone, used[i]);
	cr_assert_eq(zone.reserve_debt, 0, "expected the debt paid");
	cr_assert_eq(zone.nr_free_pages, 50, "expected the frames freed past the debt free");
	cr_assert_eq(zone_frames_in_service(&zone), 300, "expected 300 in service, got %lu",
		     zone_frames_in_service(&zone));
	for (int i = 650; i < 900; i++)
		__free_page(&zone, used[i]);
	cr_assert_eq(zone.nr_free_pages, 300, "expected all 300 free at the end");
}

Test(zone_cap, raising_puts_frames_back_then_sets_up_new_ones)
{
	zone_set_cap(&zone, 256);
	cr_assert_eq(zone_set_cap(&zone, 2048), 2048, "expected the cap 2048 in force");
	cr_assert_eq(zone.nr_reserved_pages, 0, "expected the reserved frames back");
	cr_assert_eq(zone.nr_frames, 2048, "expected 2048 descriptors set up, got %lu",
		     zone.nr_frames);
	cr_assert_eq(zone.nr_free_pages, 2048, "expected 2048 free, got %lu", zone.nr_free_pages);
	cr_assert_eq(zone.mem_map[2048].list.next, NULL, "expected descriptor 2048 untouched");
}

Test(zone_cap, raising_cancels_a_debt)
{
	static struct page *used[CAP];

	take(CAP, used);
	zone_set_cap(&zone, 300);
	cr_assert_eq(zone.reserve_debt, CAP - 300, "expected a debt");
	zone_set_cap(&zone, CAP);
	cr_assert_eq(zone.reserve_debt, 0, "expected no debt at the old cap");
	__free_page(&zone, used[0]);
	cr_assert_eq(zone.nr_free_pages, 1, "expected a freed frame free again");
}

Test(zone_cap, the_cap_stays_within_the_ceiling_and_the_minimum)
{
	cr_assert_eq(zone_set_cap(&zone, 1UL << 30), CEILING, "expected the ceiling");
	cr_assert_eq(zone_set_cap(&zone, 1), ZONE_CAP_MIN_FRAMES, "expected the minimum");
}

Test(zone_cap, a_lower_ceiling_brings_the_cap_down)
{
	cr_assert_eq(zone_set_ceiling(&zone, 700), 700, "expected the cap cut to 700");
	cr_assert_eq(zone_frames_in_service(&zone), 700, "expected 700 in service");
	cr_assert_eq(zone_set_cap(&zone, 3000), 700, "expected the ceiling to hold");
	cr_assert_eq(zone_set_ceiling(&zone, 2000), 700,
		     "expected a higher ceiling to change nothing");
}
