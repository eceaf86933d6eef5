// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uffd.c - the userfaultfd primitives both userfaultfd engines map pages
 * with: the handler-thread engine (fault_uffd.c) and the in-thread one
 * (fault_sigbus.c) differ only in how a fault reaches do_page_fault.
 *
 * Every region of the arena is registered for MISSING faults (a page
 * upage has not mapped) and WP faults (a write to a page mapped
 * write-protected because it is clean).
 *
 * Pages move between the arena and their frame slots with UFFDIO_MOVE,
 * which remaps the page without copying and is atomic against the
 * program's threads: a write either lands before the move or faults after
 * it.  A clean page going back into the arena is copied instead, since
 * only UFFDIO_COPY maps a page write-protected in the same step.
 * UFFDIO_MOVE only moves into registered ranges, so the frame pool is
 * registered too (MISSING); nothing touches an empty slot (swap-in reads
 * into a buffer of the faulting thread's, then UFFDIO_COPY), so no fault
 * is ever raised there.
 *
 * The userfaultfd is upage's own descriptor (ownfd.h): the program's
 * close, closefrom or dup2 over it moves it instead, and each use reads
 * its number between ownfd_enter and ownfd_exit.  A pager that loses it
 * anyway kills the program with a message (ownfd_lost): never zeros.
 *
 * Locking: the primitives are called under page_table_lock; the
 * descriptor is set at open (again in a forked child) and moved only as
 * ownfd.c says.
 */
#include "autoconfig.h"

#include "uffd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mm.h"
#include "ownfd.h"
#include "page_alloc.h"
#include "sys.h"

static int uffd = -1;		/* the process's userfaultfd (ownfd.h) */

static int open_uffd(bool user_mode_only, unsigned long long features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = (int)sys_syscall(SYS_userfaultfd,
			      O_CLOEXEC | O_NONBLOCK | (user_mode_only ? UFFD_USER_MODE_ONLY : 0));

	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

bool uffd_available(bool user_mode_only, unsigned long long features)
{
	int fd = open_uffd(user_mode_only, features);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int uffd_ioctl(unsigned long req, void *arg)
{
	int ret, tok = ownfd_enter();

	do {
		ret = ioctl(ownfd_get(&uffd), req, arg);
	} while (ret < 0 && errno == EAGAIN);
	ownfd_exit(tok);
	if (ret < 0 && errno == EBADF)
		ownfd_lost("userfaultfd", -EBADF);
	return ret < 0 ? -errno : 0;
}

static int uffd_register(uintptr_t start, size_t len, unsigned long long mode)
{
	struct uffdio_register reg = {
		.range = { .start = start, .len = len },
		.mode = mode,
	};

	return uffd_ioctl(UFFDIO_REGISTER, &reg);
}

int uffd_map_range(uintptr_t start, size_t len, int prot)
{
	void *p = sys_mmap((void *)start, len, prot,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	/* Huge pages would hide single pages from us. */
	sys_madvise((void *)start, len, MADV_NOHUGEPAGE);
	return uffd_register(start, len, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
}

int uffd_unmap_range(uintptr_t start, size_t len)
{
	void *p = sys_mmap((void *)start, len, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

int uffd_zap_range(uintptr_t start, size_t len)
{
	return sys_madvise((void *)start, len, MADV_DONTNEED) ? -errno : 0;
}

void uffd_wake(uintptr_t addr)
{
	struct uffdio_range range = { .start = addr, .len = PAGE_SIZE };

	uffd_ioctl(UFFDIO_WAKE, &range);
}

static int uffd_writeprotect(uintptr_t addr, bool wp)
{
	struct uffdio_writeprotect w = {
		.range = { .start = addr, .len = PAGE_SIZE },
		.mode = wp ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return uffd_ioctl(UFFDIO_WRITEPROTECT, &w);
}

int uffd_install_copy(uintptr_t addr, const void *src, bool wp)
{
	struct uffdio_copy copy = {
		.dst = addr,
		.src = (uintptr_t)src,
		.len = PAGE_SIZE,
		.mode = wp ? UFFDIO_COPY_MODE_WP : 0,
	};
	int ret = uffd_ioctl(UFFDIO_COPY, &copy);

	return ret;
}

/* The source of fault-around's zero pages: never written, so the kernel
 * backs it with its zero page and it costs no memory. */
#define ZERO_RUN_PAGES	64
static char zero_run[ZERO_RUN_PAGES * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/*
 * UFFDIO_COPY of @nr pages from @src (zeros, a chunk of ZERO_RUN_PAGES at
 * a time, when NULL) to @addr.  The kernel may stop part-way (a signal, or
 * a page someone mapped meanwhile: -EEXIST) and say how far it got; what
 * it mapped counts.
 */
long uffd_install_run(uintptr_t addr, const void *src, unsigned long nr, bool wp)
{
	size_t len = nr << PAGE_SHIFT, done = 0;

	while (done < len) {
		size_t chunk = src || len - done < sizeof(zero_run) ? len - done : sizeof(zero_run);
		struct uffdio_copy copy = {
			.dst = addr + done,
			.src = src ? (uintptr_t)src + done : (uintptr_t)zero_run,
			.len = chunk,
			.mode = wp ? UFFDIO_COPY_MODE_WP : 0,
		};
		int err;

		if (ioctl(uffd, UFFDIO_COPY, &copy) == 0) {
			done += chunk;
			continue;
		}
		err = errno;
		if (copy.copy > 0) {
			done += (size_t)copy.copy & PAGE_MASK;
			continue;
		}
		if (err == EAGAIN)
			continue;
		if (done)
			break;
		return -err;
	}
	return (long)(done >> PAGE_SHIFT);
}

static int uffd_move(uintptr_t dst, uintptr_t src, unsigned long long mode)
{
	struct uffdio_move mv = { .dst = dst, .src = src, .len = PAGE_SIZE, .mode = mode };

	return uffd_ioctl(UFFDIO_MOVE, &mv);
}

/*
 * Frame slots are emptied in batches.  MADV_DONTNEED of one page costs a
 * TLB shootdown on the CPU a thread of the program runs on (8.8 us a page
 * here with one running there, 1.1 us without), and it comes on the
 * fault path: a fault at pages_low frees a clean page for the frame it
 * takes.  process_madvise of a vector of slots flushes once for all of
 * them (Linux 6.16 on; PIDFD_SELF_THREAD_GROUP since 6.14): 0.5 us a page
 * for 32.  A slot waiting in the batch still holds its old page, which
 * nothing reads; only a move or copy into it needs it empty, and
 * uffd_unmap_page, the only one, empties the batch first when the slot
 * is in it (whether its old page is still there or not).  So the
 * pool holds at most SLOT_BATCH pages (128 KiB) more than its frames in
 * use.  Where the kernel refuses the vector (older, or a seccomp policy),
 * each slot is emptied at once, as before.
 *
 * Locking: page_table_lock, which every caller of the engine holds.
 */
#define SLOT_BATCH	32

#ifndef PIDFD_SELF_THREAD_GROUP
#define PIDFD_SELF_THREAD_GROUP	-10001
#endif

static struct iovec slot_batch[SLOT_BATCH];
static unsigned int nr_slot_batch;
static bool slot_batch_refused;

static void empty_slot_batch(void)
{
	size_t want = (size_t)nr_slot_batch << PAGE_SHIFT;
	long done;

	if (nr_slot_batch == 0)
		return;
	done = sys_syscall(SYS_process_madvise, PIDFD_SELF_THREAD_GROUP, slot_batch,
			   nr_slot_batch, MADV_DONTNEED, 0);
	if (done < 0)
		slot_batch_refused = true;
	if (done < 0 || (size_t)done != want)
		for (unsigned int i = 0; i < nr_slot_batch; i++)
			sys_madvise(slot_batch[i].iov_base, PAGE_SIZE, MADV_DONTNEED);
	nr_slot_batch = 0;
}

int uffd_free_slot(void *slot)
{
	if (slot_batch_refused)
		return sys_madvise(slot, PAGE_SIZE, MADV_DONTNEED) ? -errno : 0;
	slot_batch[nr_slot_batch++] = (struct iovec){ .iov_base = slot, .iov_len = PAGE_SIZE };
	if (nr_slot_batch == SLOT_BATCH)
		empty_slot_batch();
	return 0;
}

/*
 * Map a frame slot's page at @addr.  A page to be mapped write-protected
 * is copied in (UFFDIO_COPY_MODE_WP), not moved: UFFDIO_MOVE maps it
 * writable, and a write another thread made before UFFDIO_WRITEPROTECT
 * could follow would leave the page dirty while upage thinks it clean.
 * A slot whose page is shared with a forked child cannot be moved
 * (-EBUSY) and is copied too.
 */
static int install_by_copy(uintptr_t addr, void *slot, bool wp)
{
	int ret = uffd_install_copy(addr, slot, wp);

	if (ret == 0)
		uffd_free_slot(slot);
	return ret;
}

int uffd_install_move(uintptr_t addr, void *slot, bool wp)
{
	int ret;

	if (wp)
		return install_by_copy(addr, slot, true);
	ret = uffd_move(addr, (uintptr_t)slot, 0);
	if (ret == -EBUSY || ret == -EINVAL)
		ret = install_by_copy(addr, slot, false);
	return ret;
}

/*
 * Is the page at @addr mapped by this process alone?  /proc/self/pagemap
 * bit 56.  UFFDIO_MOVE refuses both a page shared with a forked child and
 * one pinned by I/O in flight (-EBUSY for each); only the first may be
 * dropped after a copy, since the pinned one is still being written.
 * Rare (after a fork), so pagemap is opened for each question rather than
 * kept open: a descriptor kept would be one more taken from the program.
 * No answer (out of descriptors): the page is taken as pinned, and stays.
 */
static bool page_shared(uintptr_t addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t entry;
	ssize_t n;

	if (fd < 0)
		return false;
	n = pread(fd, &entry, sizeof(entry), (addr / PAGE_SIZE) * sizeof(entry));
	close(fd);
	if (n != sizeof(entry))
		return false;
	return (entry & (1ULL << 63)) && !(entry & (1ULL << 56));
}

/*
 * UFFDIO_MOVE refuses a page that is not the process's alone (shared with
 * a child since fork: -EBUSY) and a region that is not read-write
 * (-EINVAL).  Those are copied instead: write-protected first, so that no
 * write lands between the copy and the drop (a writer faults and waits for
 * page_table_lock), then copied into the slot by the kernel, then dropped.
 * A page pinned by I/O in flight stays where it is (-EBUSY).
 */
static int unmap_page_by_copy(uintptr_t addr, void *slot)
{
	int ret = uffd_writeprotect(addr, true);

	if (ret)
		return ret;
	ret = uffd_install_copy((uintptr_t)slot, (const void *)addr, false);
	if (ret) {
		uffd_writeprotect(addr, false);
		return ret;
	}
	return uffd_zap_range(addr, PAGE_SIZE);
}

/* Is @slot waiting in the batch?  (At most SLOT_BATCH to look at.) */
static bool slot_batched(const void *slot)
{
	for (unsigned int i = 0; i < nr_slot_batch; i++)
		if (slot_batch[i].iov_base == slot)
			return true;
	return false;
}

int uffd_unmap_page(uintptr_t addr, void *slot)
{
	int ret;

	/* Emptied before it is filled: the batch's madvise would drop what
	 * goes in (see SLOT_BATCH). */
	if (slot_batched(slot))
		empty_slot_batch();
	ret = uffd_move((uintptr_t)slot, addr, 0);
	if (ret == -EINVAL || (ret == -EBUSY && page_shared(addr)))
		ret = unmap_page_by_copy(addr, slot);
	return ret;
}

/* The kernel's protection is the region's: missing pages still fault to
 * the handler, write-protected ones still raise WP faults. */
int uffd_protect_range(uintptr_t start, size_t len, int prot)
{
	return sys_mprotect((void *)start, len, prot) ? -errno : 0;
}

int uffd_unprotect(uintptr_t addr)
{
	return uffd_writeprotect(addr, false);
}

int uffd_register_range(uintptr_t start, size_t len)
{
	return uffd_register(start, len, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
}

int uffd_open(struct mm_struct *mm, bool user_mode_only, unsigned long long features)
{
	struct zone *z = mm->zone;
	int ret;

	uffd = open_uffd(user_mode_only, features);
	if (uffd < 0) {
		ret = uffd;
		uffd = -1;
		return ret;
	}
	ownfd_register(&uffd, "userfaultfd");
	/* Every frame the cap may ever put in service (zone_cap.c). */
	ret = uffd_register((uintptr_t)z->pool, z->max_frames << PAGE_SHIFT,
			    UFFDIO_REGISTER_MODE_MISSING);
	if (ret) {
		uffd_close();
		return ret;
	}
	return 0;
}

void uffd_close(void)
{
	ownfd_close(&uffd);
}

ssize_t uffd_read_msg(struct uffd_msg *msg)
{
	int tok = ownfd_enter();
	ssize_t n = read(ownfd_get(&uffd), msg, sizeof(*msg));
	int err = errno;

	ownfd_exit(tok);
	if (n < 0 && err != EAGAIN && err != EINTR)
		ownfd_lost("userfaultfd", -err);	/* never serve zeros */
	errno = err;
	return n;
}

int uffd_fd(void)
{
	return ownfd_get(&uffd);
}
