// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fault_uffd.c - the userfaultfd engine.
 *
 * Every region of the arena is registered for MISSING faults (a page
 * upage has not mapped) and WP faults (a write to a page mapped
 * write-protected because it is clean).  Handler threads read the faults
 * and run do_page_fault, several at once; faults the kernel takes inside
 * system calls (read(2) into a paged-out buffer) arrive here like any
 * other, so they just work.
 *
 * Pages move between the arena and their frame slots with UFFDIO_MOVE,
 * which remaps the page without copying and is atomic against the
 * program's threads: a write either lands before the move or faults after
 * it.  A clean page going back into the arena is copied instead, since
 * only UFFDIO_COPY maps a page write-protected in the same step.
 * UFFDIO_MOVE only moves into registered ranges, so the frame pool is
 * registered too (MISSING); nothing touches an empty slot (swap-in reads
 * into a buffer of the handler's, then UFFDIO_COPY), so no fault is ever
 * raised there.
 *
 * Locking: the primitives are called under page_table_lock; the uffd
 * descriptor and the handlers' epoll descriptors are set once at init
 * (again in a forked child).
 */
#include "autoconfig.h"

#include "fault_uffd.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/epoll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "memory.h"
#include "stats.h"
#include "swapfile.h"
#include "sys.h"

/* Newer than the Debian 12 headers (Linux 6.8). */
#ifndef UFFD_FEATURE_MOVE
#define UFFD_FEATURE_MOVE	(1ULL << 16)
#define _UFFDIO_MOVE		0x05
struct uffdio_move {
	__u64 dst;
	__u64 src;
	__u64 len;
	__u64 mode;
	__s64 move;
};
#define UFFDIO_MOVE		_IOWR(UFFDIO, _UFFDIO_MOVE, struct uffdio_move)
#endif

/*
 * Handler threads: several, so that faults of different threads are
 * served at once (one waits on a swap read while another maps a page).
 * Each waits in an epoll instance of its own holding the uffd with
 * EPOLLEXCLUSIVE, so a fault wakes one idle handler, not all of them,
 * and reads one message at a time, so no handler sits on faults another
 * could serve.
 */
#define NR_HANDLERS	4

static int uffd = -1;			/* the userfaultfd */
static struct mm_struct *uffd_mm;	/* whose faults it serves */
static pthread_t handler_thread[NR_HANDLERS];
static int handler_epfd[NR_HANDLERS] = { -1, -1, -1, -1 };	/* each handler's epoll */

static int uffd_ioctl(unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(uffd, req, arg);
	} while (ret < 0 && errno == EAGAIN);
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

static int uffd_map_range(uintptr_t start, size_t len, int prot)
{
	void *p = sys_mmap((void *)start, len, prot,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	/* Huge pages would hide single pages from us. */
	sys_madvise((void *)start, len, MADV_NOHUGEPAGE);
	return uffd_register(start, len, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
}

static int uffd_unmap_range(uintptr_t start, size_t len)
{
	void *p = sys_mmap((void *)start, len, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

static int uffd_zap_range(uintptr_t start, size_t len)
{
	return sys_madvise((void *)start, len, MADV_DONTNEED) ? -errno : 0;
}

static void uffd_wake(uintptr_t addr)
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

static int uffd_install_copy(uintptr_t addr, const void *src, bool wp)
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

static int uffd_move(uintptr_t dst, uintptr_t src, unsigned long long mode)
{
	struct uffdio_move mv = { .dst = dst, .src = src, .len = PAGE_SIZE, .mode = mode };

	return uffd_ioctl(UFFDIO_MOVE, &mv);
}

static int uffd_free_slot(void *slot)
{
	return sys_madvise(slot, PAGE_SIZE, MADV_DONTNEED) ? -errno : 0;
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

static int uffd_install_move(uintptr_t addr, void *slot, bool wp)
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
 */
static int pagemap_fd = -1;

static bool page_shared(uintptr_t addr)
{
	uint64_t entry;

	if (pagemap_fd < 0)
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap_fd < 0 ||
	    pread(pagemap_fd, &entry, sizeof(entry), (addr / PAGE_SIZE) * sizeof(entry)) !=
		    sizeof(entry))
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

static int uffd_unmap_page(uintptr_t addr, void *slot)
{
	int ret = uffd_move((uintptr_t)slot, addr, 0);

	if (ret == -EINVAL || (ret == -EBUSY && page_shared(addr)))
		ret = unmap_page_by_copy(addr, slot);
	return ret;
}

/* The kernel's protection is the region's: missing pages still fault to
 * the handler, write-protected ones still raise WP faults. */
static int uffd_protect_range(uintptr_t start, size_t len, int prot)
{
	return sys_mprotect((void *)start, len, prot) ? -errno : 0;
}

static int uffd_unprotect(uintptr_t addr)
{
	return uffd_writeprotect(addr, false);
}

/*
 * A fault outside every region may be stale: the thread left its fault
 * (a signal interrupted the wait: pthread_cancel, a handler that longjmps
 * or exits the thread) and the memory was unmapped before we read the
 * message.  Killing that thread id then hits a thread that no longer
 * touches the address, or has gone, or is a new thread with the same id.
 * So the first time, the thread is only woken: a thread still at the
 * address faults again, and the kernel itself delivers SIGSEGV when the
 * range is unmapped (upage leaves PROT_NONE there).  The same thread at
 * the same address again (a registered range we know no region for) is
 * sent SIGSEGV.  efault_lock protects the last one seen, which any
 * handler thread may see again.
 */
static pthread_mutex_t efault_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t efault_tid;
static uintptr_t efault_addr;

static bool efault_repeated(pid_t tid, uintptr_t addr)
{
	bool again;

	pthread_mutex_lock(&efault_lock);
	again = tid == efault_tid && addr == efault_addr;
	efault_tid = again ? 0 : tid;
	efault_addr = again ? 0 : addr;
	pthread_mutex_unlock(&efault_lock);
	return again;
}

/* Give the faulting thread the signal do_page_fault asked for, as the
 * kernel would (the message, if any, is the fault path's). */
static void deliver(const struct uffd_msg *msg, int sig)
{
	pid_t tid = msg->arg.pagefault.feat.ptid;
	uintptr_t addr = msg->arg.pagefault.address & PAGE_MASK;

	if (sig == SIGSEGV && !efault_repeated(tid, addr)) {
		uffd_wake(addr);
		return;
	}
	syscall(SYS_tgkill, getpid(), tid, sig);
}

static void handle_msg(const struct uffd_msg *msg)
{
	unsigned int flags = 0;
	int sig;

	if (msg->event != UFFD_EVENT_PAGEFAULT)
		return;
	if (msg->arg.pagefault.flags & (UFFD_PAGEFAULT_FLAG_WRITE | UFFD_PAGEFAULT_FLAG_WP))
		flags |= FAULT_FLAG_WRITE;
	sig = do_page_fault(uffd_mm, msg->arg.pagefault.address, flags);
	if (sig)
		deliver(msg, sig);
}

static void *fault_handler(void *arg)
{
	int epfd = *(int *)arg;
	struct uffd_msg msg;
	struct epoll_event ev;

	for (;;) {
		ssize_t n = read(uffd, &msg, sizeof(msg));

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				epoll_wait(epfd, &ev, 1, -1);
				continue;
			}
			upage_msg("userfaultfd read failed: %s", strerrordesc_np(errno));
			return NULL;
		}
		if (n == sizeof(msg))
			handle_msg(&msg);
	}
	return NULL;
}

/* The handler threads, each with its epoll instance on the uffd. */
static int start_handlers(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };
	int ret;

	for (int i = 0; i < NR_HANDLERS; i++) {
		handler_epfd[i] = epoll_create1(EPOLL_CLOEXEC);
		if (handler_epfd[i] < 0 || epoll_ctl(handler_epfd[i], EPOLL_CTL_ADD, uffd, &ev))
			return -errno;
		ret = sys_thread_start(&handler_thread[i], "upage-fault", fault_handler,
				       &handler_epfd[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static void close_handler_fds(void)
{
	for (int i = 0; i < NR_HANDLERS; i++) {
		if (handler_epfd[i] >= 0)
			close(handler_epfd[i]);
		handler_epfd[i] = -1;
	}
}

static int uffd_init(struct mm_struct *mm)
{
	struct zone *z = mm->zone;
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_THREAD_ID |
			    UFFD_FEATURE_MOVE,
	};
	int ret;

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		return -errno;
	if (ioctl(uffd, UFFDIO_API, &api) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = uffd_register((uintptr_t)z->pool, z->nr_frames << PAGE_SHIFT,
			    UFFDIO_REGISTER_MODE_MISSING);
	if (ret)
		goto fail;
	uffd_mm = mm;
	ret = start_handlers();
	if (ret)
		goto fail;
	return 0;
fail:
	close_handler_fds();
	close(uffd);
	uffd = -1;
	return ret;
}

/* The inherited descriptor is the parent's: reading it would steal the
 * parent's faults.  The child gets one of its own. */
static int uffd_fork_child(struct mm_struct *mm)
{
	close_handler_fds();	/* their threads are the parent's */
	close(uffd);
	uffd = -1;
	if (pagemap_fd >= 0)
		close(pagemap_fd);	/* the parent's pages */
	pagemap_fd = -1;
	return uffd_init(mm);
}

static int uffd_fork_child_range(uintptr_t start, size_t len)
{
	return uffd_register(start, len, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
}

const struct fault_engine uffd_engine = {
	.name = "uffd",
	.init = uffd_init,
	.map_range = uffd_map_range,
	.protect_range = uffd_protect_range,
	.unmap_range = uffd_unmap_range,
	.zap_range = uffd_zap_range,
	.install_copy = uffd_install_copy,
	.install_move = uffd_install_move,
	.unmap_page = uffd_unmap_page,
	.unprotect = uffd_unprotect,
	.wake = uffd_wake,
	.free_slot = uffd_free_slot,
	.fork_child = uffd_fork_child,
	.fork_child_range = uffd_fork_child_range,
};
