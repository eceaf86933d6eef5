/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zone_cap.h - changing the resident cap of a running zone (zone_cap.c).
 *
 * The cap is the number of frames in service.  Lowering it takes free
 * frames out of service at once and owes the rest (reserve_debt): each
 * frame freed afterwards goes out of service instead of to the free list,
 * and kswapd, which sees the zone short of free frames, evicts until the
 * debt is paid.  Raising it puts frames back in service, then sets up new
 * descriptors, up to the ceiling (ceiling_frames) fixed when the zone
 * was made.
 *
 * Locking: the caller holds mm->page_table_lock, as for page_alloc.h.
 */
#ifndef UPAGE_ZONE_CAP_H
#define UPAGE_ZONE_CAP_H

#include "page_alloc.h"

/* The smallest cap: below it the watermarks leave nothing to fault with. */
#define ZONE_CAP_MIN_FRAMES	256	/* 1 MiB, CONFIG_MIN_MAX_RSS */

/*
 * Keep @frames frames in service, clamped to [ZONE_CAP_MIN_FRAMES,
 * ceiling_frames]; the watermarks follow.  Returns the cap now in force.  When
 * it returns, frames in service may still exceed it by reserve_debt: the
 * caller wakes kswapd to evict them.
 */
unsigned long zone_set_cap(struct zone *z, unsigned long frames);

/*
 * Lower the ceiling to @frames (an engine that cannot keep more mapped);
 * the cap comes down with it when above.  Returns the cap in force.
 */
unsigned long zone_set_ceiling(struct zone *z, unsigned long frames);

/* Frames in service now: set up, less those out of service. */
static inline unsigned long zone_frames_in_service(const struct zone *z)
{
	return z->nr_frames - z->nr_reserved_pages;
}

#endif /* UPAGE_ZONE_CAP_H */
