/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memcached_copies.h - the two versioned copies of each page of a
 * memcached area: read (the first good one, else the other), written
 * (on two servers up, in ring order), and made again when one is lost.
 *
 * Locking: a slot is read and written under its page's lock
 * (PG_locked); its metadata word is replaced with compare-and-swap, and
 * re-replication loses the race to any write of the slot.
 */
#ifndef UPAGE_MEMCACHED_COPIES_H
#define UPAGE_MEMCACHED_COPIES_H

#include "memcached_area.h"
#include "page_io.h"

/* A read or a write of @io's slots (the area's swap_aops.submit). */
int mc_read(struct mc_area *a, struct swap_io *io);
int mc_write(struct mc_area *a, struct swap_io *io);
/*
 * The area's thread: give every page of @a with a copy lost a new one,
 * read from its good copy into @page.  False when it should be run again.
 */
bool area_repair(struct mc_area *a, void *page);

#endif /* UPAGE_MEMCACHED_COPIES_H */
