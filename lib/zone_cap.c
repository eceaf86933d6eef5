// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zone_cap.c - the resident cap of a running zone: frames out of service
 * and back.
 *
 * A frame out of service is PG_reserved, on the zone's reserved_list and
 * on none of the four lists, with its pool slot empty (a free frame's
 * slot is emptied when it is freed, memory.c's free_frame): it costs the
 * process nothing.  Lowering the cap reserves the free frames there are
 * and owes the rest, which __free_page (page_alloc.c) takes as pages are
 * evicted; raising it cancels the debt, puts reserved frames back, and
 * only then sets up descriptors never used before (zone_grow), so a
 * ceiling far above the cap costs address space, not memory.
 *
 * Locking: mm->page_table_lock, held by the caller.
 */
#include "autoconfig.h"

#include "zone_cap.h"

static void take_out_of_service(struct zone *z, struct page *page)
{
	SetPageFlag(page, PG_reserved);
	list_add(&page->list, &z->reserved_list);
	z->nr_reserved_pages++;
}

static void put_back_in_service(struct zone *z, struct page *page)
{
	list_del(&page->list);
	z->nr_reserved_pages--;
	ClearPageFlag(page, PG_reserved);
	page->lru = LRU_NONE;
	__free_page(z, page);
}

unsigned long zone_set_cap(struct zone *z, unsigned long frames)
{
	unsigned long in_service;

	if (frames > z->ceiling_frames)
		frames = z->ceiling_frames;
	if (frames < ZONE_CAP_MIN_FRAMES)
		frames = ZONE_CAP_MIN_FRAMES < z->ceiling_frames ? ZONE_CAP_MIN_FRAMES
								 : z->ceiling_frames;

	/* Forget what was owed: the sum below starts afresh. */
	z->reserve_debt = 0;
	in_service = zone_frames_in_service(z);
	while (in_service < frames && !list_empty(&z->reserved_list)) {
		put_back_in_service(z, list_first_entry(&z->reserved_list, struct page, list));
		in_service++;
	}
	if (in_service < frames)
		zone_grow(z, z->nr_frames + (frames - in_service));
	while (zone_frames_in_service(z) > frames) {
		struct page *page = rmqueue(z);

		if (!page) {
			z->reserve_debt = zone_frames_in_service(z) - frames;
			break;
		}
		take_out_of_service(z, page);
	}
	z->cap_frames = frames;
	zone_set_watermarks(z, frames);
	return frames;
}

unsigned long zone_set_ceiling(struct zone *z, unsigned long frames)
{
	if (frames < z->ceiling_frames)
		z->ceiling_frames = frames;
	if (z->cap_frames > z->ceiling_frames)
		return zone_set_cap(z, z->ceiling_frames);
	return z->cap_frames;
}
