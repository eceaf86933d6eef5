/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zswap.h - a compressed tier in front of the swap areas, as Linux's
 * mm/zswap.c (2.4 had none; the names are the later kernel's).
 *
 * A page written to a swap slot is first offered to the pool
 * (zswap_store): compressed (lz4, or zstd), it stays in memory under its
 * slot, and the disk is not touched; a read of the slot (zswap_load) is
 * served from the pool when the page is there.  A page of one repeated
 * word is kept as that word (same-filled); a page that compresses to more
 * than ZSWAP_MAX_COMPRESSED bytes is refused (a reject) and goes to the
 * area.  When the pool is full, its oldest entries are written back to
 * their slots on the area (LRU writeback) to make room.
 *
 * The slot stays allocated on its area while its page is in the pool: the
 * pool is keyed by swap entry and holds the slot's contents, so the swap
 * count and swap cache rules are the area's, unchanged.  The slot's last
 * user gone (swap_free), zswap_invalidate drops the entry, before the slot
 * can be handed out again.  A store to a slot that has an entry replaces
 * it, and a refused store drops it: a stale copy is never loaded.
 *
 * The pool's memory (pool_bytes in all: entries, chunks of compressed
 * data, the lookup table) is taken once at zswap_init, outside the arena;
 * the runtime takes it off the resident cap, so the zone has that many
 * frames fewer.  Nothing here allocates after zswap_init.
 *
 * Locking: one pool lock protects everything here; it is taken inside
 * swap_lock (zswap_invalidate is called from swap_free with swap_lock
 * held), so no other lock is taken while holding it.  It is dropped for a
 * writeback's write, which goes straight to the area's backend through
 * the writepage function given to zswap_init; a store to a slot being
 * written back waits for that write first (zswap_store may sleep).
 */
#ifndef UPAGE_ZSWAP_H
#define UPAGE_ZSWAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "pgtable.h"

/* A page compressing to more than this goes to the area. */
#define ZSWAP_MAX_COMPRESSED	(PAGE_SIZE * 3 / 4)

/*
 * Write @buf (a page) to slot @entry of @area, without the pool: the
 * writeback of an entry.  @area is what the store was given.  0 or a
 * negative errno.  Called with the pool lock held: it must take no lock.
 */
typedef int (*zswap_writepage_fn)(void *area, swp_entry_t entry, const void *buf);

/*
 * Set up a pool of @pool_bytes (at least ZSWAP_MIN_POOL) compressing with
 * @comp, writing back through @writepage.  0, -EINVAL, -ENOMEM, or -EIO
 * when the compressor cannot be set up.
 */
#define ZSWAP_MIN_POOL		(64UL << 10)
int zswap_init(size_t pool_bytes, enum upage_compressor comp, zswap_writepage_fn writepage);
/* Forget every entry and give the pool's memory back (tests, exit). */
void zswap_destroy(void);
bool zswap_enabled(void);

/*
 * Keep @page (PAGE_SIZE bytes) as the contents of slot @entry of @area.
 * 0: stored (the area need not be written); -E2BIG: it compresses badly
 * (a reject); -ENOSPC: the pool is full and nothing could be written back;
 * -ENODEV: no pool.  On any error the slot has no entry (an older one is
 * dropped): the caller writes the page to the area.
 */
int zswap_store(void *area, swp_entry_t entry, const void *page);
/* Fill @page from the pool: 0, -ENOENT when the slot is not there, or
 * -EIO when its data does not decompress to a page (the area does not
 * have the page either: every read of the slot fails so). */
int zswap_load(swp_entry_t entry, void *page);
/* The slot is free: drop its entry, if any. */
void zswap_invalidate(swp_entry_t entry);

/*
 * In a forked child: the pool's lock is made anew, and the entries it
 * inherited (its parent's slots, on areas the child may not write) are
 * never written back: they stay until the child frees their slots.
 */
void zswap_fork_child(void);

/* The pool now, and what it did (also in upage_stats when it is set up). */
struct zswap_stats {
	uint64_t limit_bytes;		/* pool_bytes given to zswap_init */
	uint64_t pool_bytes;		/* bytes of compressed data held */
	uint64_t stored_pages;		/* entries, same-filled ones included */
	uint64_t same_filled;		/* entries kept as one word */
	uint64_t stores;		/* pages stored */
	uint64_t hits;			/* loads served */
	uint64_t rejects;		/* pages that compressed badly */
	uint64_t pool_full;		/* stores refused with nothing to write back */
	uint64_t writebacks;		/* entries written back to the area */
};
void zswap_get_stats(struct zswap_stats *st);

/* The resident cap of a zone of @frames frames: those and the pool, which
 * is part of the cap (the zone has the rest). */
uint64_t zswap_cap_bytes(unsigned long frames);

#endif /* UPAGE_ZSWAP_H */
