// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for zswap.c: the compressed tier's store, load and
 * invalidate, same-filled pages, rejects, and the LRU writeback of a full
 * pool into a fake area (a table of pages of the test's own).
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/random.h>

#include "sys.h"
#include "zswap.h"

#define DISK_SLOTS	1024

/* The fake area: what writeback wrote, slot by slot. */
static char (*disk)[PAGE_SIZE];
static bool *on_disk;
static int disk_writes, disk_error;
static unsigned long first_written = ~0UL;
static char area_token;		/* the area the stores name */

/* With block_wb set, a writeback says so (in_wb) and waits for release_wb. */
static pthread_mutex_t wb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wb_cond = PTHREAD_COND_INITIALIZER;
static bool block_wb, in_wb, release_wb;
static unsigned long in_wb_slot;

static void wb_wait_for_release(swp_entry_t e)
{
	pthread_mutex_lock(&wb_lock);
	if (block_wb) {
		in_wb = true;
		in_wb_slot = swp_offset(e);
		pthread_cond_broadcast(&wb_cond);
		while (!release_wb)
			pthread_cond_wait(&wb_cond, &wb_lock);
		block_wb = false;
	}
	pthread_mutex_unlock(&wb_lock);
}

static int fake_writepage(void *area, swp_entry_t e, const void *buf)
{
	wb_wait_for_release(e);
	cr_assert_eq(area, &area_token, "expected writeback to the area the store named");
	cr_assert_lt(swp_offset(e), DISK_SLOTS, "expected a slot of the fake area");
	if (disk_error)
		return disk_error;
	memcpy(disk[swp_offset(e)], buf, PAGE_SIZE);
	on_disk[swp_offset(e)] = true;
	if (first_written == ~0UL)
		first_written = swp_offset(e);
	disk_writes++;
	return 0;
}

static void setup(void)
{
	disk = sys_alloc_pages(sizeof(*disk) * DISK_SLOTS);
	on_disk = sys_alloc_pages(PAGE_ALIGN(sizeof(bool) * DISK_SLOTS));
	cr_assert(disk && on_disk, "expected memory for the fake area");
	disk_writes = 0;
	disk_error = 0;
	first_written = ~0UL;
}

static void teardown(void)
{
	zswap_destroy();
	sys_free_pages(disk, sizeof(*disk) * DISK_SLOTS);
	sys_free_pages(on_disk, PAGE_ALIGN(sizeof(bool) * DISK_SLOTS));
}

TestSuite(zswap, .init = setup, .fini = teardown);

static void pool_up(size_t bytes, enum upage_compressor comp)
{
	int ret = zswap_init(bytes, comp, fake_writepage);

	cr_assert_eq(ret, 0, "expected a pool of %zu bytes, got %d", bytes, ret);
}

static swp_entry_t slot(unsigned long n)
{
	return swp_entry(1, n);
}

/* Text-like, compressible, different for each @n. */
static void fill_text(char *page, unsigned long n)
{
	size_t off = 0;

	for (int line = 0; off < PAGE_SIZE; line++) {
		char l[96];
		int len = snprintf(l, sizeof(l), "page %lu line %d: the quick brown fox %lu\n", n,
				   line, n * 31 + (unsigned long)line);
		size_t take = PAGE_SIZE - off < (size_t)len ? PAGE_SIZE - off : (size_t)len;

		memcpy(page + off, l, take);
		off += take;
	}
}

static void fill_random(char *page)
{
	cr_assert_eq(getrandom(page, PAGE_SIZE, 0), (ssize_t)PAGE_SIZE, "expected random bytes");
}

static struct zswap_stats stats(void)
{
	struct zswap_stats st;

	zswap_get_stats(&st);
	return st;
}

Test(zswap, store_then_load_gives_the_page)
{
	char page[PAGE_SIZE], back[PAGE_SIZE];

	pool_up(1 << 20, COMPRESSOR_LZ4);
	fill_text(page, 7);
	cr_assert_eq(zswap_store(&area_token, slot(7), page), 0, "expected a text page stored");
	memset(back, 0, sizeof(back));
	cr_assert_eq(zswap_load(slot(7), back), 0, "expected the page loaded");
	cr_assert_arr_eq(back, page, PAGE_SIZE, "expected the page as it was stored");
	struct zswap_stats st = stats();
	cr_assert_eq(st.stored_pages, 1, "expected one page held");
	cr_assert(st.pool_bytes > 0 && st.pool_bytes < PAGE_SIZE / 2,
		  "expected the page compressed to under half a page, got %lu bytes",
		  (unsigned long)st.pool_bytes);
	cr_assert_eq(st.hits, 1, "expected one hit");
	cr_assert_eq(disk_writes, 0, "expected nothing written to the area");
}

Test(zswap, zstd_store_then_load)
{
	char page[PAGE_SIZE], back[PAGE_SIZE];

	pool_up(1 << 20, COMPRESSOR_ZSTD);
	for (unsigned long n = 0; n < 20; n++) {
		fill_text(page, n);
		cr_assert_eq(zswap_store(&area_token, slot(n), page), 0, "expected page %lu stored", n);
	}
	for (unsigned long n = 0; n < 20; n++) {
		fill_text(page, n);
		cr_assert_eq(zswap_load(slot(n), back), 0, "expected page %lu loaded", n);
		cr_assert_arr_eq(back, page, PAGE_SIZE, "expected page %lu as stored", n);
	}
}

Test(zswap, load_of_a_slot_never_stored_misses)
{
	char back[PAGE_SIZE];

	pool_up(1 << 20, COMPRESSOR_LZ4);
	cr_assert_eq(zswap_load(slot(3), back), -ENOENT, "expected a miss");
	cr_assert_eq(stats().hits, 0, "expected no hit counted");
}

Test(zswap, invalidate_drops_the_entry_and_its_bytes)
{
	char page[PAGE_SIZE], back[PAGE_SIZE];

	pool_up(1 << 20, COMPRESSOR_LZ4);
	fill_text(page, 1);
	cr_assert_eq(zswap_store(&area_token, slot(1), page), 0, "expected the page stored");
	zswap_invalidate(slot(1));
	cr_assert_eq(zswap_load(slot(1), back), -ENOENT, "expected no entry after invalidate");
	cr_assert_eq(stats().stored_pages, 0, "expected no page held");
	cr_assert_eq(stats().pool_bytes, 0, "expected the pool empty");
	zswap_invalidate(slot(1));	/* twice, and a slot never stored: nothing */
	zswap_invalidate(slot(99));
}

Test(zswap, a_page_of_one_word_is_kept_as_the_word)
{
	uint64_t page[PAGE_SIZE / 8], back[PAGE_SIZE / 8];

	pool_up(1 << 20, COMPRESSOR_LZ4);
	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		page[i] = 0x1122334455667788ULL;
	cr_assert_eq(zswap_store(&area_token, slot(2), page), 0, "expected the page stored");
	memset(page + 1, 0, 8);
	cr_assert_eq(zswap_store(&area_token, slot(3), page), 0, "expected a near-same page stored");
	memset(page, 0, sizeof(page));
	cr_assert_eq(zswap_store(&area_token, slot(4), page), 0, "expected a zero page stored");
	struct zswap_stats st = stats();
	cr_assert_eq(st.same_filled, 2, "expected two same-filled pages, got %lu",
		     (unsigned long)st.same_filled);
	cr_assert_eq(st.stored_pages, 3, "expected three pages held");
	cr_assert_leq(st.pool_bytes, 128, "expected only the near-same page to take bytes");
	cr_assert_eq(zswap_load(slot(2), back), 0, "expected the same-filled page loaded");
	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		cr_assert_eq(back[i], 0x1122334455667788ULL, "expected the word at %zu", i);
	cr_assert_eq(zswap_load(slot(3), back), 0, "expected the near-same page loaded");
	cr_assert_eq(back[1], 0, "expected the one different word");
	cr_assert_eq(back[2], 0x1122334455667788ULL, "expected the others");
	cr_assert_eq(zswap_load(slot(4), back), 0, "expected the zero page loaded");
	cr_assert_arr_eq(back, page, PAGE_SIZE, "expected zeros");
}

Test(zswap, an_incompressible_page_is_rejected_and_drops_the_old_entry)
{
	char page[PAGE_SIZE], back[PAGE_SIZE];

	pool_up(1 << 20, COMPRESSOR_LZ4);
	fill_text(page, 5);
	cr_assert_eq(zswap_store(&area_token, slot(5), page), 0, "expected the text page stored");
	fill_random(page);
	cr_assert_eq(zswap_store(&area_token, slot(5), page), -E2BIG,
		     "expected random bytes rejected");
	cr_assert_eq(zswap_load(slot(5), back), -ENOENT,
		     "expected no stale copy of the slot once its new page was refused");
	cr_assert_eq(stats().rejects, 1, "expected one reject");
	cr_assert_eq(stats().stored_pages, 0, "expected nothing held");
}

Test(zswap, zstd_rejects_random_bytes_too)
{
	char page[PAGE_SIZE];

	pool_up(1 << 20, COMPRESSOR_ZSTD);
	fill_random(page);
	cr_assert_eq(zswap_store(&area_token, slot(5), page), -E2BIG,
		     "expected random bytes rejected");
}

Test(zswap, a_store_to_a_held_slot_replaces_it)
{
	char page[PAGE_SIZE], back[PAGE_SIZE];

	pool_up(1 << 20, COMPRESSOR_LZ4);
	fill_text(page, 1);
	cr_assert_eq(zswap_store(&area_token, slot(8), page), 0, "expected the first page stored");
	fill_text(page, 2);
	cr_assert_eq(zswap_store(&area_token, slot(8), page), 0, "expected the second page stored");
	cr_assert_eq(zswap_load(slot(8), back), 0, "expected the slot loaded");
	cr_assert_arr_eq(back, page, PAGE_SIZE, "expected the newer page");
	cr_assert_eq(stats().stored_pages, 1, "expected one entry for the slot");
}

/* Every slot reads back what was stored: from the pool, or from the disk. */
static void check_all(unsigned long n)
{
	char page[PAGE_SIZE], back[PAGE_SIZE];

	for (unsigned long i = 0; i < n; i++) {
		fill_text(page, i);
		if (zswap_load(slot(i), back) == 0) {
			cr_assert_arr_eq(back, page, PAGE_SIZE, "expected page %lu from the pool", i);
		} else {
			cr_assert(on_disk[i], "expected page %lu in the pool or on the disk", i);
			cr_assert_arr_eq(disk[i], page, PAGE_SIZE, "expected page %lu on the disk",
					 i);
		}
	}
}

Test(zswap, a_full_pool_writes_its_oldest_entries_back)
{
	char page[PAGE_SIZE];
	const unsigned long n = 600;

	pool_up(ZSWAP_MIN_POOL, COMPRESSOR_LZ4);
	for (unsigned long i = 0; i < n; i++) {
		fill_text(page, i);
		cr_assert_eq(zswap_store(&area_token, slot(i), page), 0,
			     "expected page %lu stored (writeback making room)", i);
	}
	struct zswap_stats st = stats();
	cr_assert_gt(st.writebacks, 0, "expected writebacks from a full pool");
	cr_assert_eq(st.writebacks, (uint64_t)disk_writes, "expected each writeback written");
	cr_assert_eq(st.stored_pages + st.writebacks, n, "expected every page held or written");
	cr_assert_leq(st.pool_bytes, st.limit_bytes, "expected the pool within its limit");
	cr_assert_eq(first_written, 0, "expected the oldest entry written back first");
	cr_assert(!on_disk[n - 1], "expected the newest page still in the pool");
	check_all(n);
}

Test(zswap, a_failed_writeback_keeps_the_data)
{
	char page[PAGE_SIZE];
	unsigned long i;
	int ret = 0;

	pool_up(ZSWAP_MIN_POOL, COMPRESSOR_LZ4);
	disk_error = -EIO;
	for (i = 0; i < 600 && ret == 0; i++) {
		fill_text(page, i);
		ret = zswap_store(&area_token, slot(i), page);
	}
	cr_assert_eq(ret, -ENOSPC, "expected the pool full when nothing can be written back");
	cr_assert_gt(stats().pool_full, 0, "expected a pool-full refusal counted");
	check_all(i - 1);	/* every page stored before is still loaded whole */
}

Test(zswap, a_forked_child_never_writes_back_its_parents_entries)
{
	char page[PAGE_SIZE];
	unsigned long i;
	int ret = 0;

	pool_up(ZSWAP_MIN_POOL, COMPRESSOR_LZ4);
	for (i = 0; i < 40; i++) {
		fill_text(page, i);
		cr_assert_eq(zswap_store(&area_token, slot(i), page), 0, "expected page %lu stored", i);
	}
	zswap_fork_child();
	for (; i < 600 && ret == 0; i++) {
		fill_text(page, i);
		ret = zswap_store(&area_token, slot(i), page);
	}
	for (unsigned long k = 0; k < 40; k++)
		cr_assert(!on_disk[k], "expected the parent's page %lu never written by the child", k);
	check_all(40);
}

Test(zswap, no_pool_no_store)
{
	char page[PAGE_SIZE];

	memset(page, 1, sizeof(page));
	cr_assert(!zswap_enabled(), "expected no pool");
	cr_assert_eq(zswap_store(&area_token, slot(1), page), -ENODEV, "expected -ENODEV");
	cr_assert_eq(zswap_load(slot(1), page), -ENOENT, "expected a miss");
	cr_assert_eq(zswap_init(1024, COMPRESSOR_LZ4, fake_writepage), -EINVAL,
		     "expected a pool below the minimum refused");
	cr_assert_eq(zswap_init(1 << 20, COMPRESSOR_LZ4, NULL), -EINVAL,
		     "expected a pool with no writeback refused");
}

Test(zswap, same_filled_entries_at_the_tail_do_not_block_writeback)
{
	uint64_t same[PAGE_SIZE / 8];
	char page[PAGE_SIZE];
	const unsigned long n_same = 200, n = 600;

	pool_up(ZSWAP_MIN_POOL, COMPRESSOR_LZ4);
	for (unsigned long i = 0; i < n_same; i++) {
		for (size_t k = 0; k < PAGE_SIZE / 8; k++)
			same[k] = i;
		cr_assert_eq(zswap_store(&area_token, slot(n + i), same), 0,
			     "expected same-filled page %lu stored", i);
	}
	for (unsigned long i = 0; i < n; i++) {
		fill_text(page, i);
		cr_assert_eq(zswap_store(&area_token, slot(i), page), 0,
			     "expected text page %lu stored behind %lu same-filled ones", i, n_same);
	}
	cr_assert_eq(stats().pool_full, 0, "expected no store refused");
	check_all(n);
}

/* ---- writeback does not hold the pool while it writes ------------------ */

struct store_arg {
	unsigned long slot, contents;
	int ret;
	bool done;
};

static void *store_thread(void *arg)
{
	struct store_arg *a = arg;
	char page[PAGE_SIZE];

	fill_text(page, a->contents);
	a->ret = zswap_store(&area_token, slot(a->slot), page);
	__atomic_store_n(&a->done, true, __ATOMIC_RELEASE);
	return NULL;
}

Test(zswap, loads_and_frees_go_on_while_a_writeback_writes, .timeout = 20)
{
	char page[PAGE_SIZE], back[PAGE_SIZE];
	struct store_arg a = { .slot = 1000, .contents = 1000 };
	struct store_arg b = { .slot = 0, .contents = 5000 };
	pthread_t ta, tb;
	unsigned long n = 0;
	struct zswap_stats st;

	pool_up(ZSWAP_MIN_POOL, COMPRESSOR_LZ4);
	do {	/* fill the pool to the brim, no writeback yet */
		fill_text(page, n);
		cr_assert_eq(zswap_store(&area_token, slot(n), page), 0, "expected page %lu", n);
		n++;
		zswap_get_stats(&st);
	} while (st.writebacks == 0);
	/* The next store writes back the oldest; hold that write. */
	in_wb = release_wb = false;
	block_wb = true;
	first_written = ~0UL;
	pthread_create(&ta, NULL, store_thread, &a);
	pthread_mutex_lock(&wb_lock);
	while (!in_wb)
		pthread_cond_wait(&wb_cond, &wb_lock);
	pthread_mutex_unlock(&wb_lock);

	/* Meanwhile: the slot being written still loads from the pool... */
	unsigned long oldest = in_wb_slot;

	cr_assert_eq(oldest, st.writebacks, "expected the oldest entry written back");
	fill_text(page, oldest);
	cr_assert_eq(zswap_load(slot(oldest), back), 0, "expected the slot under writeback loaded");
	cr_assert_arr_eq(back, page, PAGE_SIZE, "expected its page");
	/* ...another slot is freed without waiting for the disk... */
	zswap_invalidate(slot(n - 1));
	cr_assert_eq(zswap_load(slot(n - 1), back), -ENOENT, "expected the freed slot gone");
	/* ...and a store to the slot being written waits for that write. */
	b.slot = oldest;
	pthread_create(&tb, NULL, store_thread, &b);
	usleep(50000);
	cr_assert(!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE),
		  "expected a store to a slot under writeback to wait for it");

	pthread_mutex_lock(&wb_lock);
	release_wb = true;
	pthread_cond_broadcast(&wb_cond);
	pthread_mutex_unlock(&wb_lock);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	cr_assert_eq(a.ret, 0, "expected the store that wrote back to succeed");
	cr_assert_eq(b.ret, 0, "expected the store after the writeback to succeed");
	fill_text(page, 5000);
	cr_assert_eq(zswap_load(slot(oldest), back), 0, "expected the slot's new page held");
	cr_assert_arr_eq(back, page, PAGE_SIZE, "expected the newer page, not the written back one");
	fill_text(page, 1000);
	cr_assert_eq(zswap_load(slot(1000), back), 0, "expected the first store's page held");
	cr_assert_arr_eq(back, page, PAGE_SIZE, "expected its page");
}
