/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * workingset.h - refault distance: does a page read back from swap belong
 * to the working set (workingset.c)?
 *
 * Locking: the caller holds mm->page_table_lock.
 */
#ifndef UPAGE_WORKINGSET_H
#define UPAGE_WORKINGSET_H

#include <stdbool.h>

#include "pgtable.h"

/* The page of @entry leaves memory (its frame is reclaimed): remember
 * when, in its slot's shadow. */
void workingset_eviction(swp_entry_t entry);
/*
 * The page of @entry comes back: was it evicted so recently that it
 * would have stayed resident with @nr_active more active pages (its
 * refault distance is within the active list)?
 */
bool workingset_refault(swp_entry_t entry, unsigned long nr_active);

#endif /* UPAGE_WORKINGSET_H */
