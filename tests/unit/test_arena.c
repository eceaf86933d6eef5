// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_arena.c - the arena (lib/arena.c): the reservation and its range
 * allocator (best fit, alignment, fixed allocations, partial frees and
 * coalescing, exhaustion, threads).
 *
 * Most tests use a 4 MiB arena (1024 pages), small enough to fill.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "arena.h"
#include "no_memory.h"

#define PG		4096UL
#define MiB		(1UL << 20)
#define GiB		(1UL << 30)

static struct arena a;

static void arena_4m(void)
{
	cr_assert_eq(arena_init(&a, 4 * MiB), 0, "a 4 MiB arena should initialise");
}

static void arena_fini(void)
{
	arena_destroy(&a);
}

/* Allocate [base + first*PG, base + (first+n)*PG) or fail the test. */
static void take(unsigned long first, unsigned long n)
{
	cr_assert_eq(arena_alloc_fixed(&a, a.base + first * PG, n * PG), 0,
		     "alloc_fixed of pages [%lu, %lu) should succeed", first, first + n);
}

static void give(unsigned long first, unsigned long n)
{
	cr_assert_eq(arena_free(&a, a.base + first * PG, n * PG), 0,
		     "free of pages [%lu, %lu) should succeed", first, first + n);
}

/* The permissions /proc/self/maps shows for @addr, "" when unmapped. */
static void maps_perms(uintptr_t addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char p[5];

	perms[0] = '\0';
	cr_assert_not_null(f, "/proc/self/maps should be readable");
	while (fscanf(f, "%lx-%lx %4s%*[^\n]", &lo, &hi, p) == 3) {
		if (addr >= lo && addr < hi) {
			memcpy(perms, p, 5);
			break;
		}
	}
	fclose(f);
}

Test(arena, init_rejects_bad_sizes)
{
	cr_expect_eq(arena_init(&a, 0), -EINVAL, "a size of 0 is -EINVAL");
	cr_expect_eq(arena_init(&a, SIZE_MAX), -EINVAL,
		     "a size larger than the address space is -EINVAL");
}

Test(arena, init_reserves_prot_none, .fini = arena_fini)
{
	char perms[5];

	cr_assert_eq(arena_init(&a, 1), 0, "a one-byte arena should initialise");
	cr_expect_eq(a.size, 4 * MiB, "the size rounds up to 4 MiB, got %zu", a.size);
	cr_expect_eq(a.base % (4 * MiB), 0, "the base is 4 MiB aligned (a directory entry)");
	cr_expect_eq(a.free_bytes, a.size, "a new arena is all free");
	cr_expect_eq(a.nr_free_ranges, 1, "a new arena is one free range");
	maps_perms(a.base, perms);
	cr_expect_str_eq(perms, "---p", "the reservation is private and PROT_NONE");
	maps_perms(a.base + a.size - 1, perms);
	cr_expect_str_eq(perms, "---p", "the last byte is reserved too");
}

Test(arena, large_reservation_costs_nothing, .fini = arena_fini)
{
	cr_assert_eq(arena_init(&a, 8 * GiB), 0, "an 8 GiB MAP_NORESERVE arena should initialise");
	cr_expect_eq(a.free_bytes, 8 * GiB, "all 8 GiB are free");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 8 * GiB - PG, PG), 0,
		     "the last page of an 8 GiB arena can be allocated");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 8 * GiB, PG), -EINVAL,
		     "the page after the arena is -EINVAL");
}

Test(arena, alloc_rounds_up_to_pages, .init = arena_4m, .fini = arena_fini)
{
	uintptr_t addr = 0;

	cr_assert_eq(arena_alloc(&a, 1, 0, &addr), 0, "a one-byte allocation should succeed");
	cr_expect(arena_contains(&a, addr), "the range lies in the arena");
	cr_expect_eq(addr % PG, 0, "the range is page aligned");
	cr_expect_eq(a.free_bytes, a.size - PG, "one byte costs one page");
	cr_expect_eq(arena_alloc_fixed(&a, addr, PG), -EEXIST,
		     "the whole page is in use, not only the byte");
}

Test(arena, alloc_rejects_bad_arguments, .init = arena_4m, .fini = arena_fini)
{
	uintptr_t addr = 0;

	cr_expect_eq(arena_alloc(&a, 0, 0, &addr), -EINVAL, "a zero length is -EINVAL");
	cr_expect_eq(arena_alloc(&a, PG, 3 * PG, &addr), -EINVAL,
		     "an alignment that is not a power of two is -EINVAL");
	cr_expect_eq(arena_alloc(&a, PG, 2048, &addr), -EINVAL,
		     "an alignment below a page is -EINVAL");
	cr_expect_eq(a.free_bytes, a.size, "rejected calls change nothing");
}

Test(arena, exhaustion, .init = arena_4m, .fini = arena_fini)
{
	uintptr_t addr = 0;

	cr_assert_eq(arena_alloc(&a, a.size, 0, &addr), 0, "the whole arena can be allocated");
	cr_expect_eq(addr, a.base, "the only fit is the base");
	cr_expect_eq(a.free_bytes, 0, "nothing is left");
	cr_expect_eq(a.nr_free_ranges, 0, "no free range is left");
	cr_expect_eq(arena_alloc(&a, PG, 0, &addr), -ENOMEM, "an exhausted arena is -ENOMEM");
	give(100, 1);
	cr_expect_eq(arena_alloc(&a, 2 * PG, 0, &addr), -ENOMEM,
		     "two pages do not fit a one-page hole");
	cr_expect_eq(arena_alloc(&a, a.size + PG, 0, &addr), -ENOMEM,
		     "a length larger than the arena is -ENOMEM");
}

Test(arena, best_fit, .init = arena_4m, .fini = arena_fini)
{
	uintptr_t addr = 0;

	take(0, 1024);
	give(10, 3);	/* holes of 3, 1 and 2 pages */
	give(20, 1);
	give(30, 2);
	cr_assert_eq(arena_alloc(&a, 2 * PG, 0, &addr), 0, "two pages should fit");
	cr_expect_eq(addr, a.base + 30 * PG, "two pages go to the two-page hole");
	cr_assert_eq(arena_alloc(&a, PG, 0, &addr), 0, "one page should fit");
	cr_expect_eq(addr, a.base + 20 * PG, "one page goes to the one-page hole");
	cr_expect_eq(a.nr_free_ranges, 1, "only the three-page hole is left");
}

Test(arena, best_fit_prefers_lowest_address, .init = arena_4m, .fini = arena_fini)
{
	uintptr_t addr = 0;

	take(0, 1024);
	give(500, 4);
	give(100, 4);
	give(700, 4);
	cr_assert_eq(arena_alloc(&a, 4 * PG, 0, &addr), 0, "four pages should fit");
	cr_expect_eq(addr, a.base + 100 * PG, "among equal holes the lowest wins");
	cr_assert_eq(arena_alloc(&a, 4 * PG, 0, &addr), 0, "four pages should fit");
	cr_expect_eq(addr, a.base + 500 * PG, "then the next lowest");
}

Test(arena, aligned_alloc_leaves_head_free, .init = arena_4m, .fini = arena_fini)
{
	uintptr_t addr = 0;

	take(0, 1);	/* the free range now starts one page past a 4 MiB boundary */
	cr_assert_eq(arena_alloc(&a, PG, MiB, &addr), 0, "a 1 MiB-aligned page should fit");
	cr_expect_eq(addr % MiB, 0, "the range is 1 MiB aligned, got %#lx", addr);
	cr_expect_eq(addr, a.base + MiB, "the first 1 MiB boundary in the free range is used");
	cr_expect_eq(a.free_bytes, a.size - 2 * PG, "exactly two pages are in use");
	cr_expect_eq(a.nr_free_ranges, 2, "the unaligned head and the tail stay free");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + PG, MiB - PG), 0,
		     "the head [base + 4K, base + 1M) is still free");
	cr_expect_eq(arena_alloc_fixed(&a, addr + PG, a.size - MiB - PG), 0,
		     "the tail after the aligned page is still free");
	cr_expect_eq(a.free_bytes, 0, "head, page and tail make the whole arena");
}

Test(arena, aligned_alloc_skips_ranges_too_small_once_aligned, .init = arena_4m,
     .fini = arena_fini)
{
	uintptr_t addr = 0;

	take(0, 1024);
	give(1, 4);	/* four pages, but no 64 KiB boundary in them */
	give(512, 16);	/* 16 pages at base + 2 MiB, 64 KiB aligned */
	cr_assert_eq(arena_alloc(&a, 4 * PG, 64 * 1024, &addr), 0,
		     "four 64 KiB-aligned pages should fit");
	cr_expect_eq(addr, a.base + 512 * PG, "the smaller hole cannot be aligned: skip it");
	cr_expect_eq(a.nr_free_ranges, 2, "the small hole and the rest of the big one remain");
}

Test(arena, alloc_fixed_collisions, .init = arena_4m, .fini = arena_fini)
{
	take(10, 10);
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 10 * PG, 10 * PG), -EEXIST,
		     "the same range twice is -EEXIST");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 5 * PG, 6 * PG), -EEXIST,
		     "overlapping the start is -EEXIST");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 19 * PG, 2 * PG), -EEXIST,
		     "overlapping the end is -EEXIST");
	cr_expect_eq(arena_alloc_fixed(&a, a.base, 30 * PG), -EEXIST,
		     "covering the whole allocation is -EEXIST");
	cr_expect_eq(a.free_bytes, a.size - 10 * PG, "failed calls change nothing");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 20 * PG, PG), 0,
		     "the page right after the allocation is free");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 9 * PG, PG), 0,
		     "the page right before the allocation is free");
}

Test(arena, alloc_fixed_rejects_bad_ranges, .init = arena_4m, .fini = arena_fini)
{
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 1, PG), -EINVAL,
		     "an unaligned start is -EINVAL");
	cr_expect_eq(arena_alloc_fixed(&a, a.base, PG + 1), -EINVAL,
		     "an unaligned length is -EINVAL");
	cr_expect_eq(arena_alloc_fixed(&a, a.base, 0), -EINVAL, "a zero length is -EINVAL");
	cr_expect_eq(arena_alloc_fixed(&a, a.base - PG, PG), -EINVAL,
		     "a range below the arena is -EINVAL");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + a.size - PG, 2 * PG), -EINVAL,
		     "a range running past the end is -EINVAL");
	cr_expect_eq(a.free_bytes, a.size, "rejected calls change nothing");
}

Test(arena, free_hole_then_reallocate, .init = arena_4m, .fini = arena_fini)
{
	uintptr_t addr = 0;

	take(0, 10);
	give(4, 2);	/* a hole in the middle of one allocation */
	cr_expect_eq(a.nr_free_ranges, 2, "the hole and the rest of the arena are free");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 3 * PG, PG), -EEXIST,
		     "the page before the hole is still in use");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 6 * PG, PG), -EEXIST,
		     "the page after the hole is still in use");
	cr_assert_eq(arena_alloc(&a, 2 * PG, 0, &addr), 0, "two pages should fit");
	cr_expect_eq(addr, a.base + 4 * PG, "the hole is the best fit for two pages");
	cr_expect_eq(a.nr_free_ranges, 1, "the hole is gone");
}

Test(arena, free_prefix_and_suffix, .init = arena_4m, .fini = arena_fini)
{
	take(0, 1024);
	give(0, 3);
	give(1021, 3);
	cr_expect_eq(a.free_bytes, 6 * PG, "six pages are free");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 3 * PG, PG), -EEXIST,
		     "the rest of the allocation stays in use");
	cr_expect_eq(arena_alloc_fixed(&a, a.base, 3 * PG), 0, "the freed prefix is free");
	cr_expect_eq(arena_alloc_fixed(&a, a.base + 1021 * PG, 3 * PG), 0,
		     "the freed suffix is free");
}

Test(arena, coalesce_three_into_one, .init = arena_4m, .fini = arena_fini)
{
	uintptr_t addr = 0;

	cr_assert_eq(arena_alloc(&a, a.size, 0, &addr), 0, "the whole arena can be allocated");
	give(0, 100);
	give(200, 824);
	cr_expect_eq(a.nr_free_ranges, 2, "two separate free ranges");
	give(100, 100);
	cr_expect_eq(a.nr_free_ranges, 1, "the middle joins both neighbours into one range");
	cr_expect_eq(a.free_bytes, a.size, "everything is free again");
	cr_expect_eq(arena_alloc(&a, a.size, 0, &addr), 0,
		     "the coalesced range serves the whole arena again");
}

Test(arena, free_span_over_several_allocations, .init = arena_4m, .fini = arena_fini)
{
	uintptr_t x = 0, y = 0, z = 0;

	cr_assert_eq(arena_alloc(&a, 3 * PG, 0, &x), 0, "first allocation");
	cr_assert_eq(arena_alloc(&a, 5 * PG, 0, &y), 0, "second allocation");
	cr_assert_eq(arena_alloc(&a, 2 * PG, 0, &z), 0, "third allocation");
	cr_assert(x + 3 * PG == y && y + 5 * PG == z, "first fit from the base is contiguous");
	cr_expect_eq(arena_free(&a, x + PG, 8 * PG), 0,
		     "one free may span the end of one allocation to the middle of another");
	cr_expect_eq(a.free_bytes, a.size - 2 * PG, "only x's first and z's last page remain");
	cr_expect_eq(arena_alloc_fixed(&a, x, PG), -EEXIST, "x's first page is still in use");
	cr_expect_eq(arena_alloc_fixed(&a, z + PG, PG), -EEXIST, "z's last page is still in use");
}

Test(arena, free_of_free_space_is_enoent, .init = arena_4m, .fini = arena_fini)
{
	take(10, 10);
	give(12, 2);
	cr_expect_eq(arena_free(&a, a.base + 12 * PG, 2 * PG), -ENOENT, "a double free is -ENOENT");
	cr_expect_eq(arena_free(&a, a.base + 11 * PG, 2 * PG), -ENOENT,
		     "a free overlapping a freed hole is -ENOENT");
	cr_expect_eq(arena_free(&a, a.base + 18 * PG, 4 * PG), -ENOENT,
		     "a free running into never-allocated space is -ENOENT");
	cr_expect_eq(a.free_bytes, a.size - 8 * PG, "failed frees change nothing");
	cr_expect_eq(a.nr_free_ranges, 3, "failed frees change nothing");
}

Test(arena, free_rejects_bad_ranges, .init = arena_4m, .fini = arena_fini)
{
	take(0, 1024);
	cr_expect_eq(arena_free(&a, a.base + 1, PG), -EINVAL, "an unaligned start is -EINVAL");
	cr_expect_eq(arena_free(&a, a.base, 0), -EINVAL, "a zero length is -EINVAL");
	cr_expect_eq(arena_free(&a, a.base + a.size - PG, 2 * PG), -EINVAL,
		     "a range past the arena is -EINVAL");
	cr_expect_eq(a.free_bytes, 0, "rejected frees change nothing");
}

Test(arena, split_without_node_is_enomem, .init = arena_4m, .fini = arena_fini)
{
	int ret_fixed, ret_free, ret_hole;

	take(0, 10);
	/* Use up the node cache's free list, then make growing it fail. */
	while (a.nodes.freelist) {
		void *p = kmem_cache_alloc(&a.nodes);

		cr_assert_not_null(p, "the free list hands out its nodes");
	}
	no_more_memory_begin();
	ret_fixed = arena_alloc_fixed(&a, a.base + 100 * PG, PG);
	ret_free = arena_free(&a, a.base + 4 * PG, PG);
	ret_hole = arena_free(&a, a.base + 9 * PG, PG);
	no_more_memory_end();

	cr_expect_eq(ret_fixed, -ENOMEM, "a split needing a node is -ENOMEM without one");
	cr_expect_eq(ret_free, -ENOMEM, "an isolated free needing a node is -ENOMEM without one");
	cr_expect_eq(ret_hole, 0, "a free that extends a neighbour needs no node");
	cr_expect_eq(a.free_bytes, a.size - 9 * PG, "only the successful free changed the arena");
	cr_expect_eq(a.nr_free_ranges, 1, "the failed calls added no range");
}

/* Random calls checked against a map of the 1024 pages. */
static bool used[1024];

static bool model_any(unsigned long first, unsigned long n, bool state)
{
	for (unsigned long i = first; i < first + n; i++)
		if (used[i] == state)
			return true;
	return false;
}

static void model_set(unsigned long first, unsigned long n, bool state)
{
	for (unsigned long i = first; i < first + n; i++)
		used[i] = state;
}

/* Free pages and maximal free runs, as the arena should count them. */
static void model_check(int step)
{
	size_t free_pages = 0;
	unsigned long runs = 0;

	for (int i = 0; i < 1024; i++) {
		free_pages += !used[i];
		runs += !used[i] && (i == 0 || used[i - 1]);
	}
	cr_assert_eq(a.free_bytes, free_pages * PG, "step %d: free_bytes should match the map",
		     step);
	cr_assert_eq(a.nr_free_ranges, runs, "step %d: free ranges should be maximal runs", step);
}

static void model_step(unsigned int *seed, int step)
{
	unsigned long first = rand_r(seed) % 1024, n = 1 + rand_r(seed) % 16;
	uintptr_t addr = 0;
	int ret;

	if (first + n > 1024)
		n = 1024 - first;
	switch (rand_r(seed) % 3) {
	case 0:
		ret = arena_alloc(&a, n * PG, 0, &addr);
		if (ret == 0) {
			first = (addr - a.base) / PG;
			cr_assert(!model_any(first, n, true), "step %d: alloc gave used pages",
				  step);
			model_set(first, n, true);
		}
		break;
	case 1:
		ret = arena_alloc_fixed(&a, a.base + first * PG, n * PG);
		cr_assert_eq(ret, model_any(first, n, true) ? -EEXIST : 0,
			     "step %d: alloc_fixed should fail exactly on a collision", step);
		if (ret == 0)
			model_set(first, n, true);
		break;
	default:
		ret = arena_free(&a, a.base + first * PG, n * PG);
		cr_assert_eq(ret, model_any(first, n, false) ? -ENOENT : 0,
			     "step %d: free should fail exactly when part is free", step);
		if (ret == 0)
			model_set(first, n, false);
	}
	model_check(step);
}

Test(arena, matches_page_map_model, .init = arena_4m, .fini = arena_fini)
{
	unsigned int seed = 12345;

	memset(used, 0, sizeof(used));
	for (int step = 0; step < 20000; step++)
		model_step(&seed, step);
}

struct worker {
	unsigned int seed;
	int failures;
};

static void *churn(void *arg)
{
	struct worker *w = arg;
	uintptr_t addr[16] = { 0 };

	for (int round = 0; round < 2000; round++) {
		int i = rand_r(&w->seed) % 16;
		size_t len = (1 + rand_r(&w->seed) % 4) * PG;

		if (addr[i]) {
			if (arena_free(&a, addr[i], PG) != 0)
				w->failures++;
			addr[i] = 0;
			continue;
		}
		if (arena_alloc(&a, len, 0, &addr[i]) != 0) {
			w->failures++;
			continue;
		}
		/* Keep only the first page: the rest goes back at once. */
		if (len > PG && arena_free(&a, addr[i] + PG, len - PG) != 0)
			w->failures++;
	}
	for (int i = 0; i < 16; i++)
		if (addr[i] && arena_free(&a, addr[i], PG) != 0)
			w->failures++;
	return NULL;
}

Test(arena, concurrent_alloc_free, .init = arena_4m, .fini = arena_fini)
{
	pthread_t t[4];
	struct worker w[4];

	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .seed = 7 + i };
		pthread_create(&t[i], NULL, churn, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_expect_eq(w[i].failures, 0, "thread %d: every alloc and free should succeed", i);
	}
	cr_expect_eq(a.free_bytes, a.size, "all ranges are back");
	cr_expect_eq(a.nr_free_ranges, 1, "all ranges coalesced into one");
}
