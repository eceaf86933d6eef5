// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_swap_state.c - the swap cache (add, lookup, delete, -EEXIST,
 * chains in one bucket) and the page lock (lock_page sleeps until
 * unlock_page, every waiter is woken).
 *
 * The pages are plain descriptors on the stack or in a static array: the
 * swap cache never touches page data or the lists.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "swap_state.h"

#define NR_PAGES 64

static struct page pages[NR_PAGES];

static void setup(void)
{
	memset(pages, 0, sizeof(pages));
	cr_assert_eq(swap_cache_init(NR_PAGES), 0, "expected swap_cache_init to succeed");
}

static void teardown(void)
{
	swap_cache_destroy();
}

TestSuite(swap_state, .init = setup, .fini = teardown, .timeout = 10);

Test(swap_state, add_then_lookup_finds_the_page)
{
	swp_entry_t e = swp_entry(1, 42);

	cr_assert_eq(add_to_swap_cache(&pages[0], e), 0, "expected the add to succeed");
	cr_assert_eq(lookup_swap_cache(e), &pages[0], "expected the page found by its entry");
}

Test(swap_state, add_sets_swapcache_and_entry)
{
	swp_entry_t e = swp_entry(2, 7);

	add_to_swap_cache(&pages[3], e);
	cr_assert(PageSwapCache(&pages[3]), "expected PG_swapcache set");
	cr_assert_eq(pages[3].swap.val, e.val, "expected page->swap to be the entry");
	cr_assert_eq(swap_cache_pages(), 1UL, "expected one page in the cache");
}

Test(swap_state, lookup_of_absent_entry_is_null)
{
	add_to_swap_cache(&pages[0], swp_entry(0, 1));
	cr_assert_null(lookup_swap_cache(swp_entry(0, 2)), "expected no page for offset 2");
	cr_assert_null(lookup_swap_cache(swp_entry(1, 1)), "expected no page for another type");
}

Test(swap_state, second_page_for_one_entry_is_eexist)
{
	swp_entry_t e = swp_entry(0, 9);

	add_to_swap_cache(&pages[0], e);
	cr_assert_eq(add_to_swap_cache(&pages[1], e), -EEXIST,
		     "expected -EEXIST when another page has the entry");
	cr_assert_not(PageSwapCache(&pages[1]), "expected the refused page left uncached");
	cr_assert_eq(lookup_swap_cache(e), &pages[0], "expected the first page still found");
	cr_assert_eq(swap_cache_pages(), 1UL, "expected one page in the cache");
}

Test(swap_state, cached_page_cannot_be_added_again)
{
	add_to_swap_cache(&pages[0], swp_entry(0, 1));
	cr_assert_eq(add_to_swap_cache(&pages[0], swp_entry(0, 2)), -EINVAL,
		     "expected -EINVAL adding a page that is already cached");
	cr_assert_eq(pages[0].swap.val, swp_entry(0, 1).val, "expected its entry unchanged");
	cr_assert_null(lookup_swap_cache(swp_entry(0, 2)), "expected no page under the new entry");
}

Test(swap_state, entry_none_is_einval)
{
	swp_entry_t none = { 0 };

	cr_assert_eq(add_to_swap_cache(&pages[0], none), -EINVAL,
		     "expected -EINVAL for the entry 0 (none)");
	cr_assert_eq(swap_cache_pages(), 0UL, "expected the cache still empty");
}

Test(swap_state, delete_removes_but_keeps_the_slot)
{
	swp_entry_t e = swp_entry(3, 100);

	add_to_swap_cache(&pages[5], e);
	delete_from_swap_cache(&pages[5]);
	cr_assert_null(lookup_swap_cache(e), "expected the entry gone from the cache");
	cr_assert_not(PageSwapCache(&pages[5]), "expected PG_swapcache cleared");
	cr_assert_eq(pages[5].swap.val, e.val, "expected page->swap kept for the caller to free");
	cr_assert_eq(swap_cache_pages(), 0UL, "expected the cache empty");
	cr_assert_eq(add_to_swap_cache(&pages[6], e), 0, "expected the entry free to reuse");
}

Test(swap_state, delete_of_uncached_page_changes_nothing)
{
	add_to_swap_cache(&pages[0], swp_entry(0, 1));
	delete_from_swap_cache(&pages[1]);
	cr_assert_eq(swap_cache_pages(), 1UL, "expected the cached page to stay");
	cr_assert_eq(lookup_swap_cache(swp_entry(0, 1)), &pages[0], "expected it still found");
}

/* One bucket: every entry collides, so the chain itself is tested. */
Test(swap_state, collisions_in_one_bucket)
{
	cr_assert_eq(swap_cache_init(1), 0, "expected a one-bucket cache");
	for (int i = 0; i < 5; i++)
		cr_assert_eq(add_to_swap_cache(&pages[i], swp_entry(0, i + 1)), 0,
			     "expected add %d to succeed", i);
	for (int i = 0; i < 5; i++)
		cr_assert_eq(lookup_swap_cache(swp_entry(0, i + 1)), &pages[i],
			     "expected page %d found in the shared chain", i);

	delete_from_swap_cache(&pages[2]);	/* middle of the chain */
	delete_from_swap_cache(&pages[4]);	/* head (added last) */
	delete_from_swap_cache(&pages[0]);	/* tail (added first) */
	cr_assert_eq(swap_cache_pages(), 2UL, "expected two pages left");
	cr_assert_null(lookup_swap_cache(swp_entry(0, 3)), "expected the middle page gone");
	cr_assert_null(lookup_swap_cache(swp_entry(0, 5)), "expected the head page gone");
	cr_assert_null(lookup_swap_cache(swp_entry(0, 1)), "expected the tail page gone");
	cr_assert_eq(lookup_swap_cache(swp_entry(0, 2)), &pages[1], "expected page 1 kept");
	cr_assert_eq(lookup_swap_cache(swp_entry(0, 4)), &pages[3], "expected page 3 kept");
}

Test(swap_state, many_entries_in_a_small_table)
{
	static struct page many[1000];

	cr_assert_eq(swap_cache_init(16), 0, "expected a 16-bucket cache");
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(add_to_swap_cache(&many[i], swp_entry(i % 64, i / 64 + 1)), 0,
			     "expected add %d to succeed", i);
	for (int i = 999; i >= 0; i--)
		cr_assert_eq(lookup_swap_cache(swp_entry(i % 64, i / 64 + 1)), &many[i],
			     "expected entry %d to find its own page", i);
	for (int i = 0; i < 1000; i += 2)
		delete_from_swap_cache(&many[i]);
	cr_assert_eq(swap_cache_pages(), 500UL, "expected 500 pages left");
	for (int i = 1; i < 1000; i += 2)
		cr_assert_eq(lookup_swap_cache(swp_entry(i % 64, i / 64 + 1)), &many[i],
			     "expected odd entry %d still found", i);
}

Test(swap_state, init_again_starts_empty)
{
	add_to_swap_cache(&pages[0], swp_entry(0, 1));
	cr_assert_eq(swap_cache_init(NR_PAGES), 0, "expected a second init to succeed");
	cr_assert_eq(swap_cache_pages(), 0UL, "expected the new cache empty");
	cr_assert_null(lookup_swap_cache(swp_entry(0, 1)), "expected the old page forgotten");
}

/* ---- the page lock ---- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t page_wait = PTHREAD_COND_INITIALIZER;
static int acquired;		/* protected by lock */

static void *locker(void *arg)
{
	struct page *page = arg;

	pthread_mutex_lock(&lock);
	lock_page(page, &lock, &page_wait);
	acquired++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void *waiter(void *arg)
{
	struct page *page = arg;

	pthread_mutex_lock(&lock);
	wait_on_page(page, &lock, &page_wait);
	acquired++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

Test(swap_state, lock_page_blocks_until_unlock_page)
{
	struct page page = { 0 };
	pthread_t t;

	pthread_mutex_lock(&lock);
	lock_page(&page, &lock, &page_wait);
	cr_assert(PageLocked(&page), "expected lock_page on a free page to take PG_locked");
	pthread_mutex_unlock(&lock);

	pthread_create(&t, NULL, locker, &page);
	sleep_ms(100);
	pthread_mutex_lock(&lock);
	cr_assert_eq(acquired, 0, "expected the second lock_page to sleep while locked");
	unlock_page(&page, &page_wait);
	pthread_mutex_unlock(&lock);
	pthread_join(t, NULL);

	cr_assert_eq(acquired, 1, "expected the sleeper to get the lock after unlock_page");
	cr_assert(PageLocked(&page), "expected the page locked again, by the sleeper");
}

Test(swap_state, unlock_page_wakes_every_waiter)
{
	struct page page = { 0 };
	pthread_t t[3];

	SetPageFlag(&page, PG_locked);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, waiter, &page);
	sleep_ms(100);
	pthread_mutex_lock(&lock);
	cr_assert_eq(acquired, 0, "expected every wait_on_page to sleep while locked");
	unlock_page(&page, &page_wait);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(acquired, 3, "expected all three waiters woken by one unlock_page");
	cr_assert_not(PageLocked(&page), "expected wait_on_page not to take the lock");
}

Test(swap_state, wait_on_unlocked_page_returns_at_once)
{
	struct page page = { 0 };

	pthread_mutex_lock(&lock);
	wait_on_page(&page, &lock, &page_wait);	/* would hang if it slept */
	pthread_mutex_unlock(&lock);
	cr_assert_not(PageLocked(&page), "expected the page still unlocked");
}

Test(swap_state, trylock_fails_on_locked_page)
{
	struct page page = { 0 };

	pthread_mutex_lock(&lock);
	lock_page(&page, &lock, &page_wait);
	cr_assert_not(TryLockPage(&page), "expected TryLockPage to fail on a locked page");
	unlock_page(&page, &page_wait);
	cr_assert(TryLockPage(&page), "expected TryLockPage to succeed after unlock_page");
	pthread_mutex_unlock(&lock);
}
