// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_vma.c - regions (lib/vma.c): find_vma and its mmap_cache, do_mmap
 * merging, do_munmap splitting, mprotect_fixup splitting and re-merging,
 * all-or-nothing on -ENOMEM, the anonymous nopage.
 *
 * Regions describe addresses only; the arena and page table of the mm are
 * not set up, and addresses are plain numbers.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "mm.h"
#include "vma.h"
#include "no_memory.h"

#define PG	4096UL
#define BASE	0x200000000000UL
#define P(n)	(BASE + (uintptr_t)(n) * PG)	/* address of page n */
#define RW	(VM_READ | VM_WRITE)

static struct mm_struct mm;

static void mm_setup(void)
{
	memset(&mm, 0, sizeof(mm));
	mm_init_regions(&mm);
}

static void mm_teardown(void)
{
	do_munmap(&mm, BASE, P(1UL << 30));
}

/* The regions in order, as [start page, end page, flags]. */
struct snapshot {
	int n;
	unsigned long r[16][3];
};

static int snap_one(struct vm_area_struct *vma, void *arg)
{
	struct snapshot *s = arg;

	if (s->n < 16) {
		s->r[s->n][0] = (vma->vm_start - BASE) / PG;
		s->r[s->n][1] = (vma->vm_end - BASE) / PG;
		s->r[s->n][2] = vma->vm_flags;
	}
	s->n++;
	return 0;
}

static struct snapshot snap(void)
{
	struct snapshot s = { 0 };

	vma_for_each(&mm, snap_one, &s);
	return s;
}

/* Assert the regions are exactly @n triples [start, end, flags]. */
static void expect_regions(int n, const unsigned long (*want)[3])
{
	struct snapshot s = snap();

	cr_assert_eq(s.n, n, "expected %d regions, found %d", n, s.n);
	cr_assert_eq(mm.map_count, n, "map_count should be %d, is %d", n, mm.map_count);
	for (int i = 0; i < n; i++)
		cr_expect(s.r[i][0] == want[i][0] && s.r[i][1] == want[i][1] &&
			  s.r[i][2] == want[i][2],
			  "region %d should be [%lu, %lu) flags %#lx, is [%lu, %lu) flags %#lx", i,
			  want[i][0], want[i][1], want[i][2], s.r[i][0], s.r[i][1], s.r[i][2]);
}

static void map(unsigned long first, unsigned long last, unsigned long flags)
{
	cr_assert_eq(do_mmap(&mm, P(first), P(last), flags, NULL), 0,
		     "do_mmap of pages [%lu, %lu) should succeed", first, last);
}

static const struct vm_operations_struct other_ops = { .name = "other", .nopage = NULL };

/*
 * With mmap failing, map single pages far apart until do_mmap is -ENOMEM:
 * the region cache is then empty.  Returns the first page not mapped.
 */
static unsigned long drain_region_cache(void)
{
	unsigned long page = 1UL << 20;

	while (do_mmap(&mm, P(page), P(page + 1), VM_READ, NULL) == 0)
		page += 2;
	return page;
}

TestSuite(vma, .init = mm_setup, .fini = mm_teardown);

Test(vma, init_regions)
{
	cr_expect_null(RB_ROOT(&mm.mm_rb), "a new mm has no regions");
	cr_expect_eq(mm.map_count, 0, "a new mm counts no regions");
	cr_expect_null(mm.mmap_cache, "a new mm caches nothing");
	cr_expect_null(find_vma(&mm, BASE), "find_vma finds nothing in an empty mm");
	cr_expect_eq(pthread_rwlock_trywrlock(&mm.mmap_lock), 0, "mmap_lock is initialised, free");
	cr_expect_eq(pthread_mutex_trylock(&mm.page_table_lock), 0,
		     "page_table_lock is initialised, free");
	pthread_mutex_unlock(&mm.page_table_lock);
	pthread_rwlock_unlock(&mm.mmap_lock);
}

Test(vma, mmap_rejects_bad_ranges)
{
	cr_expect_eq(do_mmap(&mm, P(1), P(1), RW, NULL), -EINVAL, "an empty range is -EINVAL");
	cr_expect_eq(do_mmap(&mm, P(2), P(1), RW, NULL), -EINVAL, "a reversed range is -EINVAL");
	cr_expect_eq(do_mmap(&mm, P(1) + 8, P(2), RW, NULL), -EINVAL,
		     "an unaligned start is -EINVAL");
	cr_expect_eq(do_mmap(&mm, P(1), P(2) - 1, RW, NULL), -EINVAL,
		     "an unaligned end is -EINVAL");
	cr_expect_eq(do_munmap(&mm, P(1), P(1)), -EINVAL, "munmap of an empty range is -EINVAL");
	cr_expect_eq(mprotect_fixup(&mm, P(1), P(1) + 1, VM_READ), -EINVAL,
		     "mprotect of an unaligned range is -EINVAL");
	cr_expect_eq(mm.map_count, 0, "rejected calls map nothing");
}

Test(vma, mmap_overlap_is_eexist)
{
	map(10, 20, RW);
	cr_expect_eq(do_mmap(&mm, P(15), P(25), RW, NULL), -EEXIST,
		     "overlapping the end is -EEXIST");
	cr_expect_eq(do_mmap(&mm, P(5), P(11), RW, NULL), -EEXIST,
		     "overlapping the start is -EEXIST");
	cr_expect_eq(do_mmap(&mm, P(12), P(13), RW, NULL), -EEXIST, "a range inside is -EEXIST");
	cr_expect_eq(do_mmap(&mm, P(0), P(30), RW, NULL), -EEXIST,
		     "a range around the region is -EEXIST");
	expect_regions(1, (const unsigned long[][3]){ { 10, 20, RW } });
}

Test(vma, null_ops_are_anonymous)
{
	struct vm_area_struct *vma;

	map(0, 4, RW);
	vma = find_vma(&mm, P(0));
	cr_assert_not_null(vma, "the region should be found");
	cr_expect_eq(vma->vm_ops, &anon_vm_ops, "NULL ops mean anon_vm_ops");
	cr_expect_str_eq(anon_vm_ops.name, "anon", "the anonymous operations are named anon");
	cr_expect_eq(vma->vm_mm, &mm, "the region knows its mm");
}

Test(vma, anon_nopage_zero_fills)
{
	static char page[4096] __attribute__((aligned(4096)));
	struct vm_area_struct *vma;
	size_t nonzero = 0;

	map(0, 1, RW);
	vma = find_vma(&mm, P(0));
	memset(page, 0xa5, sizeof(page));
	cr_assert_eq(vma->vm_ops->nopage(vma, P(0), page), 0, "anonymous nopage succeeds");
	for (size_t i = 0; i < sizeof(page); i++)
		nonzero += page[i] != 0;
	cr_expect_eq(nonzero, 0, "every byte of the page is zero, %zu are not", nonzero);
}

Test(vma, find_vma_returns_region_above_hole)
{
	map(10, 20, RW);
	map(30, 40, VM_READ);

	cr_expect_eq(find_vma(&mm, P(15))->vm_start, P(10), "an address inside finds its region");
	cr_expect_eq(find_vma(&mm, P(25))->vm_start, P(30),
		     "an address in a hole finds the region above it");
	cr_expect_eq(find_vma(&mm, P(20))->vm_start, P(30),
		     "vm_end is exclusive: the region above is found");
	cr_expect_eq(find_vma(&mm, P(0))->vm_start, P(10),
		     "an address below everything finds the first region");
	cr_expect_null(find_vma(&mm, P(40)), "an address above every region finds nothing");
	cr_expect_null(find_vma_containing(&mm, P(25)), "no region contains an address in a hole");
	cr_expect_eq(find_vma_containing(&mm, P(39))->vm_start, P(30),
		     "the last page of a region is contained");
}

Test(vma, find_vma_fills_mmap_cache)
{
	struct vm_area_struct *vma;

	map(10, 20, RW);
	map(30, 40, VM_READ);
	vma = find_vma(&mm, P(35));
	cr_expect_eq(mm.mmap_cache, vma, "find_vma caches its result");
	cr_expect_eq(find_vma(&mm, P(31)), vma, "a second lookup in the same region hits");
	cr_expect_eq(find_vma(&mm, P(12))->vm_start, P(10),
		     "a lookup outside the cached region still finds the right one");
	cr_expect_eq(mm.mmap_cache->vm_start, P(10), "the cache follows the last lookup");
}

Test(vma, munmap_invalidates_mmap_cache)
{
	map(10, 20, RW);
	map(30, 40, VM_READ);
	cr_assert_not_null(find_vma(&mm, P(35)), "the region should be found");
	cr_assert_eq(do_munmap(&mm, P(30), P(40)), 0, "unmapping a whole region succeeds");
	cr_expect_null(mm.mmap_cache, "the cache must not keep a removed region");
	cr_expect_null(find_vma(&mm, P(35)), "the removed region is not found");
	cr_expect_null(find_vma_containing(&mm, P(30)), "nothing contains the old range");
}

Test(vma, mmap_merges_with_neighbours)
{
	map(10, 20, RW);
	map(30, 40, RW);
	map(20, 30, RW);
	expect_regions(1, (const unsigned long[][3]){ { 10, 40, RW } });
	map(40, 45, RW);
	map(5, 10, RW);
	expect_regions(1, (const unsigned long[][3]){ { 5, 45, RW } });
}

Test(vma, mmap_does_not_merge_unlike_regions)
{
	map(10, 20, RW);
	map(20, 30, VM_READ);
	cr_assert_eq(do_mmap(&mm, P(30), P(40), VM_READ, &other_ops), 0,
		     "do_mmap with other ops should succeed");
	expect_regions(3, (const unsigned long[][3]){
				  { 10, 20, RW }, { 20, 30, VM_READ }, { 30, 40, VM_READ } });
	cr_expect_eq(find_vma(&mm, P(35))->vm_ops, &other_ops, "the last region keeps its ops");
}

Test(vma, mmap_does_not_merge_private_data)
{
	int cookie;

	map(10, 20, RW);
	find_vma(&mm, P(10))->vm_private_data = &cookie;
	map(20, 30, RW);
	expect_regions(2, (const unsigned long[][3]){ { 10, 20, RW }, { 20, 30, RW } });
	cr_expect_null(find_vma(&mm, P(25))->vm_private_data, "the new region has no private data");
}

Test(vma, munmap_splits_in_three)
{
	map(0, 10, RW);
	cr_assert_eq(do_munmap(&mm, P(4), P(6)), 0, "unmapping the middle succeeds");
	expect_regions(2, (const unsigned long[][3]){ { 0, 4, RW }, { 6, 10, RW } });
	cr_expect_null(find_vma_containing(&mm, P(5)), "the hole is unmapped");
	cr_expect_eq(find_vma(&mm, P(6))->vm_ops, &anon_vm_ops, "the upper part keeps its ops");
}

Test(vma, munmap_across_several_regions)
{
	map(0, 10, RW);
	map(10, 20, VM_READ);
	map(20, 30, RW);
	map(40, 50, VM_READ);
	cr_assert_eq(do_munmap(&mm, P(5), P(45)), 0, "unmapping across four regions succeeds");
	expect_regions(2, (const unsigned long[][3]){ { 0, 5, RW }, { 45, 50, VM_READ } });
}

Test(vma, munmap_of_hole_changes_nothing)
{
	map(0, 10, RW);
	map(20, 30, RW);
	cr_expect_eq(do_munmap(&mm, P(12), P(18)), 0, "unmapping a hole succeeds");
	cr_expect_eq(do_munmap(&mm, P(100), P(200)), 0, "unmapping above everything succeeds");
	expect_regions(2, (const unsigned long[][3]){ { 0, 10, RW }, { 20, 30, RW } });
}

Test(vma, mprotect_middle_then_back)
{
	map(0, 10, RW);
	cr_assert_eq(mprotect_fixup(&mm, P(4), P(6), VM_READ), 0,
		     "mprotect of the middle succeeds");
	expect_regions(3, (const unsigned long[][3]){
				  { 0, 4, RW }, { 4, 6, VM_READ }, { 6, 10, RW } });
	cr_assert_eq(mprotect_fixup(&mm, P(4), P(6), RW), 0, "mprotect back succeeds");
	expect_regions(1, (const unsigned long[][3]){ { 0, 10, RW } });
}

Test(vma, mprotect_edge_merges_with_neighbour)
{
	map(0, 10, VM_READ);
	map(10, 20, RW);
	cr_assert_eq(mprotect_fixup(&mm, P(10), P(15), VM_READ), 0,
		     "mprotect of the lower half succeeds");
	expect_regions(2, (const unsigned long[][3]){ { 0, 15, VM_READ }, { 15, 20, RW } });
	cr_assert_eq(mprotect_fixup(&mm, P(15), P(20), VM_READ), 0,
		     "mprotect of the rest succeeds");
	expect_regions(1, (const unsigned long[][3]){ { 0, 20, VM_READ } });
}

Test(vma, mprotect_across_regions)
{
	map(0, 10, VM_READ);
	map(10, 20, VM_READ | VM_EXEC);
	map(20, 30, VM_READ);
	cr_assert_eq(mprotect_fixup(&mm, P(5), P(25), RW), 0, "mprotect across three succeeds");
	expect_regions(3, (const unsigned long[][3]){
				  { 0, 5, VM_READ }, { 5, 25, RW }, { 25, 30, VM_READ } });
}

Test(vma, mprotect_same_flags_needs_no_split)
{
	map(0, 10, RW);
	cr_assert_eq(mprotect_fixup(&mm, P(3), P(4), RW), 0, "a no-op mprotect succeeds");
	expect_regions(1, (const unsigned long[][3]){ { 0, 10, RW } });
}

Test(vma, mprotect_unmapped_part_changes_nothing)
{
	map(0, 10, RW);
	map(12, 20, RW);
	cr_expect_eq(mprotect_fixup(&mm, P(5), P(15), VM_READ), -ENOMEM,
		     "a range with a hole is -ENOMEM");
	cr_expect_eq(mprotect_fixup(&mm, P(18), P(25), VM_READ), -ENOMEM,
		     "a range running past the last region is -ENOMEM");
	cr_expect_eq(mprotect_fixup(&mm, P(10), P(12), VM_READ), -ENOMEM,
		     "a range wholly in a hole is -ENOMEM");
	expect_regions(2, (const unsigned long[][3]){ { 0, 10, RW }, { 12, 20, RW } });
}

Test(vma, munmap_enomem_changes_nothing)
{
	struct vm_area_struct *cached;
	int ret_inside, ret_edge;
	unsigned long next;

	map(0, 10, RW);
	cached = find_vma(&mm, P(5));
	no_more_memory_begin();
	next = drain_region_cache();
	ret_inside = do_munmap(&mm, P(4), P(6));
	ret_edge = do_munmap(&mm, P(8), P(10));
	no_more_memory_end();

	cr_expect_eq(ret_inside, -ENOMEM, "splitting in three without a region is -ENOMEM");
	cr_expect_eq(ret_edge, 0, "trimming an end needs no new region");
	cr_expect_eq(find_vma(&mm, P(0))->vm_end, P(8), "only the trim changed the region");
	cr_expect_eq(find_vma(&mm, P(0)), cached, "the region is the same one");
	cr_expect_eq(mm.map_count, (int)(1 + (next - (1UL << 20)) / 2),
		     "no region was added or lost");
	cr_expect_not_null(find_vma_containing(&mm, P(5)), "the middle is still mapped");
}

Test(vma, mprotect_enomem_changes_nothing)
{
	int ret_mid, ret_whole;
	int before;

	map(0, 10, RW);
	no_more_memory_begin();
	drain_region_cache();
	before = mm.map_count;
	ret_mid = mprotect_fixup(&mm, P(4), P(6), VM_READ);
	ret_whole = mprotect_fixup(&mm, P(0), P(10), VM_READ);
	no_more_memory_end();

	cr_expect_eq(ret_mid, -ENOMEM, "a split in three without regions is -ENOMEM");
	cr_expect_eq(ret_whole, 0, "a whole region needs no split");
	cr_expect_eq(mm.map_count, before, "the failed call added no region");
	cr_expect_eq(find_vma(&mm, P(0))->vm_end, P(10), "the region is still whole");
	cr_expect_eq(find_vma(&mm, P(5))->vm_flags, VM_READ, "only the whole-region call applied");
}

static int stop_at_second(struct vm_area_struct *vma, void *arg)
{
	int *seen = arg;

	(void)vma;
	return ++*seen == 2 ? 7 : 0;
}

Test(vma, for_each_in_order_and_stops)
{
	int seen = 0;

	map(50, 60, RW);
	map(10, 20, VM_READ);
	map(30, 40, RW | VM_EXEC);
	expect_regions(3, (const unsigned long[][3]){
				  { 10, 20, VM_READ }, { 30, 40, RW | VM_EXEC }, { 50, 60, RW } });
	cr_expect_eq(vma_for_each(&mm, stop_at_second, &seen), 7,
		     "vma_for_each returns the callback's non-zero value");
	cr_expect_eq(seen, 2, "vma_for_each stops at the non-zero return");
}

Test(vma, many_regions_stay_ordered)
{
	struct vm_area_struct *vma;
	uintptr_t prev_end = 0;
	int n = 0;

	/* Map every other page in a scrambled order; none can merge. */
	for (unsigned long i = 0; i < 512; i++)
		map((i * 181 % 512) * 2, (i * 181 % 512) * 2 + 1, RW);
	cr_expect_eq(mm.map_count, 512, "512 separate regions");
	for (vma = find_vma(&mm, 0); vma; vma = find_vma(&mm, vma->vm_end), n++) {
		cr_assert_gt(vma->vm_start, prev_end, "regions are disjoint and increasing");
		prev_end = vma->vm_end;
	}
	cr_expect_eq(n, 512, "walking with find_vma visits every region");
	for (unsigned long i = 0; i < 512; i++)
		map(i * 2 + 1, i * 2 + 2, RW);
	expect_regions(1, (const unsigned long[][3]){ { 0, 1024, RW } });
}
