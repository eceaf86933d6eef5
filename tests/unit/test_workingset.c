// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for workingset.c: refault distance over the shadows of a
 * swap area's slots.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "swapfile.h"
#include "workingset.h"

static char dir[] = "/tmp/upage-test-workingset-XXXXXX";

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir), "expected mkdtemp to make a test directory");
	cr_assert_geq(swapon(dir, 0, 64 * PAGE_SIZE), 0, "expected a swap area");
}

static void teardown(void)
{
	swapoff_all();
	rmdir(dir);
}

TestSuite(workingset, .init = setup, .fini = teardown);

Test(workingset, never_evicted_is_no_refault)
{
	cr_assert_not(workingset_refault(swp_entry(0, 3), 1000),
		      "expected a slot with no shadow to say nothing of reuse");
}

Test(workingset, refault_within_the_active_list_is_working_set)
{
	workingset_eviction(swp_entry(0, 1));
	for (unsigned long i = 2; i < 12; i++)
		workingset_eviction(swp_entry(0, i));
	/* Ten evictions since slot 1's. */
	cr_assert(workingset_refault(swp_entry(0, 1), 10),
		  "expected a distance of 10 to fit 10 active pages");
	cr_assert_not(workingset_refault(swp_entry(0, 1), 9),
		      "expected a distance of 10 not to fit 9 active pages");
}

Test(workingset, latest_eviction_is_the_nearest)
{
	workingset_eviction(swp_entry(0, 5));
	cr_assert(workingset_refault(swp_entry(0, 5), 0),
		  "expected a page evicted last to come back at distance 0");
}

Test(workingset, slot_outside_any_area_is_no_refault)
{
	workingset_eviction(swp_entry(7, 1));
	cr_assert_not(workingset_refault(swp_entry(7, 1), 1000),
		      "expected no shadow for an area that does not exist");
}
