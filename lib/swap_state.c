// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swap_state.c - the swap cache, as Linux 2.4's mm/swap_state.c over the
 * page cache hash of mm/filemap.c, and the page lock (lock_page,
 * unlock_page, wait_on_page).
 *
 * The cache is a hash table of buckets, a power of two of them, each the
 * head of a chain linked through page->next_hash; the key is the swap
 * entry (page->swap.val).  A page is in it exactly when PG_swapcache is
 * set.
 *
 * Beside it, which address each slot's page had when it was given the
 * slot (swap_owner, set by vmscan.c): a hint, for swap-cluster readahead (memory.c), which
 * reads a slot's neighbours and maps each where its owner's PTE still
 * holds that slot; a stale owner fails that check and is skipped.
 *
 * Locking: the caller holds mm->page_table_lock for every function here;
 * it protects swap_hash (the buckets and chains), nr_swap_cache_pages,
 * slot_owner and the pages' PG_swapcache, PG_locked, swap and next_hash
 * fields.  The page
 * lock sleeps on the caller's condition variable with that mutex.
 */
#include "autoconfig.h"

#include "swap_state.h"

#include <errno.h>
#include <sys/resource.h>

#include "fault.h"
#include "mm.h"
#include "stats.h"
#include "swapfile.h"
#include "sys.h"

#define SWAP_HASH_MAX_BITS	30	/* a sanity bound on the table's size */

/* Per area, the owner of each slot's page (its page index in the arena
 * plus one; 0: none known), made at the first slot given (NORESERVE
 * pages: only the slots used cost memory). */
static uint32_t *slot_owner[MAX_SWAPFILES];
static size_t slot_owner_bytes[MAX_SWAPFILES];

/* Protected by page_table_lock (the caller's). */
static struct page **swap_hash;		/* 1 << swap_hash_bits chain heads */
static unsigned int swap_hash_bits;
static size_t swap_hash_bytes;
static unsigned long nr_swap_cache_pages;

/* Multiplicative (Fibonacci) hashing: the top bits of val * 2^32/phi. */
static inline unsigned long swap_hashfn(swp_entry_t entry)
{
	uint32_t h = entry.val * 0x9e3779b1u;

	return swap_hash_bits ? h >> (32 - swap_hash_bits) : 0;
}

static inline struct page **swap_bucket(swp_entry_t entry)
{
	return &swap_hash[swap_hashfn(entry)];
}

int swap_cache_init(unsigned long nr_pages)
{
	unsigned int bits = 0;
	struct page **table;
	size_t bytes;

	while ((1UL << bits) < nr_pages) {
		if (++bits > SWAP_HASH_MAX_BITS)
			return -ENOMEM;
	}
	bytes = PAGE_ALIGN(sizeof(*table) << bits);
	table = sys_alloc_pages(bytes);
	if (!table)
		return -ENOMEM;
	swap_cache_destroy();
	swap_hash = table;
	swap_hash_bits = bits;
	swap_hash_bytes = bytes;
	return 0;
}

/* Pages still cached are forgotten; their flags are the caller's. */
void swap_cache_destroy(void)
{
	sys_free_pages(swap_hash, swap_hash_bytes);
	swap_hash = NULL;
	swap_hash_bits = 0;
	swap_hash_bytes = 0;
	nr_swap_cache_pages = 0;
	for (int i = 0; i < MAX_SWAPFILES; i++) {
		sys_free_pages(slot_owner[i], slot_owner_bytes[i]);
		slot_owner[i] = NULL;
		slot_owner_bytes[i] = 0;
	}
}

/* Slots whose owner is kept: 16 GiB of swap per area (16 MiB of
 * addresses, NORESERVE); a slot beyond has none, and is not read ahead. */
#define OWNER_SLOTS_MAX	(1UL << 22)

void swap_set_owner(swp_entry_t entry, uint32_t owner)
{
	unsigned int type = swp_type(entry);
	struct swap_info_struct *si = type < MAX_SWAPFILES ? swap_info(type) : NULL;
	struct rlimit rl;

	if (!si || swp_offset(entry) >= OWNER_SLOTS_MAX)
		return;
	if (!slot_owner[type]) {
		size_t n = si->max_limit < OWNER_SLOTS_MAX ? si->max_limit : OWNER_SLOTS_MAX;
		size_t bytes = PAGE_ALIGN(n * sizeof(uint32_t));

		/* Under RLIMIT_AS the room is the arena's and the pool's
		 * (as_limit.c): no owners, no cluster readahead. */
		if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
			return;
		slot_owner[type] = sys_alloc_pages(bytes);
		if (!slot_owner[type])
			return;
		slot_owner_bytes[type] = bytes;
	}
	if (swp_offset(entry) < slot_owner_bytes[type] / sizeof(uint32_t))
		slot_owner[type][swp_offset(entry)] = owner;
}

uint32_t swap_owner(swp_entry_t entry)
{
	unsigned int type = swp_type(entry);

	if (type >= MAX_SWAPFILES || !slot_owner[type] ||
	    swp_offset(entry) >= slot_owner_bytes[type] / sizeof(uint32_t))
		return 0;
	return slot_owner[type][swp_offset(entry)];
}

struct page *lookup_swap_cache(swp_entry_t entry)
{
	struct page *page;

	if (!swap_hash)
		return NULL;
	for (page = *swap_bucket(entry); page; page = page->next_hash)
		if (page->swap.val == entry.val)
			return page;
	return NULL;
}

/* -EINVAL also covers an entry of 0 ("none") and a cache not set up. */
int add_to_swap_cache(struct page *page, swp_entry_t entry)
{
	struct page **bucket;

	if (!swap_hash || PageSwapCache(page) || swp_entry_none(entry))
		return -EINVAL;
	if (lookup_swap_cache(entry))
		return -EEXIST;
	bucket = swap_bucket(entry);
	page->swap = entry;
	page->next_hash = *bucket;
	*bucket = page;
	SetPageFlag(page, PG_swapcache);
	nr_swap_cache_pages++;
	return 0;
}

void delete_from_swap_cache(struct page *page)
{
	struct page **link;

	if (!PageSwapCache(page))
		return;
	ClearPageFlag(page, PG_swapcache);
	if (!swap_hash)
		return;		/* the table was destroyed under it */
	for (link = swap_bucket(page->swap); *link; link = &(*link)->next_hash) {
		if (*link == page) {
			*link = page->next_hash;
			page->next_hash = NULL;
			nr_swap_cache_pages--;
			return;
		}
	}
}

void free_page_and_swap_cache(struct mm_struct *mm, struct page *page)
{
	struct zone *z = mm->zone;

	if (PageSwapCache(page))
		delete_from_swap_cache(page);
	if (!PageMapped(page) && PageFlag(page, PG_uptodate))
		mm->engine->free_slot(page_address(z, page));
	del_page_from_lru(z, page);
	__free_page(z, page);
	stats_resident_add(-1);
}

unsigned long swap_cache_pages(void)
{
	return nr_swap_cache_pages;
}

void wait_on_page(struct page *page, pthread_mutex_t *lock, pthread_cond_t *wait)
{
	while (PageLocked(page))
		pthread_cond_wait(wait, lock);
}

void lock_page(struct page *page, pthread_mutex_t *lock, pthread_cond_t *wait)
{
	while (!TryLockPage(page))
		pthread_cond_wait(wait, lock);
}

void unlock_page(struct page *page, pthread_cond_t *wait)
{
	ClearPageFlag(page, PG_locked);
	pthread_cond_broadcast(wait);
}
