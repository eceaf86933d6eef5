// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for memory.c: do_page_fault and its cases (do_no_page,
 * do_wp_page, do_swap_page from the swap cache and from swap), driven
 * through the fake engine of fake_mm.c.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_mm.h"
#include "memory.h"
#include "page_io.h"
#include "stats.h"
#include "swap_state.h"
#include "swapfile.h"
#include "vmscan.h"

static void setup(void)
{
	fake_mm_setup(64, 16, 256);
}

TestSuite(memory, .init = setup, .fini = fake_mm_destroy);

static void lock(void)
{
	pthread_mutex_lock(&test_mm.page_table_lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&test_mm.page_table_lock);
}

Test(memory, first_write_maps_a_zero_page_dirty)
{
	uintptr_t a = page_addr(3);
	pte_t pte;

	fake_write(a + 100, 7);
	pte = fake_pte(a);
	cr_assert(pte_present(pte) && pte_write(pte) && pte_dirty(pte),
		  "expected a present, writable, dirty PTE, got %#x", pte);
	cr_assert_eq(fake_read(a), 0, "expected the rest of the page zero");
	cr_assert_eq(fake_read(a + 100), 7, "expected the byte written");
	cr_assert_eq(upage_stats->faults_no_page, 1, "expected one do_no_page");
	cr_assert_eq(upage_stats->resident_pages, 1, "expected one frame in use");
	cr_assert_eq(test_zone.nr_active_pages, 1, "expected the page on the active list");
}

Test(memory, first_read_maps_clean_then_a_write_is_do_wp_page)
{
	uintptr_t a = page_addr(5);
	pte_t pte;

	cr_assert_eq(fake_read(a), 0, "expected a zero page");
	pte = fake_pte(a);
	cr_assert(pte_present(pte) && !pte_write(pte), "expected a write-protected PTE");
	cr_assert(fake.state[5] & FAKE_WP, "expected the engine to map it write-protected");
	fake_write(a, 9);
	pte = fake_pte(a);
	cr_assert(pte_write(pte) && pte_dirty(pte), "expected the write to make it dirty");
	cr_assert_eq(upage_stats->faults_wp_page, 1, "expected one do_wp_page");
	cr_assert_eq(fake.unprotects, 1, "expected the engine to open it once");
	cr_assert_eq(fake_read(a), 9, "expected the byte written");
}

Test(memory, fault_outside_every_region_is_sigsegv)
{
	struct mm_struct *mm = &test_mm;

	cr_assert_eq(do_munmap(mm, page_addr(10), page_addr(11)), 0, "expected a hole");
	cr_assert_eq(do_page_fault(mm, page_addr(10) + 5, FAULT_FLAG_WRITE), SIGSEGV,
		     "expected SIGSEGV in the hole");
	cr_assert_eq(upage_stats->faults_bad, 1, "expected a bad fault counted");
	cr_assert_eq(upage_stats->resident_pages, 0, "expected no frame taken");
}

Test(memory, a_write_to_a_read_only_region_is_sigsegv)
{
	struct mm_struct *mm = &test_mm;

	cr_assert_eq(mprotect_fixup(mm, page_addr(8), page_addr(9), VM_READ), 0);
	cr_assert_eq(fake_read(page_addr(8)), 0, "expected a read served");
	cr_assert_eq(do_page_fault(mm, page_addr(8), FAULT_FLAG_WRITE), SIGSEGV,
		     "expected SIGSEGV for a write the region forbids");
	cr_assert_eq(mprotect_fixup(mm, page_addr(9), page_addr(10), 0), 0);
	cr_assert_eq(do_page_fault(mm, page_addr(9), 0), SIGSEGV,
		     "expected SIGSEGV for a read of a PROT_NONE region");
	cr_assert_eq(upage_stats->faults_bad, 2, "expected two bad faults counted");
}

Test(memory, a_fault_on_a_served_page_only_wakes)
{
	uintptr_t a = page_addr(1);

	fake_write(a, 1);
	/* A second thread's fault on the same page, after the first was
	 * served: nothing to do but let it run. */
	cr_assert_eq(do_page_fault(&test_mm, a, FAULT_FLAG_WRITE), 0,
		     "expected a write fault on a writable page to be served already");
	cr_assert_eq(do_page_fault(&test_mm, a, 0), 0, "expected a read fault served already");
	cr_assert_eq(fake.wakes, 2, "expected the faulting thread woken each time");
	cr_assert_eq(upage_stats->faults_wp_page, 0, "expected no do_wp_page");
}

Test(memory, a_page_the_kernel_lost_is_sigbus_never_a_zero_page)
{
	uintptr_t a = page_addr(6);

	fake_write(a, 1);
	/* The kernel drops the page behind upage's back (a bug, somewhere). */
	cr_assert_eq(madvise((void *)a, PAGE_SIZE, MADV_DONTNEED), 0);
	cr_assert_eq(do_page_fault(&test_mm, a, 0), SIGBUS, "expected SIGBUS");
	cr_assert_eq(fake.installs, 1, "expected nothing installed in its place");
}

Test(memory, unmapped_into_the_swap_cache_comes_back_without_io)
{
	uintptr_t a = page_addr(2);

	fake_write(a, 42);
	lock();
	cr_assert_eq(refill_inactive_scan(&test_mm, 1), 1, "expected the page deactivated");
	unlock();
	cr_assert_not(fake_mapped(a), "expected the page unmapped");
	cr_assert_not(pte_present(fake_pte(a)), "expected a swap entry in the PTE");
	cr_assert_eq(swap_cache_pages(), 1, "expected the page in the swap cache");
	cr_assert_eq(fake_read(a), 42, "expected the data back");
	cr_assert_eq(upage_stats->faults_minor, 1, "expected a minor fault");
	cr_assert_eq(upage_stats->swap_ins, 0, "expected no read from swap");
	cr_assert_eq(fake.moves, 1, "expected the frame's page moved back");
	cr_assert_eq(test_zone.nr_active_pages, 1, "expected the page active again");
}

Test(memory, pages_beyond_the_frames_come_back_from_swap)
{
	/* 64 pages through 16 frames: direct reclaim writes and frees. */
	for (unsigned long i = 0; i < 64; i++)
		fake_write(page_addr(i) + i, (unsigned char)(i + 1));
	for (unsigned long i = 0; i < 64; i++)
		cr_assert_eq(fake_read(page_addr(i) + i), i + 1, "expected page %lu intact", i);
	cr_assert_gt(upage_stats->swap_outs, 0, "expected pages written out");
	cr_assert_gt(upage_stats->swap_ins, 0, "expected pages read back");
	cr_assert_leq(upage_stats->peak_resident_pages, 16, "expected the cap to hold");
}

Test(memory, a_read_error_is_sigbus_and_never_a_zero_page)
{
	uintptr_t a = page_addr(0);
	struct swap_info_struct *si;
	pte_t pte;

	for (unsigned long i = 0; i < 20; i++)
		fake_write(page_addr(i), 0x5a);
	fake_evict(a);
	pte = fake_pte(a);
	si = swap_info(swp_type(pte_to_swp_entry(pte)));
	cr_assert_eq(ftruncate(si->fd, 0), 0, "expected the swap file cut short");
	cr_assert_eq(do_page_fault(&test_mm, a, 0), SIGBUS, "expected SIGBUS for a short read");
	cr_assert_eq(upage_stats->io_errors, 1, "expected the error counted");
	cr_assert_eq(fake_pte(a), pte, "expected the PTE to keep its swap entry");
	cr_assert_not(fake_mapped(a), "expected nothing mapped in its place");
}

Test(memory, an_engine_error_gives_the_frame_back)
{
	unsigned long free = test_zone.nr_free_pages;

	fake.fail_install = -EINVAL;
	cr_assert_eq(do_page_fault(&test_mm, page_addr(4), FAULT_FLAG_WRITE), SIGBUS,
		     "expected SIGBUS for the engine's error");
	cr_assert_eq(test_zone.nr_free_pages, free, "expected the frame back on the free list");
	cr_assert(pte_none(fake_pte(page_addr(4))), "expected the PTE still none");
	fake.fail_install = 0;
	fake_write(page_addr(4), 3);
	cr_assert_eq(fake_read(page_addr(4)), 3, "expected the retry served");
}

Test(memory, zap_drops_pages_and_their_slots)
{
	unsigned long before;

	for (unsigned long i = 0; i < 64; i++)
		fake_write(page_addr(i), 0x11);
	before = nr_free_swap_pages();
	lock();
	zap_page_range(&test_mm, page_addr(0), 64 * PAGE_SIZE);
	unlock();
	cr_assert_gt(nr_free_swap_pages(), before, "expected swap slots freed");
	cr_assert_eq(upage_stats->resident_pages, 0, "expected every frame freed");
	cr_assert_eq(swap_cache_pages(), 0, "expected the swap cache empty");
	cr_assert_eq(upage_stats->pages_dropped, 64, "expected 64 pages dropped");
	for (unsigned long i = 0; i < 64; i++)
		cr_assert(pte_none(fake_pte(page_addr(i))), "expected PTE %lu none", i);
	cr_assert_eq(fake_read(page_addr(7)), 0, "expected a zero page after the zap");
}

Test(memory, an_engine_out_of_memory_is_retried)
{
	fake.fail_install = -ENOMEM;
	fake.fail_times = 3;
	cr_assert_eq(do_page_fault(&test_mm, page_addr(4), FAULT_FLAG_WRITE), 0,
		     "expected the fault served once the engine had memory again");
	cr_assert(fake_mapped(page_addr(4)), "expected the page mapped");
	cr_assert_eq(upage_stats->resident_pages, 1, "expected one frame, none leaked");
}

Test(memory, no_swap_left_is_sigbus)
{
	int sig = 0;

	/* 16 frames and 15 swap slots: page 32 has nowhere to go. */
	fake_mm_destroy();
	fake_mm_setup(64, 16, 16);
	for (unsigned long i = 0; i < 64 && !sig; i++)
		sig = fake_access(page_addr(i), true);
	cr_assert_eq(sig, SIGBUS, "expected SIGBUS once swap was full");
	cr_assert_leq(upage_stats->peak_resident_pages, 16, "expected the cap to hold");
}

static int pattern_nopage(struct vm_area_struct *vma, uintptr_t addr, void *page_buf)
{
	(void)vma;
	memset(page_buf, (int)((addr >> PAGE_SHIFT) & 0xff), PAGE_SIZE);
	return 0;
}

static const struct vm_operations_struct pattern_ops = {
	.name = "pattern",
	.nopage = pattern_nopage,
};

Test(memory, a_region_s_nopage_fills_its_first_touch)
{
	struct mm_struct *mm = &test_mm;
	uintptr_t a = page_addr(12);

	cr_assert_eq(do_munmap(mm, page_addr(12), page_addr(14)), 0);
	cr_assert_eq(do_mmap(mm, page_addr(12), page_addr(14), VM_READ | VM_WRITE, &pattern_ops), 0);
	cr_assert_eq(fake_read(a + 100), (a >> PAGE_SHIFT) & 0xff,
		     "expected the page filled by the region's nopage");
	cr_assert_eq(fake_read(a + PAGE_SIZE), ((a >> PAGE_SHIFT) + 1) & 0xff,
		     "expected the next page filled by it too");
	cr_assert_eq(upage_stats->faults_no_page, 2, "expected two do_no_page");
}

/* Fault-around: a zone large enough that frames are to spare. */
static void setup_faultaround(void)
{
	fake_mm_setup(256, 128, 512);
	test_mm.engine = &fake_engine_faultaround;
}

TestSuite(faultaround, .init = setup_faultaround, .fini = fake_mm_destroy);

Test(faultaround, first_writes_in_order_map_runs)
{
	for (unsigned long i = 0; i < 64; i++)
		fake_write(page_addr(i) + 8, (unsigned char)(i + 1));
	cr_assert_lt(upage_stats->faults_no_page, 12,
		     "expected the window to grow to 16 pages, got %lu faults for 64 pages",
		     (unsigned long)upage_stats->faults_no_page);
	cr_assert_eq(upage_stats->resident_pages,
		     upage_stats->faults_no_page + upage_stats->pages_faulted_around,
		     "expected a frame for every page mapped");
	for (unsigned long i = 0; i < 64; i++) {
		pte_t pte = fake_pte(page_addr(i));

		cr_assert(pte_present(pte) && pte_write(pte) && pte_dirty(pte),
			  "expected page %lu present, writable and dirty", i);
		cr_assert_eq(fake_read(page_addr(i) + 8), (unsigned char)(i + 1),
			     "expected page %lu's byte", i);
		cr_assert_eq(fake_read(page_addr(i)), 0, "expected page %lu zero-filled", i);
	}
}

Test(faultaround, first_writes_out_of_order_map_one_page_each)
{
	for (unsigned long i = 0; i < 32; i++)
		fake_write(page_addr(100 - 2 * i), 1);
	cr_assert_eq(upage_stats->faults_no_page, 32, "expected a fault per page");
	cr_assert_eq(upage_stats->pages_faulted_around, 0, "expected nothing mapped around");
	cr_assert_eq(upage_stats->resident_pages, 32, "expected only the pages touched resident");
}

Test(faultaround, interleaved_streams_in_one_region_each_map_runs)
{
	/* Two streams fill one region, a page of each in turn: fa_next
	 * follows neither, the pages behind each fault tell. */
	for (unsigned long i = 0; i < 64; i++) {
		fake_write(page_addr(i) + 8, (unsigned char)(i + 1));
		fake_write(page_addr(128 + i) + 8, (unsigned char)(i + 2));
	}
	cr_assert_lt(upage_stats->faults_no_page, 30,
		     "expected each stream's window to grow, got %lu faults for 128 pages",
		     (unsigned long)upage_stats->faults_no_page);
	for (unsigned long i = 0; i < 64; i++) {
		cr_assert_eq(fake_read(page_addr(i) + 8), (unsigned char)(i + 1),
			     "expected page %lu's byte", i);
		cr_assert_eq(fake_read(page_addr(128 + i) + 8), (unsigned char)(i + 2),
			     "expected page %lu's byte", 128 + i);
		cr_assert_eq(fake_read(page_addr(128 + i)), 0, "expected page %lu zero-filled",
			     128 + i);
	}
}

Test(faultaround, reads_map_single_clean_pages)
{
	for (unsigned long i = 0; i < 16; i++)
		cr_assert_eq(fake_read(page_addr(i)), 0);
	cr_assert_eq(upage_stats->pages_faulted_around, 0, "expected no fault-around for reads");
	for (unsigned long i = 0; i < 16; i++)
		cr_assert(!pte_write(fake_pte(page_addr(i))), "expected page %lu write-protected", i);
}

Test(faultaround, a_run_mapped_part_way_gives_the_rest_back)
{
	fake.run_max = 3;
	fake_write(page_addr(0), 1);
	fake_write(page_addr(1), 2);	/* window 2: pages 1-2 */
	fake_write(page_addr(3), 3);	/* window 4, three mapped: pages 3-5 */
	cr_assert(fake_mapped(page_addr(5)), "expected page 5 mapped");
	cr_assert(!fake_mapped(page_addr(6)) && pte_none(fake_pte(page_addr(6))),
		  "expected page 6 neither mapped nor in the page table");
	cr_assert_eq(upage_stats->resident_pages, 6, "expected the unmapped page's frame back");
	fake_write(page_addr(6), 4);
	cr_assert_eq(fake_read(page_addr(6)), 4, "expected page 6 served by its own fault");
}

Test(faultaround, untouched_pages_age_out_first_without_io)
{
	struct mm_struct *mm = &test_mm;

	for (unsigned long i = 0; i < 4; i++)
		fake_write(page_addr(i), 0x5a);	/* maps 0, 1-2, 3-6 */
	cr_assert(fake_mapped(page_addr(6)) && !fake_mapped(page_addr(7)),
		  "expected pages 0-6 mapped");
	lock();
	/* The tail of the active list: 6, 5, 4 (never touched), then 3, 2. */
	cr_assert_eq(refill_inactive_scan(mm, 5), 5, "expected 5 pages taken");
	unlock();
	for (unsigned long i = 4; i < 7; i++)
		cr_assert(pte_none(fake_pte(page_addr(i))),
			  "expected untouched page %lu dropped, not swapped", i);
	cr_assert_eq(upage_stats->faultaround_unused, 3, "expected 3 unused pages counted");
	cr_assert_eq(swap_info(0)->inuse_pages, 2, "expected slots for the written pages 2 and 3 only");
	cr_assert(pte_present(fake_pte(page_addr(1))), "expected page 1 still active");
	lock();
	cr_assert_eq(page_launder(mm, SWAP_CLUSTER_MAX), 2, "expected pages 2 and 3 written");
	unlock();
	cr_assert_eq(fake_read(page_addr(2)), 0x5a, "expected page 2 (written, no fault) kept");
	cr_assert_eq(fake_read(page_addr(3)), 0x5a, "expected page 3 kept");
	cr_assert_eq(fake_read(page_addr(5)), 0, "expected page 5 zero-filled again");
}

Test(faultaround, never_waits_for_a_frame)
{
	struct zone *z = &test_zone;
	struct page *held[128];
	unsigned long n = 0;

	/* Nothing to spare: the free list at pages_min, nothing clean inactive. */
	lock();
	while (z->nr_free_pages > z->pages_min)
		held[n++] = rmqueue(z);
	unlock();
	fake_write(page_addr(0), 1);
	fake_write(page_addr(1), 1);
	fake_write(page_addr(3), 1);
	cr_assert_eq(upage_stats->pages_faulted_around, 0, "expected no frame taken for fault-around");
	cr_assert(!fake_mapped(page_addr(2)) && !fake_mapped(page_addr(4)),
		  "expected only the pages touched mapped");
	lock();
	while (n)
		__free_page(z, held[--n]);
	unlock();
	fake_write(page_addr(4), 1);
	cr_assert_gt(upage_stats->pages_faulted_around, 0, "expected fault-around with frames free");
}

/* Swap readahead: a zone small enough that 64 pages go out to swap. */
static void setup_readahead(void)
{
	fake_mm_setup(256, 32, 512);
	test_mm.engine = &fake_engine_faultaround;
}

TestSuite(readahead, .init = setup_readahead, .fini = fake_mm_destroy);

/* Write pages [0, 64) (in order, or backwards), then push them all out. */
static void write_and_swap_out(bool backwards)
{
	for (unsigned long k = 0; k < 64; k++) {
		unsigned long i = backwards ? 63 - k : k;

		fake_write(page_addr(i) + 16, (unsigned char)(i + 1));
	}
	/* Touch 32 other pages, far away and out of order, so the first 64
	 * leave memory. */
	for (unsigned long k = 0; k < 32; k++)
		fake_write(page_addr(128 + (k * 7) % 32 * 4), 1);
	for (unsigned long i = 0; i < 64; i++)
		fake_evict(page_addr(i));
}

static void read_back(const unsigned long *order, unsigned long n)
{
	for (unsigned long k = 0; k < n; k++) {
		unsigned long i = order[k];

		cr_assert_eq(fake_read(page_addr(i) + 16), (unsigned char)(i + 1),
			     "expected page %lu's byte back", i);
		cr_assert_eq(fake_read(page_addr(i)), 0, "expected the rest of page %lu", i);
	}
}

static void in_order(unsigned long *order)
{
	for (unsigned long i = 0; i < 64; i++)
		order[i] = i;
}

Test(readahead, swap_ins_in_order_read_runs)
{
	unsigned long order[64];
	uint64_t ins = upage_stats->swap_ins;

	write_and_swap_out(false);
	in_order(order);
	read_back(order, 64);
	cr_assert_gt(upage_stats->swap_readahead_pages, 32,
		     "expected most pages read ahead, got %lu",
		     (unsigned long)upage_stats->swap_readahead_pages);
	cr_assert_eq(upage_stats->swap_ins - ins, 64, "expected every page read once, got %lu (swap %lu minor %lu ra %lu)", (unsigned long)(upage_stats->swap_ins - ins), (unsigned long)upage_stats->faults_swap_page, (unsigned long)upage_stats->faults_minor, (unsigned long)upage_stats->swap_readahead_pages);
	cr_assert_lt(upage_stats->faults_swap_page, 32, "expected far fewer faults than pages");
}

Test(readahead, runs_are_found_whichever_way_the_slots_go)
{
	unsigned long order[64];

	write_and_swap_out(true);	/* the other slot order of the two */
	in_order(order);
	read_back(order, 64);
	cr_assert_gt(upage_stats->swap_readahead_pages, 32,
		     "expected most pages read ahead, got %lu",
		     (unsigned long)upage_stats->swap_readahead_pages);
}

Test(readahead, random_swap_ins_read_their_cluster)
{
	unsigned long order[64];

	write_and_swap_out(false);
	for (unsigned long k = 0; k < 64; k++)
		order[k] = (k * 37 + 11) % 64;
	read_back(order, 64);
	cr_assert_gt(upage_stats->swap_readahead_runs, 0,
		     "expected the slots' neighbours read with random swap-ins");
	cr_assert_lt(upage_stats->faults_swap_page, 64,
		     "expected some pages mapped by cluster readahead, got %lu swap-in faults",
		     (unsigned long)upage_stats->faults_swap_page);
}

Test(readahead, pages_read_ahead_are_clean_and_age_out_first)
{
	struct mm_struct *mm = &test_mm;
	unsigned long order[3] = { 0, 1, 3 };
	unsigned long outs, clean;

	write_and_swap_out(false);
	read_back(order, 3);	/* window 1, 2 (pages 1-2), 4 (pages 3-6) */
	cr_assert_gt(upage_stats->swap_readahead_pages, 0, "expected a run read");
	for (unsigned long i = 4; i < 7; i++) {
		pte_t pte = fake_pte(page_addr(i));

		cr_assert(pte_present(pte) && !pte_write(pte) && !pte_dirty(pte),
			  "expected page %lu read ahead, mapped clean", i);
		cr_assert(fake.state[i] & FAKE_WP, "expected page %lu write-protected", i);
	}
	outs = upage_stats->swap_outs;
	lock();
	clean = test_zone.nr_inactive_clean_pages;
	cr_assert_eq(refill_inactive_scan(mm, 3), 3, "expected 3 pages taken");
	for (unsigned long i = 4; i < 7; i++) {
		pte_t pte = fake_pte(page_addr(i));

		cr_assert(!pte_present(pte), "expected page %lu (read ahead, untouched) out first", i);
	}
	cr_assert_eq(test_zone.nr_inactive_clean_pages, clean + 3,
		     "expected them clean: no write needed");
	page_launder(mm, SWAP_CLUSTER_MAX);
	unlock();
	cr_assert_eq(upage_stats->swap_outs, outs, "expected no page written");
	order[0] = 5;
	read_back(order, 1);
}

Test(readahead, a_stream_that_writes_gets_its_runs_mapped_dirty)
{
	write_and_swap_out(false);
	for (unsigned long i = 0; i < 64; i++) {
		cr_assert_eq(fake_read(page_addr(i) + 16), (unsigned char)(i + 1),
			     "expected page %lu's byte back", i);
		fake_write(page_addr(i) + 16, (unsigned char)(i + 2));
	}
	cr_assert_lt(upage_stats->faults_wp_page, 16,
		     "expected runs mapped writable once writes were seen, got %lu wp faults",
		     (unsigned long)upage_stats->faults_wp_page);
	for (unsigned long i = 0; i < 64; i++)
		cr_assert_eq(fake_read(page_addr(i) + 16), (unsigned char)(i + 2),
			     "expected page %lu's new byte", i);
	for (unsigned long i = 0; i < 64; i++)
		fake_evict(page_addr(i));
	for (unsigned long i = 0; i < 64; i++)
		cr_assert_eq(fake_read(page_addr(i) + 16), (unsigned char)(i + 2),
			     "expected page %lu's new byte from swap", i);
}

/* Random read-then-write of swapped pages: after a few write-protect
 * faults on pages a read's swap-in mapped clean, the region's read
 * swap-ins map the page writable at once (one fault an access, not two),
 * and every byte written still comes back, from memory and from swap. */
Test(readahead, random_reads_then_writes_get_swap_ins_mapped_dirty)
{
	uint64_t wp0 = upage_stats->faults_wp_page;

	write_and_swap_out(false);
	for (unsigned long k = 0; k < 64; k++) {
		unsigned long i = (k * 37 + 11) % 64;

		cr_assert_eq(fake_read(page_addr(i) + 16), (unsigned char)(i + 1),
			     "expected page %lu's byte back", i);
		fake_write(page_addr(i) + 16, (unsigned char)(i + 3));
	}
	cr_assert_gt(upage_stats->swapin_mapped_dirty, 16,
		     "expected most read swap-ins mapped dirty, got %lu",
		     (unsigned long)upage_stats->swapin_mapped_dirty);
	cr_assert_lt(upage_stats->faults_wp_page - wp0, 24,
		     "expected few write-protect faults, got %lu",
		     (unsigned long)(upage_stats->faults_wp_page - wp0));
	for (unsigned long i = 0; i < 64; i++)
		fake_evict(page_addr(i));
	for (unsigned long i = 0; i < 64; i++)
		cr_assert_eq(fake_read(page_addr(i) + 16), (unsigned char)(i + 3),
			     "expected page %lu's new byte from swap", i);
}

/* Only read: every swap-in stays clean, so the pages go out again
 * without a write. */
Test(readahead, random_reads_keep_swap_ins_clean)
{
	struct mm_struct *mm = &test_mm;
	unsigned long order[64];
	uint64_t outs;

	write_and_swap_out(false);
	for (unsigned long k = 0; k < 64; k++)
		order[k] = (k * 37 + 11) % 64;
	read_back(order, 64);
	cr_assert_eq(upage_stats->swapin_mapped_dirty, 0, "expected no swap-in mapped dirty");
	for (unsigned long i = 0; i < 64; i++) {
		pte_t pte = fake_pte(page_addr(i));

		cr_assert(!pte_present(pte) || !pte_dirty(pte), "expected page %lu clean", i);
	}
	outs = upage_stats->swap_outs;
	for (unsigned long i = 0; i < 64; i++)
		fake_evict(page_addr(i));
	lock();
	page_launder(mm, SWAP_CLUSTER_MAX);
	unlock();
	cr_assert_eq(upage_stats->swap_outs, outs, "expected no page written again");
}

/* Aging: a zone four times the readahead suite's, so that reclaim has a
 * stream's pages to take at the active list's tail. */
static void setup_aging(void)
{
	fake_mm_setup(1024, 128, 2048);
	test_mm.engine = &fake_engine_faultaround;
}

TestSuite(aging, .init = setup_aging, .fini = fake_mm_destroy);

/*
 * The pages a write stream reads back go out before a reused page: read
 * ahead and mapped dirty, they are on probation at the active list's tail
 * as a first touch is, so reclaim takes them without a scan that ages the
 * reused page on its way up the list.  (There is no accessed bit: a
 * reused page's age only falls while it is resident, so each scan that
 * passes it brings its trip out closer.)
 */
Test(aging, a_write_stream_s_read_ahead_pages_leave_a_reused_page_alone)
{
	uintptr_t reused = page_addr(900);
	struct page *page;
	int age;

	/* Pages 0-255 written out of order (their slots scattered: span
	 * readahead's case), then 256 more pages so they are long gone. */
	for (unsigned long k = 0; k < 512; k++) {
		unsigned long i = k < 256 ? k * 37 % 256 : k;

		fake_write(page_addr(i) + 16, (unsigned char)(i + 1));
	}
	fake_write(reused, 9);
	lock();
	/* As a minor fault's activation leaves it: at the head, aged up. */
	page = pfn_to_page(&test_zone, pte_frame(fake_pte(reused)));
	page->age = PAGE_AGE_START + PAGE_AGE_ADV;
	add_page_to_active_list(&test_zone, page);
	age = page->age;
	unlock();
	for (unsigned long i = 0; i < 256; i++) {
		cr_assert_eq(fake_read(page_addr(i) + 16), (unsigned char)(i + 1),
			     "expected page %lu's byte back", i);
		fake_write(page_addr(i) + 16, (unsigned char)(i + 2));
	}
	cr_assert_gt(upage_stats->swap_readahead_pages, 64, "expected the stream read ahead");
	cr_assert_lt(upage_stats->faults_wp_page, 64, "expected its runs mapped dirty");
	cr_assert(pte_present(fake_pte(reused)), "expected the reused page resident");
	cr_assert_eq(page->age, age, "expected the reused page's age left at %d, got %d", age,
		     page->age);
	cr_assert_eq(fake_read(reused), 9, "expected the reused page's byte");
}
