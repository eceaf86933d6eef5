/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inactive_target.h - how deep the inactive dirty list is kept, adapted to
 * what depth buys (inactive_target.c).  Caller holds page_table_lock.
 */
#ifndef UPAGE_INACTIVE_TARGET_H
#define UPAGE_INACTIVE_TARGET_H

#include "page_alloc.h"

/* Decisions are taken every INACTIVE_WINDOW events. */
#define INACTIVE_WINDOW		64

/* The program freed (zapped) @page while it sat on an inactive list. */
void inactive_target_freed(struct zone *z, const struct page *page);
/* A minor fault took @page back from an inactive list. */
void inactive_target_rescued(struct zone *z, const struct page *page);
/* The target, at most inactive_target_max. */
unsigned long inactive_target(const struct zone *z);
/* Its ceiling: a quarter of the cap (2.4's num_physpages / 4). */
unsigned long inactive_target_max(const struct zone *z);
/* How many pages refill_inactive_scan should deactivate this round: one
 * cluster, plus what the inactive dirty list lacks of the target, at most
 * INACTIVE_REFILL_MAX in all. */
unsigned int inactive_refill_count(const struct zone *z);

#endif /* UPAGE_INACTIVE_TARGET_H */
