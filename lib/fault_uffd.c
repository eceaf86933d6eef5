// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fault_uffd.c - the userfaultfd engine with handler threads.
 *
 * The arena's regions are registered with a userfaultfd (uffd.c: the
 * primitives that map pages); handler threads read its fault messages
 * and run do_page_fault, several at once.  Faults the kernel takes
 * inside system calls (read(2) into a paged-out buffer) arrive here like
 * any other, so they just work, raw system calls and io_uring included:
 * this is the engine that needs no system call trap.  The price is a
 * wake-up of another thread for every fault.
 *
 * The handlers are upage's own tasks, not threads of the program
 * (untraced.c): a tracer that stops the program does not stop the faults
 * it waits on.  Their epoll descriptors, like the userfaultfd, are
 * upage's own (ownfd.h).  A handler waits outside ownfd's sections (a
 * move would wait for it), so a move between its reading the number and
 * epoll_wait looking it up fails the wait (EBADF, or the program's file
 * is no epoll: EINVAL) or lets it time out (POLL_MS): the handler then
 * reads the number again.
 *
 * Locking: the primitives are called under page_table_lock; the handlers'
 * epoll descriptors are set once at init (again in a forked child).
 */
#include "autoconfig.h"

#include "fault_uffd.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fault_forbid.h"
#include "memory.h"
#include "ownfd.h"
#include "stats.h"
#include "sys.h"
#include "uffd.h"
#include "untraced.h"

/*
 * Handler threads: several, so that faults of different threads are
 * served at once (one waits on a swap read while another maps a page).
 * Each waits in an epoll instance of its own holding the uffd with
 * EPOLLEXCLUSIVE, so a fault wakes one idle handler, not all of them,
 * and reads one message at a time, so no handler sits on faults another
 * could serve.
 */
#define NR_HANDLERS	4
#define POLL_MS		200	/* see "The handlers are upage's own tasks" */

static struct mm_struct *uffd_mm;	/* whose faults it serves */
static int handler_epfd[NR_HANDLERS] = { -1, -1, -1, -1 };	/* each handler's epoll */

/*
 * Give the faulting thread the signal do_page_fault asked for, as the
 * kernel would (the message, if any, is the fault path's).
 *
 * SIGSEGV, an address no region allows, is only ever a stale message:
 * the kernel sends messages only for registered ranges, and upage
 * registers and unregisters a range only together with its region, under
 * mmap_lock for writing, which do_page_fault waited for.  The thread left
 * its fault (a signal interrupted the wait, and it faulted again: another
 * handler served that) and the region went before this message was read.
 * Killing that thread id would hit a thread that no longer touches the
 * address.  So it is only woken: a thread still at the address faults
 * again, and the kernel itself raises SIGSEGV on the reservation upage
 * left there (or a new region there serves it).
 */
static void deliver(const struct uffd_msg *msg, int sig)
{
	pid_t tid = msg->arg.pagefault.feat.ptid;

	if (sig == SIGSEGV)
		uffd_wake(msg->arg.pagefault.address & PAGE_MASK);
	else
		sys_syscall(SYS_tgkill, untraced_tgid(), tid, sig);
}

static void handle_msg(const struct uffd_msg *msg)
{
	unsigned int flags = 0;
	int sig;

	if (msg->event != UFFD_EVENT_PAGEFAULT)
		return;
	if (msg->arg.pagefault.flags & (UFFD_PAGEFAULT_FLAG_WRITE | UFFD_PAGEFAULT_FLAG_WP))
		flags |= FAULT_FLAG_WRITE;
	fault_check_thread((pid_t)msg->arg.pagefault.feat.ptid, msg->arg.pagefault.address);
	sig = do_page_fault(uffd_mm, msg->arg.pagefault.address, flags);
	if (sig)
		deliver(msg, sig);
}

static void *fault_handler(void *arg)
{
	int *epfdp = arg;
	struct uffd_msg msg;
	struct epoll_event ev;

	for (;;) {
		ssize_t n = uffd_read_msg(&msg);

		if (n < 0) {
			epoll_wait(ownfd_get(epfdp), &ev, 1, POLL_MS);
			continue;
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
		int tok;

		handler_epfd[i] = epoll_create1(EPOLL_CLOEXEC);
		if (handler_epfd[i] < 0)
			return -errno;
		ownfd_register(&handler_epfd[i], "userfaultfd's epoll");
		tok = ownfd_enter();
		ret = epoll_ctl(ownfd_get(&handler_epfd[i]), EPOLL_CTL_ADD, uffd_fd(), &ev) ? -errno
											     : 0;
		ownfd_exit(tok);
		if (ret == 0)
			ret = untraced_start(fault_handler, &handler_epfd[i], "upage-fault");
		if (ret)
			return ret;
	}
	return 0;
}

static void close_handler_fds(void)
{
	for (int i = 0; i < NR_HANDLERS; i++)
		ownfd_close(&handler_epfd[i]);
}

static int uffd_init(struct mm_struct *mm)
{
	int ret;

	ret = uffd_open(mm, false,
			UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_MOVE);
	if (ret)
		return ret;
	uffd_mm = mm;
	ret = start_handlers();
	/* A raw close of the program's number must not release the files:
	 * the faults would then resolve as zero pages (ownfd.c). */
	if (ret == 0)
		ret = ownfd_keep();
	if (ret) {
		close_handler_fds();
		uffd_close();
	}
	return ret;
}

/* The inherited descriptor is the parent's: reading it would steal the
 * parent's faults.  The child gets one of its own, and handlers. */
static int uffd_fork_child(struct mm_struct *mm)
{
	close_handler_fds();	/* their threads are the parent's */
	uffd_close();
	return uffd_init(mm);
}

const struct fault_engine uffd_engine = {
	.name = "uffd",
	.init = uffd_init,
	.map_range = uffd_map_range,
	.protect_range = uffd_protect_range,
	.unmap_range = uffd_unmap_range,
	.zap_range = uffd_zap_range,
	.install_copy = uffd_install_copy,
	.install_run = uffd_install_run,
	.install_move = uffd_install_move,
	.unmap_page = uffd_unmap_page,
	.unprotect = uffd_unprotect,
	.wake = uffd_wake,
	.free_slot = uffd_free_slot,
	.fork_child = uffd_fork_child,
	.fork_child_range = uffd_register_range,
};
