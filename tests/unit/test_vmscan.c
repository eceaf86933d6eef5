// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for vmscan.c: refill_inactive_scan, page_launder and the
 * frame allocator's reclaim, driven through the fake engine of fake_mm.c.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "fake_mm.h"
#include "memory.h"
#include "page_io.h"
#include "stats.h"
#include "swap_state.h"
#include "swapfile.h"
#include "sys.h"
#include "vmscan.h"

static void setup(void)
{
	fake_mm_setup(64, 16, 256);
}

TestSuite(vmscan, .init = setup, .fini = fake_mm_destroy);

static void lock(void)
{
	pthread_mutex_lock(&test_mm.page_table_lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&test_mm.page_table_lock);
}

static struct page *page_of(uintptr_t addr)
{
	pte_t pte = fake_pte(addr);

	cr_assert(pte_present(pte), "expected %#lx resident", (unsigned long)addr);
	return pfn_to_page(&test_zone, pte_frame(pte));
}

Test(vmscan, refill_moves_unreferenced_dirty_pages_to_inactive_dirty)
{
	for (unsigned long i = 0; i < 4; i++)
		fake_write(page_addr(i), 1);
	lock();
	cr_assert_eq(refill_inactive_scan(&test_mm, 4), 4, "expected 4 pages deactivated");
	unlock();
	cr_assert_eq(test_zone.nr_inactive_dirty_pages, 4, "expected 4 inactive dirty pages");
	cr_assert_eq(test_zone.nr_active_pages, 0, "expected the active list empty");
	cr_assert_eq(fake.unmaps, 4, "expected 4 pages unmapped into their frames");
	cr_assert_eq(swap_cache_pages(), 4, "expected each given a slot in the swap cache");
}

Test(vmscan, refill_drops_a_clean_page_that_has_no_swap_copy)
{
	cr_assert_eq(fake_read(page_addr(0)), 0);
	lock();
	cr_assert_eq(refill_inactive_scan(&test_mm, 1), 1, "expected the page taken");
	unlock();
	cr_assert(pte_none(fake_pte(page_addr(0))), "expected a zero page dropped, not swapped");
	cr_assert_eq(upage_stats->pages_reclaimed, 1, "expected its frame reclaimed");
	cr_assert_eq(swap_info(0)->inuse_pages, 0, "expected no slot used");
}

Test(vmscan, referenced_and_pinned_pages_stay_active)
{
	struct page *hot, *pinned;

	fake_write(page_addr(0), 1);
	fake_write(page_addr(1), 1);
	lock();
	hot = page_of(page_addr(0));
	pinned = page_of(page_addr(1));
	SetPageReferenced(hot);
	cr_assert(pin_page(pinned), "expected a pin");
	cr_assert_eq(refill_inactive_scan(&test_mm, 2), 0, "expected nothing deactivated");
	cr_assert(PageActive(hot) && hot->age > 0, "expected the referenced page aged up");
	cr_assert(PageActive(pinned), "expected the pinned page kept active");
	unpin_page(pinned);
	cr_assert_eq(refill_inactive_scan(&test_mm, 2), 1, "expected the unpinned page taken");
	unlock();
}

Test(vmscan, launder_writes_dirty_pages_in_one_cluster)
{
	char *back = sys_alloc_pages(PAGE_SIZE);

	for (unsigned long i = 0; i < 4; i++)
		fake_write(page_addr(i) + 10, (unsigned char)(0x40 + i));
	lock();
	refill_inactive_scan(&test_mm, 4);
	cr_assert_eq(page_launder(&test_mm, 32), 4, "expected 4 pages written");
	unlock();
	cr_assert_eq(test_zone.nr_inactive_clean_pages, 4, "expected 4 clean inactive pages");
	cr_assert_eq(upage_stats->swap_out_clusters, 1, "expected consecutive slots, one write");
	for (unsigned long i = 0; i < 4; i++) {
		swp_entry_t e = pte_to_swp_entry(fake_pte(page_addr(i)));

		cr_assert_eq(swap_readpage(e, back), 0, "expected slot of page %lu readable", i);
		cr_assert_eq(back[10], 0x40 + (char)i, "expected page %lu's data on swap", i);
	}
	sys_free_pages(back, PAGE_SIZE);
}

Test(vmscan, alloc_pages_reclaims_a_clean_page_when_none_is_free)
{
	struct page *page;

	for (unsigned long i = 0; i < 16; i++)
		fake_write(page_addr(i), 2);
	cr_assert_eq(test_zone.nr_free_pages, 0, "expected every frame in use");
	lock();
	refill_inactive_scan(&test_mm, 4);
	page_launder(&test_mm, 4);
	page = __alloc_pages(&test_mm, NULL);
	cr_assert_not_null(page, "expected a frame");
	cr_assert_eq(upage_stats->direct_reclaims, 1, "expected a clean page reclaimed for it");
	cr_assert_eq(test_zone.nr_inactive_clean_pages, 3, "expected one clean page gone");
	free_page_and_swap_cache(&test_mm, page);
	unlock();
}

/* Eight pages resident, four of them written out and clean inactive: the
 * zone of 16 frames then has pages_low (8) free. */
static void eight_resident_four_clean(void)
{
	for (unsigned long i = 0; i < 8; i++)
		fake_write(page_addr(2 * i), 4);	/* strided: no fault-around */
	lock();
	refill_inactive_scan(&test_mm, 4);
	page_launder(&test_mm, 4);
	unlock();
	cr_assert_eq(test_zone.pages_low, 8, "expected the zone's pages_low at 8");
	cr_assert_eq(test_zone.nr_free_pages, 8, "expected pages_low frames free");
	cr_assert_eq(test_zone.nr_inactive_clean_pages, 4, "expected 4 clean inactive pages");
	test_zone.kswapd_wake = false;
}

Test(vmscan, a_frame_taken_at_pages_low_frees_a_clean_page_and_lets_kswapd_sleep)
{
	struct page *page;

	eight_resident_four_clean();
	lock();
	page = __alloc_pages(&test_mm, NULL);
	cr_assert_not_null(page, "expected a frame");
	cr_assert_eq(upage_stats->direct_reclaims, 1, "expected a clean page reclaimed for it");
	cr_assert_eq(test_zone.nr_inactive_clean_pages, 3, "expected one clean page gone");
	cr_assert_eq(test_zone.nr_free_pages, 8, "expected the free frames kept at pages_low");
	cr_assert(!test_zone.kswapd_wake, "expected kswapd left asleep while clean pages last");
	free_page_and_swap_cache(&test_mm, page);
	unlock();
}

Test(vmscan, kswapd_is_woken_when_the_clean_pages_run_out)
{
	struct page *pages[5];

	eight_resident_four_clean();
	lock();
	for (int i = 0; i < 4; i++)
		pages[i] = __alloc_pages(&test_mm, NULL);
	cr_assert_eq(test_zone.nr_inactive_clean_pages, 0, "expected the clean pages used up");
	cr_assert(!test_zone.kswapd_wake, "expected kswapd asleep until then");
	pages[4] = __alloc_pages(&test_mm, NULL);
	cr_assert_eq(test_zone.nr_free_pages, 7, "expected a free frame taken");
	cr_assert(test_zone.kswapd_wake, "expected kswapd woken below pages_low");
	for (int i = 0; i < 5; i++)
		free_page_and_swap_cache(&test_mm, pages[i]);
	unlock();
}

Test(vmscan, a_page_evicted_and_soon_back_returns_active)
{
	uintptr_t a = page_addr(0);
	struct page *page;

	for (unsigned long i = 0; i < 20; i++)
		fake_write(page_addr(i), 3);
	fake_evict(a);
	cr_assert_eq(fake_read(a), 3, "expected page 0 back from swap");
	cr_assert_eq(upage_stats->swap_ins, 1, "expected it read from swap");
	page = page_of(a);
	cr_assert(PageActive(page) && page->age == PAGE_AGE_START,
		  "expected a refault within the active list to come back active and aged");
}

/* An area whose every write is refused, as a memcached pool that is full. */
static int refusing_submit(struct swap_info_struct *si, struct swap_io *io)
{
	(void)si;
	io->end_io(io, io->write ? -ENOSPC : -EIO);
	return 0;
}

static const struct swap_aops refusing_aops = {
	.name = "refusing",
	.submit = refusing_submit,
};

Test(vmscan, launder_into_a_full_area_says_so_and_alloc_gives_up)
{
	int err = 0;

	swapoff_all();
	cr_assert_geq(swapon_backend("full pool", &refusing_aops, NULL, 256, 0), 0);
	for (unsigned long i = 0; i < 16; i++)
		fake_write(page_addr(i), 3);
	lock();
	refill_inactive_scan(&test_mm, 4);
	cr_assert_eq(page_launder(&test_mm, 32), -ENOSPC, "expected the full area said");
	cr_assert_eq(test_zone.nr_inactive_dirty_pages, 4, "expected the pages kept dirty");
	cr_assert_eq(upage_stats->io_errors, 0, "expected a refusal, not an I/O error");
	/* Nothing can be freed: the fault is told, it does not wait for ever. */
	cr_assert_null(__alloc_pages(&test_mm, &err), "expected no frame");
	cr_assert_eq(err, -ENOSPC, "expected out of swap space");
	unlock();
	for (unsigned long i = 0; i < 16; i++)
		cr_assert_eq(fake_read(page_addr(i)), 3, "expected page %lu's data kept", i);
}
