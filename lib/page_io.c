// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * page_io.c - swap I/O, as Linux 2.4's mm/page_io.c: rw_swap_page hands a
 * request for a run of slots to its area's backend (struct swap_aops, the
 * paper's address_space_operations); swap_readpage and swap_writepages
 * are the synchronous forms the fault path and kswapd use.
 *
 * The file backend (swap_file_aops) reads and writes the area's file or
 * block device.  It is O_DIRECT where the file system allows it; where it
 * does not (SWP_DIRECT clear), a write is written back at once and
 * dropped from the page cache (sync_file_range, POSIX_FADV_DONTNEED), so
 * the data does not stay in memory and a write-back error is reported to
 * the caller.  Runs of several pages go through the system call trap's
 * trampoline (sys_preadv, sys_pwritev): kswapd runs with every signal
 * blocked, and the filter traps readv-style calls always.
 *
 * The compressed tier (zswap.c), when there is one, sits in front of
 * every area, as zswap in front of the kernel's swap: swap_writepages
 * offers each page to it first and writes only those it refuses;
 * swap_readpage reads the area only when the pool does not hold the slot.
 * Its writeback comes back here, straight to the area's backend.
 *
 * A synchronous caller waits on its own request (struct io_wait): a
 * futex word that end_io sets, woken only if the caller went to sleep, so
 * a backend that completes inside submit costs no system call more.
 *
 * The area's descriptor is upage's own (ownfd.h): the file backend reads
 * its number between ownfd_enter and ownfd_exit, around the system call.
 * Each call's time goes into the io_read / io_write histograms, per page.
 *
 * Locking: no upage lock is held here; the area is found under swap_lock
 * (swap_info_get) and its flags and backend never change while it is in
 * use (its fd changes only as ownfd.c moves it).
 */
#include "autoconfig.h"

#include "page_io.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ownfd.h"
#include "stats.h"
#include "swapfile.h"
#include "sys.h"
#include "zswap.h"

/* ---- the file backend ------------------------------------------------ */

/*
 * Buffered I/O only: write the range back and drop it from the page cache,
 * so the data leaves memory as it would with O_DIRECT.  The write-back is
 * waited for, so that its error is reported here and not lost.
 */
static int drop_written(int fd, off_t pos, size_t len)
{
	unsigned int how = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
			   SYNC_FILE_RANGE_WAIT_AFTER;

	if (sync_file_range(fd, pos, (off_t)len, how) < 0 && errno != ESPIPE)
		return -errno;
	posix_fadvise(fd, pos, (off_t)len, POSIX_FADV_DONTNEED);
	return 0;
}

/* 0, -EIO for a short transfer of @want bytes, or the call's -errno. */
static int io_result(ssize_t done, size_t want)
{
	if (done < 0)
		return -errno;
	return (size_t)done == want ? 0 : -EIO;
}

static ssize_t file_transfer(int fd, const struct swap_io *io, off_t pos)
{
	const struct iovec *v = io->iov;

	if (io->nr > 1)
		return io->write ? sys_pwritev(fd, v, io->nr, pos) : sys_preadv(fd, v, io->nr, pos);
	return io->write ? pwrite(fd, v->iov_base, PAGE_SIZE, pos)
			 : pread(fd, v->iov_base, PAGE_SIZE, pos);
}

/* A page-aligned page per thread for the gaps of a span read. */
static TLS char *scratch_page;

void *swap_scratch_page(void)
{
	if (!scratch_page)
		scratch_page = sys_alloc_pages(PAGE_SIZE);
	return scratch_page;
}

static bool is_gap(const struct iovec *v)
{
	return scratch_page && v->iov_base == scratch_page;
}

/* The pages of @io its caller wants: all but the gaps. */
static int pages_wanted(const struct swap_io *io)
{
	int n = 0;

	if (io->write)
		return io->nr;
	for (int i = 0; i < io->nr; i++)
		n += !is_gap(&io->iov[i]);
	return n;
}

static int file_submit(struct swap_info_struct *si, struct swap_io *io)
{
	off_t pos = (off_t)swp_offset(io->entry) << PAGE_SHIFT;
	size_t len = (size_t)io->nr << PAGE_SHIFT;
	uint64_t t0;
	ssize_t n;
	int err, fd, tok = ownfd_enter();

	fd = ownfd_get(&si->fd);
	t0 = latency_now();
	do
		n = file_transfer(fd, io, pos);
	while (n < 0 && errno == EINTR);
	err = io_result(n, len);
	if (!err && io->write && !(si->flags & SWP_DIRECT))
		err = drop_written(fd, pos, len);
	ownfd_exit(tok);
	/* Each page of the call took as long as the call (a gap read into
	 * the scratch page is no page read). */
	if (!err)
		latency_record_n(io->write ? UPAGE_LAT_IO_WRITE : UPAGE_LAT_IO_READ,
				 latency_now() - t0, (uint64_t)pages_wanted(io));
	io->end_io(io, err);
	return 0;
}

const struct swap_aops swap_file_aops = {
	.name = "file",
	.submit = file_submit,
};

/* ---- requests -------------------------------------------------------- */

static bool io_valid(const struct swap_io *io)
{
	if (!io || !io->iov || io->nr <= 0 || io->nr > IOV_MAX || !io->end_io)
		return false;
	for (int i = 0; i < io->nr; i++)
		if (io->iov[i].iov_len != PAGE_SIZE)
			return false;
	return true;
}

/* Start @io on area @si's backend, found already. */
static int __rw_swap_page(struct swap_info_struct *si, struct swap_io *io)
{
	const struct swap_aops *aops = si->aops ? si->aops : &swap_file_aops;

	return aops->submit(si, io);
}

int rw_swap_page(struct swap_io *io)
{
	struct swap_info_struct *si;

	if (!io_valid(io))
		return -EINVAL;
	si = swap_info_get(io->entry, (unsigned long)io->nr);
	if (!si)
		return -EINVAL;
	return __rw_swap_page(si, io);
}

/* A synchronous request and its completion (see the top of the file). */
struct io_wait {
	struct swap_io io;
	int state;		/* IO_PENDING, IO_SLEEPING, IO_DONE */
	int err;
};

enum { IO_PENDING, IO_SLEEPING, IO_DONE };

static void end_io_wake(struct swap_io *io, int err)
{
	struct io_wait *w = io->private;

	w->err = err;
	if (__atomic_exchange_n(&w->state, IO_DONE, __ATOMIC_ACQ_REL) == IO_SLEEPING)
		sys_syscall(SYS_futex, &w->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static int wait_on_io(struct io_wait *w)
{
	int s = IO_PENDING;

	if (__atomic_compare_exchange_n(&w->state, &s, IO_SLEEPING, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		while (__atomic_load_n(&w->state, __ATOMIC_ACQUIRE) != IO_DONE)
			sys_syscall(SYS_futex, &w->state, FUTEX_WAIT_PRIVATE, IO_SLEEPING, NULL, NULL,
				0);
	return w->err;
}

/* @si: the slots' area, when the caller found it (NULL: look it up). */
static int sync_io(struct swap_info_struct *si, bool write, swp_entry_t entry,
		   const struct iovec *iov, int n)
{
	struct io_wait w = { .state = IO_PENDING };
	int ret;

	w.io = (struct swap_io){ .write = write, .entry = entry, .iov = iov, .nr = n,
				 .end_io = end_io_wake, .private = &w };
	ret = si ? __rw_swap_page(si, &w.io) : rw_swap_page(&w.io);
	return ret ? ret : wait_on_io(&w);
}

/* ---- the compressed tier (zswap.c) in front of the areas -------------- */

/* zswap's writeback: straight to the area's backend, taking no lock. */
static int zswap_writeback_page(void *area, swp_entry_t entry, const void *buf)
{
	struct iovec v = { .iov_base = (void *)buf, .iov_len = PAGE_SIZE };

	return sync_io(area, true, entry, &v, 1);
}

int swap_zswap_init(size_t pool_bytes, enum upage_compressor comp)
{
	return zswap_init(pool_bytes, comp, zswap_writeback_page);
}

/*
 * Offer @n pages for the consecutive slots from @first to the pool, and
 * write those it refuses, in runs of consecutive slots, to the area.
 */
static int zswap_writepages(struct swap_info_struct *si, swp_entry_t first,
			    const struct iovec *iov, int n)
{
	bool stored[IOV_MAX];
	int i = 0, ret = 0;

	for (int k = 0; k < n; k++)
		stored[k] = zswap_store(si, swp_entry(swp_type(first), swp_offset(first) + k),
					iov[k].iov_base) == 0;
	while (i < n && !ret) {
		int j;

		if (stored[i]) {
			i++;
			continue;
		}
		for (j = i + 1; j < n && !stored[j]; j++)
			;
		ret = sync_io(si, true, swp_entry(swp_type(first), swp_offset(first) + i),
			      iov + i, j - i);
		i = j;
	}
	return ret;
}

/* Reads under way now, for max_reads_in_flight. */
static uint64_t reads_in_flight;

/* The compressed tier's copy of @e into @buf, timed (zswap_load's
 * answer: 0, -ENOENT when the tier does not hold it, or its error). */
static int tier_load(swp_entry_t e, void *buf)
{
	uint64_t t0 = latency_now();
	int ret = zswap_load(e, buf);

	if (ret == 0)
		latency_record_since(UPAGE_LAT_ZSWAP_LOAD, t0);
	return ret;
}

/* A read from the area itself, counted while under way. */
static int area_read(swp_entry_t first, const struct iovec *iov, int n)
{
	int ret;

	count_in_flight(&reads_in_flight, max_reads_in_flight, 1);
	ret = sync_io(NULL, false, first, iov, n);
	count_in_flight(&reads_in_flight, max_reads_in_flight, -1);
	return ret;
}

int swap_readpage(swp_entry_t entry, void *buf)
{
	struct iovec v = { .iov_base = buf, .iov_len = PAGE_SIZE };

	return swap_readpages(entry, &v, 1);
}

/*
 * A run of @n slots from @first (one page, or readahead): the pages the
 * compressed tier holds come from it (the area's copy of such a slot is
 * not the page), the others from the area, a request per run of them.
 */
int swap_readpages(swp_entry_t first, const struct iovec *iov, int n)
{
	int ret = 0, i = 0, j;

	if (!iov || n <= 0 || n > IOV_MAX)
		return -EINVAL;
	while (i < n && !ret) {
		for (j = i; j < n; j++) {
			if (is_gap(&iov[j]))
				continue;	/* the area's, whatever it holds */
			ret = tier_load(swp_entry(swp_type(first), swp_offset(first) + j),
					iov[j].iov_base);
			if (ret != -ENOENT)
				break;
			ret = 0;
		}
		/* [i, j) are the area's; j, if any, came from the tier or failed */
		if (j > i && !ret)
			ret = area_read(swp_entry(swp_type(first), swp_offset(first) + i), iov + i,
					j - i);
		i = j + 1;
	}
	return ret;
}

int swap_writepage(swp_entry_t entry, const void *buf)
{
	struct iovec v = { .iov_base = (void *)buf, .iov_len = PAGE_SIZE };

	return swap_writepages(entry, &v, 1);
}

int swap_writepages(swp_entry_t first, const struct iovec *iov, int n)
{
	struct swap_info_struct *si;

	if (!zswap_enabled())
		return sync_io(NULL, true, first, iov, n);
	if (n <= 0 || n > IOV_MAX || !iov)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		if (iov[i].iov_len != PAGE_SIZE)
			return -EINVAL;
	si = swap_info_get(first, (unsigned long)n);
	if (!si)
		return -EINVAL;
	return zswap_writepages(si, first, iov, n);
}

void swap_report_error(swp_entry_t entry, int err)
{
	static unsigned long long reported;	/* areas already named */
	unsigned int type = swp_type(entry);
	struct swap_info_struct *si = swap_info(type);

	if (err == -EBADF)
		ownfd_lost("swap area", err);	/* not an I/O error: the program closed it */
	if (__atomic_fetch_or(&reported, 1ULL << type, __ATOMIC_RELAXED) & (1ULL << type))
		return;
	upage_msg("I/O error on swap area %s (slot %lu): %s", si ? si->path : "?",
		  swp_offset(entry), strerrordesc_np(-err));
}
