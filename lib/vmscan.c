// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmscan.c - reclaim, as Linux 2.4's mm/vmscan.c.
 *
 * Pages age on the active list.  The paper's accessed bit has no
 * user-level twin on this kernel (no soft-dirty, no idle page tracking),
 * so upage samples references the way 2.4 itself got its cheap second
 * chance: refill_inactive_scan unmaps an old active page into the swap
 * cache (moving its data, without a copy, to the frame's slot) and puts it
 * on an inactive list.  A touch while it is there is a minor fault
 * (do_swap_page finds it in the swap cache, no I/O) that activates it
 * again with a higher age; a page nobody touches is written out by
 * page_launder and its frame reclaimed.  A hot set that fits therefore
 * stays resident, at the price of one minor fault per hot page per trip
 * through the inactive list, and only under memory pressure: with free
 * frames, nothing is scanned.
 *
 * Everything works on the mm it is given (its zone, its page table, its
 * engine); kswapd is one thread per mm.
 *
 * Locking: everything here runs under mm->page_table_lock, dropped only
 * around writes, with the pages PG_locked.
 */
#include "autoconfig.h"

#include "vmscan.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "fault.h"
#include "inactive_target.h"
#include "overhead.h"
#include "page_io.h"
#include "stats.h"
#include "swap_state.h"
#include "swapfile.h"
#include "workingset.h"
#include "sys.h"

/* Is the page at @data all zeros?  (Early out at the first word that is not.) */
static bool page_is_zero(const void *data)
{
	const uint64_t *w = data;

	for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

/* Record that the page at @vaddr owns @entry's slot (swap_owner). */
static void set_owner(struct mm_struct *mm, swp_entry_t entry, uintptr_t vaddr)
{
	swap_set_owner(entry, (uint32_t)((vaddr - mm->arena.base) >> PAGE_SHIFT) + 1);
}

/*
 * The kernel no longer maps @page where its PTE says upage mapped it.
 * Only madvise(MADV_DONTNEED or MADV_FREE) does that to a private
 * anonymous page, and upage's interposed madvise zaps the PTE first: so
 * the program made the call itself, without libc (Go's runtime returns
 * what its scavenger frees with raw system calls, cgo or not).  The
 * kernel gives such a page back as zeros, and so does upage: its frame
 * and swap copy are dropped, and its next touch is a first touch (the
 * fault that found it, or a later one).  One message per process.
 */
void page_lost(struct mm_struct *mm, struct page *page)
{
	static bool told;
	swp_entry_t entry = page->swap;
	bool cached = PageSwapCache(page);

	if (!__atomic_exchange_n(&told, true, __ATOMIC_RELAXED))
		upage_msg("the program dropped heap pages (%#lx) with a madvise made without libc, "
			  "as Go's runtime does: they read as zeros, as the kernel gives them",
			  (unsigned long)page->vaddr);
	if (PageFlag(page, PG_mlocked)) {
		ClearPageFlag(page, PG_mlocked);
		unpin_page(page);
		mm->zone->nr_mlocked--;
	}
	pte_clear(&mm->pgd, page->vaddr);
	free_page_and_swap_cache(mm, page);
	if (cached)
		swap_free(entry);
	count_event(pages_dropped, 1);
}

/*
 * Nothing at a page's address for kswapd to move: the kernel dropped a
 * page upage had mapped, in a program that makes no madvise of its own (a
 * bug in upage).  The page stays active, and the fault that finds it
 * fails with SIGBUS; said here first, once, with how upage had it, since
 * this is the earliest it shows.
 */
static void kernel_lost_page(const struct page *page)
{
	static bool told;

	if (!__atomic_exchange_n(&told, true, __ATOMIC_RELAXED))
		upage_msg("kswapd found no page at %#lx where upage had mapped one (a bug in "
			  "upage; page flags %#lx, list %u)",
			  (unsigned long)page->vaddr, page->flags, page->lru);
}

/*
 * Unmap an active page into the swap cache: give it a swap slot if it has
 * none, move its data to its frame slot, leave the swap entry in the PTE.
 * A clean page with no swap copy (read, never written) is simply dropped,
 * and so is a page fault-around mapped that is still all zeros once out of
 * the program's reach (never written, or written zeros): its next touch is
 * a first touch again.
 */
static int unmap_page_to_swap_cache(struct mm_struct *mm, struct page *page)
{
	struct zone *z = mm->zone;
	bool new_slot = false;
	swp_entry_t entry;
	int ret;

	if (!PageDirty(page) && !PageSwapCache(page)) {
		mm->engine->zap_range(page->vaddr, PAGE_SIZE);
		pte_clear(&mm->pgd, page->vaddr);
		free_page_and_swap_cache(mm, page);
		count_event(pages_reclaimed, 1);
		return 0;
	}
	if (PageSwapCache(page) && PageDirty(page) && swap_count(page->swap) == 1 &&
	    get_swap_page(&entry) == 0) {
		/* Written since it came in: its slot's copy is stale, and the
		 * slot sits among the pages it went out with last time, not
		 * the ones it goes out with now.  A new slot next to theirs
		 * makes page_launder's runs long again (one write each) and
		 * readahead's runs find them, as the kernel frees the slot of
		 * a page swapped in for a write. */
		swp_entry_t old = page->swap;

		delete_from_swap_cache(page);
		swap_free(old);
		add_to_swap_cache(page, entry);
		set_owner(mm, entry, page->vaddr);
		new_slot = true;
	} else if (!PageSwapCache(page)) {
		ret = get_swap_page(&entry);
		if (ret)
			return ret;
		add_to_swap_cache(page, entry);
		set_owner(mm, entry, page->vaddr);
		new_slot = true;
	}
	ret = mm->engine->unmap_page(page->vaddr, page_address(z, page));
	if (ret) {
		if (new_slot) {
			entry = page->swap;
			delete_from_swap_cache(page);
			swap_free(entry);
		}
		if (ret != -ENOENT)
			return ret;
		if (!mm->raw_madvise) {
			kernel_lost_page(page);
			return ret;
		}
		/* Nothing there to move: the program dropped it. */
		page_lost(mm, page);
		return 0;
	}
	ClearPageFlag(page, PG_mapped);
	/* Read ahead by cluster and never written: counted as not paying
	 * (memory.c; a read leaves no trace to tell). */
	if (PageFlag(page, PG_clusterra)) {
		ClearPageFlag(page, PG_clusterra);
		if (mm->clu_score > -CLU_SCORE_MAX)
			mm->clu_score--;
	}
	if (new_slot && PageFlag(page, PG_faultaround) && page_is_zero(page_address(z, page))) {
		entry = page->swap;
		delete_from_swap_cache(page);
		swap_free(entry);
		pte_clear(&mm->pgd, page->vaddr);
		free_page_and_swap_cache(mm, page);
		count_event(pages_reclaimed, 1);
		count_event(faultaround_unused, 1);
		return 0;
	}
	set_pte(&mm->pgd, page->vaddr, swp_entry_to_pte(page->swap));
	deactivate_page(z, page);
	count_event(pages_deactivated, 1);
	return 0;
}

int refill_inactive_scan(struct mm_struct *mm, unsigned int nr)
{
	struct zone *z = mm->zone;
	unsigned long scan = z->nr_active_pages;
	unsigned int done = 0;
	struct page *page;
	int ret;

	while (scan-- > 0 && done < nr && !list_empty(&z->active_list)) {
		page = list_last_entry(&z->active_list, struct page, list);
		if (PageReferenced(page)) {
			ClearPageReferenced(page);
			age_page_up(page);
		} else {
			age_page_down(page);
		}
		if (page->age > 0 || PageLocked(page) || PagePinned(page)) {
			add_page_to_active_list(z, page);	/* to the head */
			continue;
		}
		ret = unmap_page_to_swap_cache(mm, page);
		if (ret == -ENOSPC || ret == -EIO)
			return done ? (int)done : ret;
		if (ret) {
			/* Cannot be moved (not read-write): keep it. */
			page->age = PAGE_AGE_START;
			add_page_to_active_list(z, page);
			continue;
		}
		done++;
	}
	return done;
}

/* Sort by swap entry (insertion sort: n <= SWAP_CLUSTER_MAX, and qsort
 * may allocate, which kswapd must never do). */
static void sort_by_slot(struct page **pages, int n)
{
	for (int i = 1; i < n; i++) {
		struct page *p = pages[i];
		int j = i;

		for (; j > 0 && pages[j - 1]->swap.val > p->swap.val; j--)
			pages[j] = pages[j - 1];
		pages[j] = p;
	}
}

/* Do these two pages sit in consecutive slots of one area? */
static bool slots_follow(const struct page *a, const struct page *b)
{
	return swp_type(a->swap) == swp_type(b->swap) &&
	       swp_offset(a->swap) + 1 == swp_offset(b->swap);
}

/*
 * Give an unmapped page a new slot: its own failed (@bad), or belongs to an
 * area this process may not write (a forked child's view of its parent's
 * areas), or is shared with a forked child.  Lock held, page locked.
 * Returns 0 or -ENOSPC.
 */
static int relocate_page(struct mm_struct *mm, struct page *page, bool bad)
{
	swp_entry_t old = page->swap, entry;
	int ret = get_swap_page(&entry);

	if (ret)
		return ret;	/* stays where it is; retried later */
	delete_from_swap_cache(page);
	if (bad)
		swap_mark_bad(old);
	swap_free(old);
	add_to_swap_cache(page, entry);
	set_owner(mm, entry, page->vaddr);
	set_pte(&mm->pgd, page->vaddr, swp_entry_to_pte(entry));
	return 0;
}

static bool slot_writable(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info(swp_type(entry));

	return si && (si->flags & SWP_WRITEOK);
}

/* Write @n locked pages, sorted by slot, in runs of consecutive slots. */
static void write_clusters(struct zone *z, struct page **pages, int n, int *result)
{
	struct iovec iov[SWAP_CLUSTER_MAX];
	int i = 0;

	while (i < n) {
		int j = i + 1, ret;

		while (j < n && slots_follow(pages[j - 1], pages[j]))
			j++;
		for (int k = i; k < j; k++) {
			iov[k - i].iov_base = page_address(z, pages[k]);
			iov[k - i].iov_len = PAGE_SIZE;
		}
		ret = swap_writepages(pages[i]->swap, iov, j - i);
		for (int k = i; k < j; k++)
			result[k] = ret;
		if (ret == 0)
			count_event(swap_out_clusters, 1);
		i = j;
	}
}

int page_launder(struct mm_struct *mm, unsigned int nr)
{
	struct zone *z = mm->zone;
	struct page *pages[SWAP_CLUSTER_MAX], *page, *next;
	int result[SWAP_CLUSTER_MAX];
	int n = 0, written = 0, done = 0, full = 0;
	uint64_t t0 = latency_now();	/* evict: from taking the pages to releasing them */

	if (nr > SWAP_CLUSTER_MAX)
		nr = SWAP_CLUSTER_MAX;
	/* Oldest first: from the tail of the inactive dirty list. */
	for (page = list_last_entry(&z->inactive_dirty_list, struct page, list);
	     &page->list != &z->inactive_dirty_list && n < (int)nr; page = next) {
		next = list_entry(page->list.prev, struct page, list);
		if (!TryLockPage(page))
			continue;
		/* Never overwrite a slot someone else may still read (a forked
		 * child's copy of this page as it was), nor one in an area we
		 * may not write. */
		if ((!slot_writable(page->swap) || swap_count(page->swap) > 1) &&
		    relocate_page(mm, page, false)) {
			unlock_page(page, &mm->page_wait);
			continue;
		}
		pages[n++] = page;
	}
	if (n == 0)
		return 0;
	sort_by_slot(pages, n);

	pthread_mutex_unlock(&mm->page_table_lock);
	write_clusters(z, pages, n, result);
	pthread_mutex_lock(&mm->page_table_lock);

	for (int i = 0; i < n; i++) {
		page = pages[i];
		if (result[i] == -ENOSPC) {
			/* The area refused it (a pool full): no bad slot, and
			 * the page stays dirty where it is. */
			full++;
		} else if (result[i]) {
			full++;
			swap_report_error(page->swap, result[i]);
			count_event(io_errors, 1);
			relocate_page(mm, page, true);
		} else {
			done++;
			if (page->lru == LRU_INACTIVE_DIRTY) {
				ClearPageDirty(page);
				add_page_to_inactive_clean_list(z, page);
				written++;
			}
		}
		unlock_page(page, &mm->page_wait);
	}
	/* Every page written counts, as io_write counts it. */
	count_event(swap_outs, done);
	latency_record_n(UPAGE_LAT_EVICT, latency_now() - t0, done);
	/* Nothing written, the area full or failing: say so, or a fault
	 * waiting for a frame would wait for ever. */
	return !done && full ? -ENOSPC : written;
}

/* Free one clean inactive page's frame, without I/O: its data is safe on
 * swap and its PTE already holds the swap entry.  Returns whether one was
 * freed. */
static bool reclaim_page(struct mm_struct *mm)
{
	struct list_head *head = &mm->zone->inactive_clean_list, *pos;

	/* The oldest first: from the tail. */
	for (pos = head->prev; pos != head; pos = pos->prev) {
		struct page *page = list_entry(pos, struct page, list);

		if (PageLocked(page))
			continue;
		workingset_eviction(page->swap);
		free_page_and_swap_cache(mm, page);
		count_event(pages_reclaimed, 1);
		return true;
	}
	return false;
}

/* No refill at all above this many inactive pages. */
static unsigned long inactive_limit(const struct zone *z)
{
	unsigned long t = inactive_target_max(z);

	return t > z->pages_high ? t : z->pages_high;
}

/* One round of freeing, done by kswapd or by a fault that found no frame.
 * Returns how many pages moved, or -ENOSPC when none did and swap is full
 * (or its writes fail). */
static int try_to_free_pages(struct mm_struct *mm)
{
	struct zone *z = mm->zone;
	int moved = 0, ret, full = 0;

	if (z->nr_inactive_dirty_pages + z->nr_inactive_clean_pages < inactive_limit(z)) {
		/* One cluster, or more while depth has been paying
		 * (inactive_target.c). */
		ret = refill_inactive_scan(mm, inactive_refill_count(z));
		if (ret > 0)
			moved += ret;
		else if (ret == -ENOSPC || ret == -EIO)
			full = -ENOSPC;
	}
	if (z->nr_inactive_dirty_pages) {
		ret = page_launder(mm, SWAP_CLUSTER_MAX);
		if (ret > 0)
			moved += ret;
		else if (ret == -ENOSPC)
			full = -ENOSPC;
	}
	return moved ? moved : full;
}

/*
 * How long a fault waits for a frame while nothing can be freed: the
 * pages in the way are under I/O (they come back clean).  With swap full,
 * a second (100 tries 10 ms apart), then -ENOSPC.  Otherwise for as long
 * as it takes, as the kernel's page allocator: with many faults in flight
 * the frames kswapd frees may go to other faults before this one gets a
 * turn, which is slow but no reason to fail.
 */
#define IDLE_TRIES_FULL		100

struct page *__alloc_pages(struct mm_struct *mm, int *err)
{
	struct zone *z = mm->zone;
	struct page *page;
	int full = 0, ret;

	for (;;) {
		/* At pages_low and below, a clean inactive page is freed for
		 * each frame taken (no I/O, as 2.4's __alloc_pages calls
		 * reclaim_page): the free frames stay at pages_low while clean
		 * pages last, and kswapd is woken when they run out, once per
		 * (pages_high - pages_low) frames taken, not once a fault. */
		if (z->nr_free_pages <= z->pages_low && reclaim_page(mm))
			count_event(direct_reclaims, 1);
		page = rmqueue(z);
		if (page) {
			stats_resident_add(1);
			if (z->nr_free_pages < z->pages_low)
				wakeup_kswapd(z);
			return page;
		}
		wakeup_kswapd(z);
		ret = try_to_free_pages(mm);
		if (ret > 0) {
			full = 0;
			continue;
		}
		if (ret == -ENOSPC)
			full++;
		/* Pages under I/O by kswapd will come back clean: wait. */
		if (full < IDLE_TRIES_FULL) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 10 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&mm->page_wait, &mm->page_table_lock, &ts);
			continue;
		}
		if (err)
			*err = -ENOSPC;
		return NULL;
	}
}

struct page *alloc_page_spare(struct mm_struct *mm)
{
	struct zone *z = mm->zone;
	struct page *page = NULL;

	bool reclaimed = z->nr_free_pages <= z->pages_low && reclaim_page(mm);

	if (reclaimed)
		count_event(direct_reclaims, 1);
	if (reclaimed || z->nr_free_pages > z->pages_min)
		page = rmqueue(z);
	if (!page)
		return NULL;
	stats_resident_add(1);
	if (z->nr_free_pages < z->pages_low)
		wakeup_kswapd(z);
	return page;
}

void wakeup_kswapd(struct zone *z)
{
	if (!z->kswapd_wake) {
		z->kswapd_wake = true;
		pthread_cond_signal(&z->kswapd_wait);
	}
}

/* kswapd's goal: enough frames free, or freeable without I/O. */
static bool zone_balanced(const struct zone *z)
{
	return z->nr_free_pages >= z->pages_low && free_plenty(z) >= z->pages_high;
}

static void kswapd_balance(struct mm_struct *mm)
{
	struct zone *z = mm->zone;

	while (!zone_balanced(z)) {
		if (z->nr_free_pages < z->pages_low && reclaim_page(mm))
			continue;
		if (try_to_free_pages(mm) <= 0)
			break;
	}
}

/*
 * What kswapd does besides reclaim, at most twice a second: the runtime's
 * tick (staying registered with upaged: socket calls, so without the
 * lock), upage's own resident memory for `upage stat` (a mincore walk,
 * without the lock too) and the cap another process asked for
 * (control.c).  Returns whether the cap has work for it.
 */
static bool kswapd_tick(struct mm_struct *mm, const struct kswapd_env *env)
{
	static long long last_ms;
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	if (ms - last_ms < 500)
		return false;
	last_ms = ms;
	pthread_mutex_unlock(&mm->page_table_lock);
	if (env && env->tick)
		env->tick();
	if (upage_stats)
		__atomic_store_n(&upage_stats->overhead_bytes, overhead_resident_bytes(),
				 __ATOMIC_RELAXED);
	pthread_mutex_lock(&mm->page_table_lock);
	return control_tick(mm->zone);
}

static struct kswapd_arg {
	struct mm_struct *mm;
	const struct kswapd_env *env;
} kswapd_arg;	/* one kswapd per process */

static void *kswapd(void *arg)
{
	struct kswapd_arg *ka = arg;
	struct mm_struct *mm = ka->mm;
	struct zone *z = mm->zone;

	pthread_mutex_lock(&mm->page_table_lock);
	for (;;) {
		while (!z->kswapd_wake) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&z->kswapd_wait, &mm->page_table_lock, &ts);
			if (kswapd_tick(mm, ka->env) || !zone_balanced(z))
				break;
		}
		z->kswapd_wake = false;
		count_event(kswapd_wakeups, 1);
		kswapd_balance(mm);
		pthread_cond_broadcast(&mm->page_wait);
		if (kswapd_tick(mm, ka->env))
			wakeup_kswapd(z);
	}
	return NULL;
}

int kswapd_start(struct mm_struct *mm, const struct kswapd_env *env)
{
	struct zone *z = mm->zone;

	z->kswapd_wake = false;
	pthread_cond_init(&z->kswapd_wait, NULL);
	kswapd_arg = (struct kswapd_arg){ .mm = mm, .env = env };
	if (env && env->start)
		return env->start(kswapd, &kswapd_arg, "kswapd");
	return sys_thread_start(&z->kswapd_thread, "kswapd", kswapd, &kswapd_arg);
}
