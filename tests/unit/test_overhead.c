// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for overhead.c: the registry of upage's own mappings and
 * their resident size, as sys_alloc_pages feeds it.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "overhead.h"
#include "sys.h"

#define PG 4096UL

Test(overhead, counts_the_pages_touched_of_what_sys_alloc_pages_maps)
{
	uint64_t before = overhead_resident_bytes();
	char *p = sys_alloc_pages(64 * PG);

	cr_assert_not_null(p, "expected pages");
	cr_assert_eq(overhead_resident_bytes(), before, "expected nothing resident before a touch");
	for (int i = 0; i < 10; i++)
		p[i * 3 * PG] = 1;
	cr_assert_eq(overhead_resident_bytes(), before + 10 * PG,
		     "expected the 10 pages touched, got %lu more",
		     (unsigned long)(overhead_resident_bytes() - before));
	sys_free_pages(p, 64 * PG);
	cr_assert_eq(overhead_resident_bytes(), before, "expected them gone with the mapping");
}

Test(overhead, a_registered_range_counts_until_unregistered)
{
	uint64_t before = overhead_resident_bytes();
	size_t len = 8 * PG;
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(buf, MAP_FAILED, "expected pages");
	memset(buf, 1, len);
	overhead_register(buf, len);
	cr_assert_eq(overhead_resident_bytes(), before + len, "expected the 8 pages counted");
	overhead_unregister(buf, len);
	cr_assert_eq(overhead_resident_bytes(), before, "expected them no longer counted");
	munmap(buf, len);
}
