// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * workingset.c - refault distance, as Linux's mm/workingset.c.
 *
 * Each eviction ticks a clock, and the slot of an evicted page remembers
 * the tick (its shadow).  When the page faults back in, the evictions
 * since tell whether it would have stayed resident had the active list
 * been a little longer:
 * then it is part of the working set and comes back active; otherwise it
 * is one more page of a stream and comes back on probation.  Without
 * this, a loop over data larger than the cap looks as hot as a small set
 * reused every moment, since both come back through swap-ins.
 *
 * Shadows are per slot, in arrays of the areas' full size reserved
 * without backing (only the slots used cost memory).
 *
 * Locking: the caller holds page_table_lock, which protects eviction_clock
 * and the shadows.
 */
#include "autoconfig.h"

#include "workingset.h"

#include <stdint.h>

#include "swapfile.h"
#include "sys.h"

static uint32_t eviction_clock;
static uint32_t *shadow[MAX_SWAPFILES];

static uint32_t *shadow_slot(swp_entry_t entry)
{
	unsigned int type = swp_type(entry);
	struct swap_info_struct *si = swap_info(type);

	if (!si)
		return NULL;
	if (!shadow[type])
		shadow[type] = sys_alloc_pages(PAGE_ALIGN(si->max_limit * sizeof(uint32_t)));
	if (!shadow[type] || swp_offset(entry) >= si->max_limit)
		return NULL;
	return &shadow[type][swp_offset(entry)];
}

void workingset_eviction(swp_entry_t entry)
{
	uint32_t *s = shadow_slot(entry);

	if (s)
		*s = ++eviction_clock;
}

bool workingset_refault(swp_entry_t entry, unsigned long nr_active)
{
	uint32_t *s = shadow_slot(entry);

	if (!s || !*s)
		return false;
	return eviction_clock - *s <= nr_active;
}

