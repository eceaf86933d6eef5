/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * swap_state.h - the swap cache and the page lock.
 *
 * The swap cache finds a resident page by its swap entry: a page being
 * written out, or read in, or unmapped but still in memory, is found here
 * instead of being read from disk again.  It is a hash table of
 * page->next_hash chains, sized at swap_cache_init, as 2.4's page hash
 * (find_get_page, add_to_page_cache).
 *
 * PG_locked is the page lock: set while a page is under I/O or changing
 * state.  Waiting uses the caller's mutex and condition variable (the mm's
 * page_table_lock and page_wait), as the kernel's wait queues.
 *
 * Locking: the caller holds mm->page_table_lock for everything here.
 */
#ifndef UPAGE_SWAP_STATE_H
#define UPAGE_SWAP_STATE_H

#include <pthread.h>
#include <stdbool.h>

#include "page_alloc.h"

/* Buckets: the next power of two >= @nr_pages.  Returns 0 or -ENOMEM. */
int swap_cache_init(unsigned long nr_pages);
void swap_cache_destroy(void);

/* find_get_page on the swap cache: the page holding @entry, or NULL. */
struct page *lookup_swap_cache(swp_entry_t entry);
/* Insert @page under @entry: sets page->swap and PG_swapcache.  Returns 0,
 * -EEXIST when another page has @entry, -EINVAL when @page is cached. */
int add_to_swap_cache(struct page *page, swp_entry_t entry);
/* Remove @page from the cache; clears PG_swapcache (the slot is kept:
 * freeing it is the caller's business). */
void delete_from_swap_cache(struct page *page);
unsigned long swap_cache_pages(void);
/* Whose page was given @entry's slot: its page index in the arena plus
 * one (vmscan.c says it when it gives a mapped page a slot), or 0 when
 * not known; a hint only (memory.c's cluster readahead checks the PTE). */
void swap_set_owner(swp_entry_t entry, uint32_t owner);
uint32_t swap_owner(swp_entry_t entry);

struct mm_struct;
/* 2.4's free_page_and_swap_cache: give @page's frame back to @mm's zone,
 * off its list and out of the swap cache (its slot is not freed), its
 * frame slot emptied by the engine.  Caller holds page_table_lock. */
void free_page_and_swap_cache(struct mm_struct *mm, struct page *page);

static inline bool TryLockPage(struct page *page)
{
	if (PageLocked(page))
		return false;
	SetPageFlag(page, PG_locked);
	return true;
}
/* Sleep on @wait (releasing @lock) until @page is unlocked. */
void wait_on_page(struct page *page, pthread_mutex_t *lock, pthread_cond_t *wait);
/* wait_on_page, then take PG_locked. */
void lock_page(struct page *page, pthread_mutex_t *lock, pthread_cond_t *wait);
/* Clear PG_locked and wake every waiter. */
void unlock_page(struct page *page, pthread_cond_t *wait);

#endif /* UPAGE_SWAP_STATE_H */
