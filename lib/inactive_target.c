// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inactive_target.c - how long a page sits unmapped before it is written.
 *
 * refill_inactive_scan unmaps a cluster a round and page_launder writes a
 * cluster a round, so with no more than that the inactive dirty list is
 * nearly empty and a page is written within a round or two of being
 * unmapped.  A deeper list gives a page time to be freed by the program
 * (jemalloc's purge, an old dict table, munmap) or touched again before
 * its write: the write is saved, as in the kernel, whose inactive list is
 * deep.  But every page on it is unmapped, and under uniform random
 * access a deeper list buys nothing (each swap-in still needs one frame,
 * so as many pages are written) and costs a minor fault for every touch
 * of an unmapped page (under uffd two thread hand-offs each): measured,
 * a target of cap/4 cut python3-dict's writes by a third and made
 * pagebench random 12-17% slower (bench/RESULTS.md).
 *
 * 2.4 sized its inactive target from memory_pressure, a decaying count of
 * page allocations (about one second's worth, at most a quarter of
 * memory).  Here the rate says nothing about which of the two programs
 * runs, so the target follows what the list's pages end as instead:
 *
 *   - freed by the program while inactive (still unwritten: a write
 *     saved; written and not yet reclaimed: a write a deeper list would
 *     have saved) -> depth pays: the target grows by half (at least a
 *     cluster), up to a quarter of the cap;
 *   - taken back by a minor fault -> depth costs: the target halves, to
 *     nothing (main's one cluster a round).
 *
 * Each INACTIVE_WINDOW of these events the larger count wins.  Uniform
 * random access frees nothing and keeps the target at zero; a program
 * that frees what it recently used keeps it up.  A minor fault is not
 * counted as a saving though it may save a write: under uniform access it
 * does not (another page is written instead), and the freed pages alone
 * are the evidence that depth, not luck, saved the write.
 *
 * Locking: page_table_lock protects the zone's target and window counts.
 */
#include "autoconfig.h"

#include "inactive_target.h"

#include "vmscan.h"

/* At most this many pages deactivated a round (the measured variant's). */
#define INACTIVE_REFILL_MAX	(8 * SWAP_CLUSTER_MAX)

unsigned long inactive_target_max(const struct zone *z)
{
	return z->cap_frames / 4;
}

unsigned long inactive_target(const struct zone *z)
{
	unsigned long max = inactive_target_max(z);

	/* The cap may have been lowered since the target grew. */
	return z->inactive_target < max ? z->inactive_target : max;
}

static void inactive_target_grow(struct zone *z)
{
	unsigned long t = inactive_target(z), step = t / 2, max = inactive_target_max(z);

	if (step < SWAP_CLUSTER_MAX)
		step = SWAP_CLUSTER_MAX;
	z->inactive_target = t + step < max ? t + step : max;
}

static void inactive_target_shrink(struct zone *z)
{
	unsigned long t = inactive_target(z) / 2;

	z->inactive_target = t < SWAP_CLUSTER_MAX ? 0 : t;
}

/* A window is full: move the target the way its larger count says. */
static void inactive_target_decide(struct zone *z)
{
	if (z->inactive_freed + z->inactive_rescued < INACTIVE_WINDOW)
		return;
	if (z->inactive_freed > z->inactive_rescued)
		inactive_target_grow(z);
	else
		inactive_target_shrink(z);
	z->inactive_freed = 0;
	z->inactive_rescued = 0;
}

void inactive_target_freed(struct zone *z, const struct page *page)
{
	if (!PageInactive(page))
		return;
	z->inactive_freed++;
	inactive_target_decide(z);
}

void inactive_target_rescued(struct zone *z, const struct page *page)
{
	if (!PageInactive(page))
		return;
	z->inactive_rescued++;
	inactive_target_decide(z);
}

unsigned int inactive_refill_count(const struct zone *z)
{
	unsigned long t = inactive_target(z), have = z->nr_inactive_dirty_pages;
	unsigned long lack = t > have ? t - have : 0;

	if (lack > INACTIVE_REFILL_MAX - SWAP_CLUSTER_MAX)
		lack = INACTIVE_REFILL_MAX - SWAP_CLUSTER_MAX;
	return (unsigned int)(SWAP_CLUSTER_MAX + lack);
}
