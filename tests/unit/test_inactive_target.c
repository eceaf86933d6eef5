// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for inactive_target.c: the depth of the inactive dirty list
 * follows what its pages end as.  Driven through the fake engine of
 * fake_mm.c: pages are written, unmapped onto the inactive lists by
 * refill_inactive_scan, then either freed by the program (zapped, as
 * munmap or jemalloc's purge does) or touched again (minor faults).
 */
#include "autoconfig.h"

#include <criterion/criterion.h>

#include "fake_mm.h"
#include "inactive_target.h"
#include "memory.h"
#include "stats.h"
#include "vmscan.h"

#define FRAMES	512	/* a quarter of it: a ceiling of 128 pages */
#define PAGES	(2 * INACTIVE_WINDOW)

static void setup(void)
{
	fake_mm_setup(4096, FRAMES, 8192);
}

TestSuite(inactive_target, .init = setup, .fini = fake_mm_destroy);

static void lock(void)
{
	pthread_mutex_lock(&test_mm.page_table_lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&test_mm.page_table_lock);
}

/* Write pages [first, first + n) and unmap them all onto the inactive
 * dirty list. */
static void written_then_unmapped(unsigned long first, unsigned long n)
{
	for (unsigned long i = first; i < first + n; i++)
		fake_write(page_addr(i), 7);
	lock();
	cr_assert_eq(refill_inactive_scan(&test_mm, (unsigned int)n), (int)n,
		     "expected %lu pages deactivated", n);
	unlock();
	cr_assert_eq(test_zone.nr_inactive_dirty_pages, n, "expected them inactive dirty");
}

/* The program frees what it used: every page leaves the inactive list by
 * a zap, unwritten. */
static void freeing_round(unsigned long first)
{
	written_then_unmapped(first, PAGES);
	lock();
	zap_page_range(&test_mm, page_addr(first), PAGES * PAGE_SIZE);
	unlock();
	cr_assert_eq(test_zone.nr_inactive_dirty_pages, 0, "expected the inactive pages freed");
}

/* Uniform reuse: every page unmapped is touched again (a minor fault). */
static void rescuing_round(unsigned long first)
{
	uint64_t minor = upage_stats->faults_minor;

	written_then_unmapped(first, PAGES);
	for (unsigned long i = first; i < first + PAGES; i++)
		cr_assert_eq(fake_read(page_addr(i)), 7);
	cr_assert_eq(upage_stats->faults_minor - minor, PAGES, "expected one minor fault a page");
}

Test(inactive_target, starts_at_one_cluster_a_round)
{
	cr_assert_eq(inactive_target(&test_zone), 0);
	cr_assert_eq(inactive_refill_count(&test_zone), SWAP_CLUSTER_MAX);
	cr_assert_eq(inactive_target_max(&test_zone), FRAMES / 4);
}

Test(inactive_target, grows_while_the_program_frees_inactive_pages)
{
	unsigned long last = 0;

	for (unsigned long r = 0; r < 4; r++) {
		freeing_round(r * PAGES);
		cr_assert_gt(inactive_target(&test_zone), last,
			     "expected the target to grow in round %lu", r);
		last = inactive_target(&test_zone);
		if (last == FRAMES / 4)
			break;
	}
	cr_assert_eq(inactive_target(&test_zone), FRAMES / 4, "expected it at a quarter of the cap");
	cr_assert_gt(inactive_refill_count(&test_zone), SWAP_CLUSTER_MAX,
		     "expected refill to deepen the inactive dirty list");
	cr_assert_eq(upage_stats->swap_outs, 0, "expected none of the freed pages written");
}

Test(inactive_target, shrinks_to_nothing_while_inactive_pages_are_touched_again)
{
	for (unsigned long r = 0; r < 4; r++)
		freeing_round(r * PAGES);
	cr_assert_eq(inactive_target(&test_zone), FRAMES / 4);
	for (unsigned long r = 0; r < 8 && inactive_target(&test_zone); r++) {
		unsigned long before = inactive_target(&test_zone);

		rescuing_round(r * PAGES);
		cr_assert_lt(inactive_target(&test_zone), before,
			     "expected the target to shrink in round %lu", r);
	}
	cr_assert_eq(inactive_target(&test_zone), 0, "expected the target back at nothing");
	cr_assert_eq(inactive_refill_count(&test_zone), SWAP_CLUSTER_MAX,
		     "expected one cluster a round again");
}

Test(inactive_target, uniform_reuse_from_the_start_never_deepens_the_list)
{
	for (unsigned long r = 0; r < 4; r++) {
		rescuing_round(r * PAGES);
		cr_assert_eq(inactive_target(&test_zone), 0, "expected no depth in round %lu", r);
	}
}

Test(inactive_target, pages_freed_while_mapped_say_nothing)
{
	for (unsigned long i = 0; i < PAGES; i++)
		fake_write(page_addr(i), 7);
	lock();
	zap_page_range(&test_mm, page_addr(0), PAGES * PAGE_SIZE);
	unlock();
	cr_assert_eq(test_zone.inactive_freed, 0, "expected active pages not counted");
	cr_assert_eq(inactive_target(&test_zone), 0);
}

Test(inactive_target, half_freed_half_touched_is_no_reason_to_grow)
{
	written_then_unmapped(0, PAGES);
	for (unsigned long i = 0; i < PAGES; i += 2) {
		cr_assert_eq(fake_read(page_addr(i)), 7);
		lock();
		zap_page_range(&test_mm, page_addr(i + 1), PAGE_SIZE);
		unlock();
	}
	cr_assert_eq(inactive_target(&test_zone), 0, "expected a tie to leave the target down");
}

Test(inactive_target, refill_deepens_by_what_the_dirty_list_lacks_at_most_eight_clusters)
{
	test_zone.inactive_target = FRAMES / 4;
	cr_assert_eq(inactive_refill_count(&test_zone), SWAP_CLUSTER_MAX + FRAMES / 4);
	written_then_unmapped(0, 100);
	cr_assert_eq(inactive_refill_count(&test_zone), SWAP_CLUSTER_MAX + FRAMES / 4 - 100);
	test_zone.cap_frames = 8192;
	test_zone.inactive_target = 2048;
	cr_assert_eq(inactive_refill_count(&test_zone), 8 * SWAP_CLUSTER_MAX, "expected the round's bound");
}

Test(inactive_target, a_lower_cap_lowers_the_target_with_it)
{
	test_zone.inactive_target = FRAMES / 4;
	test_zone.cap_frames = FRAMES / 2;
	cr_assert_eq(inactive_target(&test_zone), FRAMES / 8);
}
