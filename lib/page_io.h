/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page_io.h - swap I/O, as Linux 2.4's mm/page_io.c (page_io.c): every
 * read and write of a swap slot goes through rw_swap_page, to the
 * backend of the slot's area.
 *
 * A backend is the area's address_space_operations (struct swap_aops):
 * how its slots are read and written.  Today's is the file or block
 * device the area was opened on; a compressed tier or remote memory is
 * one more set of operations on an area with no file (swapon_backend in
 * swapfile.h).  The interface is built for backends that batch and that
 * complete later: a request (struct swap_io) covers a run of consecutive
 * slots, is started by submit and finished by its end_io, which a
 * synchronous backend calls before submit returns and an asynchronous
 * one (io_uring) calls from wherever it reaps the completion; unplug
 * pushes out what a backend queued.  The callers here (swap_readpage,
 * swap_writepages) wait for their request, so the fault path and kswapd
 * are the same whatever the backend.
 *
 * Buffers are page aligned and a page each (O_DIRECT needs it).
 *
 * Locking: none of upage's locks is held across I/O (the caller holds
 * the pages PG_locked instead).  The area is looked up under swap_lock
 * (swapfile.c); reads_in_flight is an atomic counter.
 */
#ifndef UPAGE_PAGE_IO_H
#define UPAGE_PAGE_IO_H

#include <stdbool.h>
#include <sys/uio.h>

#include "config.h"
#include "pgtable.h"

struct swap_info_struct;
struct swap_io;

/* One request: @nr pages from or to the consecutive slots from @entry. */
struct swap_io {
	bool write;			/* to swap (else from it) */
	swp_entry_t entry;		/* the first slot */
	const struct iovec *iov;	/* @nr page-sized, page-aligned buffers */
	int nr;
	/* Called once, when the transfer is over, with 0 or a negative
	 * errno (-EIO for a short transfer); perhaps before submit returns,
	 * perhaps later from another thread. */
	void (*end_io)(struct swap_io *io, int err);
	void *private;			/* the submitter's */
};

/* address_space_operations of a swap area: its backend. */
struct swap_aops {
	const char *name;
	/* Start @io on area @si (whose slots it names); 0 when started
	 * (end_io will run), or a negative errno (end_io will not). */
	int (*submit)(struct swap_info_struct *si, struct swap_io *io);
	/* Optional: start what submit queued (a batch of requests). */
	void (*unplug)(struct swap_info_struct *si);
	/* Optional: slot @offset's last user is gone (swap_free, with
	 * swap_lock held: it must not block, nor take a lock of upage's). */
	void (*free_slot)(struct swap_info_struct *si, unsigned long offset);
};

/* The backend of an area opened on a file or a block device. */
extern const struct swap_aops swap_file_aops;

/*
 * Start @io on the backend of its slots' area: 0, -EINVAL when the slots
 * do not exist (nothing started), or the backend's error.
 */
int rw_swap_page(struct swap_io *io);

/*
 * Synchronous I/O, waiting for the request.  Return 0, -EINVAL for slots
 * that do not exist or a bad vector, -EIO on a short transfer, or the
 * negative errno of the transfer.
 */
int swap_readpage(swp_entry_t entry, void *buf);
int swap_writepage(swp_entry_t entry, const void *buf);
/* Read @n pages from the consecutive slots from @first (one request).
 * A page whose iov_base is swap_scratch_page()'s is a gap the caller does
 * not want (span readahead): read from the area whatever it holds, never
 * asked of the compressed tier, and not counted in io_read. */
int swap_readpages(swp_entry_t first, const struct iovec *iov, int n);
/* This thread's scratch page for such gaps, made when first asked for
 * (NULL when no memory). */
void *swap_scratch_page(void);
/* Write @n pages to the consecutive slots from @first (one request). */
int swap_writepages(swp_entry_t first, const struct iovec *iov, int n);

/*
 * Put the compressed tier (zswap.h) of @pool_bytes in front of every
 * area, its writeback through the areas' backends.  zswap_init's result.
 */
int swap_zswap_init(size_t pool_bytes, enum upage_compressor comp);

/* Say, once per area, that I/O on @entry failed with @err, naming the area. */
void swap_report_error(swp_entry_t entry, int err);

#endif /* UPAGE_PAGE_IO_H */
