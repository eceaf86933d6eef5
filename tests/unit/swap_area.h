/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * swap_area.h - what the unit tests that run a real swap area share
 * (test_swapfile.c, test_page_io.c): an area in the test's directory, a
 * slot from it, a page-aligned buffer, each asserting that it got one.
 * Define the test directory `dir` (a char array) before including this.
 */
#ifndef SWAP_AREA_H
#define SWAP_AREA_H

#include <criterion/criterion.h>

#include "swapfile.h"
#include "sys.h"

/* A file area in the test directory, capped at @pages pages. */
static inline int file_area(int prio, unsigned long pages)
{
	int type = swapon(dir, prio, (unsigned long long)pages * PAGE_SIZE);

	cr_assert_geq(type, 0, "expected swapon(%s) to succeed, got %d", dir, type);
	return type;
}

static inline swp_entry_t get_slot(void)
{
	swp_entry_t e = { 0 };
	int err = get_swap_page(&e);

	cr_assert_eq(err, 0, "expected get_swap_page to find a slot, got %d", err);
	return e;
}

static inline char *page_buf(void)
{
	char *p = sys_alloc_pages(PAGE_SIZE);

	cr_assert_not_null(p, "expected a page-aligned buffer");
	return p;
}

#endif /* SWAP_AREA_H */
