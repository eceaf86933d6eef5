/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * swapfile.h - swap areas (swap_info_struct) and their slots.
 *
 * An area is a swap file upage creates (private: O_TMPFILE, or created
 * O_EXCL|O_NOFOLLOW mode 0600 and unlinked at once, so nothing is left
 * behind even after kill -9) or an existing block device.  Slot 0 is never
 * handed out, so a swap entry of 0 means "none".  A file area grows on
 * demand (ftruncate) up to its limit; a device has a fixed size.
 *
 * get_swap_page allocates from the area of highest priority that has room,
 * round robin among areas of equal priority, and clusters: it hands out
 * consecutive slots while it can (SWAPFILE_CLUSTER of them), so pages
 * written together are contiguous on disk.  Each slot has a reference count
 * (swap_map) because after fork two processes may share one.
 *
 * An area's slots are read and written by its backend (page_io.h): the
 * file or device it was opened on, or the operations swapon_backend gave
 * it.  A file is opened O_DIRECT where its file system allows.
 *
 * Locking: swap_lock (internal) protects every area's swap_map, counters
 * and the area list; I/O is done without it.
 */
#ifndef UPAGE_SWAPFILE_H
#define UPAGE_SWAPFILE_H

#include <limits.h>
#include <stdbool.h>

#include "pgtable.h"

#define SWAP_MAP_MAX		0x7fff	/* most users of one slot */
#define SWAP_MAP_BAD		0x8000	/* slot unusable (I/O error) */
#define SWAPFILE_CLUSTER	256

/* swap_info_struct.flags */
#define SWP_USED	0x01	/* the entry is in use */
#define SWP_WRITEOK	0x02	/* slots may be allocated */
#define SWP_BLKDEV	0x04	/* a block device: fixed size */
#define SWP_DIRECT	0x08	/* opened O_DIRECT */
#define SWP_GIVEN	0x10	/* a file of fixed size handed over (upaged's extent) */

struct swap_aops;

struct swap_info_struct {
	unsigned int flags;
	int prio;			/* higher is used first */
	int fd;				/* the file or device; -1 for another backend */
	const struct swap_aops *aops;	/* the backend; NULL: the file's (page_io.c) */
	void *private;			/* the backend's */
	char path[PATH_MAX];		/* as the user named it, for messages */
	unsigned short *swap_map;	/* max_limit counters */
	unsigned long max;		/* slots backed by the file now */
	unsigned long max_limit;	/* slots it may grow to */
	unsigned long inuse_pages;	/* slots with a count > 0 (slot 0 excluded) */
	unsigned long lowest_bit;	/* no free slot below this */
	unsigned long highest_bit;	/* no free slot above this */
	unsigned long cluster_next;	/* next slot of the current cluster */
	unsigned long cluster_nr;	/* slots left in the current cluster */
};

/*
 * Add a swap area.  @path is an existing block device, an existing
 * regular file of fixed size (mode 0600, not a symlink), an existing
 * directory (a private file is made in it), or a path that does not exist
 * yet (created there, then unlinked).  A device or an existing file is
 * used only when it is blank, carries a swap signature (mkswap: its header
 * page, slot 0, is left intact), or swap_set_force said so; an existing
 * file also needs the signature or the force.  @max_bytes caps a new
 * file's growth (0: the largest a swap entry can address).  Returns the
 * area's type (>= 0) or a negative errno: -EEXIST when @path is a symlink
 * or an existing file or device refused for what it holds (swapon_why
 * says what), -ENOSPC when MAX_SWAPFILES areas are in use, or the error
 * of open/ioctl.
 */
int swapon(const char *path, int prio, unsigned long long max_bytes);
/* UPAGE_SWAP_FORCE: use a device or existing file whatever it holds.  Set
 * at start-up, before swapon. */
void swap_set_force(bool force);
/* Why the last swapon refused its path ("" when it gave no reason);
 * start-up only. */
const char *swapon_why(void);

/* What an area holds (swap_probe.c): the descriptor is the area's. */
#define SWAP_PROBE_EMPTY	0	/* no signature */
#define SWAP_PROBE_SWAP		1	/* a swap signature (mkswap) */
#define SWAP_PROBE_OTHER	2	/* anything else: @what names it */
int swap_probe(int fd, char *what, size_t len);
/*
 * Add the regular file open on @fd, of fixed size, as an area named @name
 * (for messages) of priority @prio: an extent upaged handed over.  The
 * area owns @fd from then on, also on failure.  Returns the type or a
 * negative errno (-EINVAL: not a file of at least two pages).
 */
int swapon_fd(int fd, const char *name, int prio);
/*
 * Add an area of @nr_slots slots (slot 0 unused) whose I/O is @aops's,
 * with @private for the backend; @name names it in messages.  Returns the
 * type or a negative errno (-EINVAL, -ENOSPC when MAX_SWAPFILES areas are
 * in use, -ENOMEM).
 */
int swapon_backend(const char *name, const struct swap_aops *aops, void *private,
		   unsigned long nr_slots, int prio);
/*
 * No more slots from the areas there are now: they stay readable.  A
 * forked child does this to its parent's areas, which it shares (and must
 * not write) before it adds one of its own.
 */
void swap_freeze_all(void);
/* Remove every area and close its file (at exit and between tests). */
void swapoff_all(void);

/* The area of @type, or NULL. */
struct swap_info_struct *swap_info(unsigned int type);
int nr_swapfiles(void);

/*
 * Allocate a slot with a count of 1.  Returns 0 and stores the entry, or
 * -ENOSPC when every area is full and none can grow (-EIO if growing a
 * file failed with an I/O error).
 */
int get_swap_page(swp_entry_t *entry);
/* One more user of @entry (fork).  Returns 0, -EINVAL for a bad entry or
 * a free slot, -EOVERFLOW at SWAP_MAP_MAX. */
int swap_duplicate(swp_entry_t entry);
/* One user fewer; the slot is free at 0.  Returns 0 or -EINVAL. */
int swap_free(swp_entry_t entry);
/* The slot's count (0 when free or invalid). */
int swap_count(swp_entry_t entry);
/* Mark the slot unusable after an I/O error; its count is kept until freed. */
void swap_mark_bad(swp_entry_t entry);
/* Free slots that are allocatable now, over all areas (growth excluded). */
unsigned long nr_free_swap_pages(void);
/* Slots in use, over all areas (a forked child counts its parent's). */
unsigned long nr_used_swap_pages(void);

/*
 * The name of the RAM-backed file system @path lies on ("tmpfs", "ramfs"),
 * or NULL when it is on anything else (or cannot be looked at).  A path
 * that does not exist yet is judged by its directory.  A swap file there
 * is memory: the cap would cap nothing.
 */
const char *swap_ram_backed(const char *path);

/* For messages: the name of the area new slots come from first (the
 * writable one of highest priority), or of any area; "?" without one. */
const char *swap_area_name(void);

/* For I/O: the area of the @nr consecutive slots from @first, or NULL
 * when they do not all exist.  The area stays until swapoff_all. */
struct swap_info_struct *swap_info_get(swp_entry_t first, unsigned long nr);

#endif /* UPAGE_SWAPFILE_H */
