// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fault_sigbus.c - the in-thread userfaultfd engine ("uffd-sigbus").
 *
 * The arena's regions are registered with a userfaultfd opened with
 * UFFD_USER_MODE_ONLY and UFFD_FEATURE_SIGBUS, which any user may open
 * (vm.unprivileged_userfaultfd=0 allows user-mode-only descriptors).  A
 * fault then arrives as SIGBUS in the thread that took it, and is served
 * right there, in sigbus_entry: no handler thread, no wake-up of another
 * CPU.  The pages are mapped with the same primitives as the
 * handler-thread engine's (uffd.c: UFFDIO_COPY, UFFDIO_MOVE,
 * UFFDIO_WRITEPROTECT), and need no mprotect, so the kernel's mappings do
 * not split and the cap is not bounded by vm.max_map_count.
 *
 * Read or write.  SIGBUS mode raises the same signal for a missing page
 * and for a write to a write-protected one; bit 1 of the x86 page fault
 * error code (REG_ERR in the ucontext) tells a write from a read, and the
 * PTE tells the rest: a write to a present, write-protected PTE is
 * do_wp_page (memory.c).
 *
 * Kernel-mode accesses.  In user-mode-only mode a system call that
 * touches a page not mapped fails with EFAULT, so the system calls that
 * take buffers are trapped and run with their buffers brought in and
 * pinned (syscall_trap.c), and an alternate signal stack in the arena is
 * given to the kernel from outside it (altstack.c): the kernel writes the
 * signal frame in kernel mode.
 *
 * Signals.  SIGBUS is claimed (signals.c): a SIGBUS outside the arena, or
 * on an arena address no region holds (a file mapping placed there), goes
 * to the program's own handler as the kernel would give it, and the
 * program's sigprocmask never blocks SIGBUS for real.
 *
 * Locking: as fault.h for the primitives; bus_mm is set once at init.
 */
#include "autoconfig.h"

#include "fault_sigbus.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#include "fault_forbid.h"
#include "memory.h"
#include "ownfd.h"
#include "signals.h"
#include "stats.h"
#include "syscall_trap.h"
#include "sys.h"
#include "uffd.h"

#define SIGBUS_FEATURES	(UFFD_FEATURE_SIGBUS | UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_MOVE)

static struct mm_struct *bus_mm;	/* whose faults it serves */

/*
 * A fault on an arena address no region allows may be stale: another
 * thread unmapped the region between the fault and this handler taking
 * mmap_lock.  The access is then retried once, and the kernel itself
 * raises SIGSEGV on the reservation upage left there.  The same address
 * again, with no fault of the thread served in between (a mapping that is
 * not upage's: a file placed in the arena), gets the signal the kernel
 * raised.
 */
static TLS uintptr_t stale_addr;

static bool stale_once(uintptr_t addr)
{
	if (stale_addr == addr) {
		stale_addr = 0;
		return false;
	}
	stale_addr = addr;
	return true;
}

static void sigbus_entry(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	uintptr_t addr = (uintptr_t)si->si_addr;
	struct mm_struct *mm = __atomic_load_n(&bus_mm, __ATOMIC_ACQUIRE);
	struct cancel_hold ch;
	int found;

	if (!mm || si->si_code <= 0 || !arena_contains(&mm->arena, addr)) {
		upage_chain_signal(sig, si, ucp);	/* not ours */
		return;
	}
	/* Before any lock (SIGCANCEL is blocked here): see cancel_hold. */
	cancel_hold(&ch);
	fault_check_thread(0, addr);
	found = do_page_fault(mm, addr,
			      (uc->uc_mcontext.gregs[REG_ERR] & 2) ? FAULT_FLAG_WRITE : 0);
	cancel_resume(&ch);
	if (found == 0) {
		stale_addr = 0;
		return;
	}
	if (found == SIGSEGV) {
		if (!stale_once(addr & PAGE_MASK))
			upage_chain_signal(sig, si, ucp);
		return;
	}
	stale_addr = 0;
	upage_deliver_fault(found, BUS_ADRERR, si->si_addr, si, ucp);
}

static int sigbus_init(struct mm_struct *mm)
{
	sigset_t mask;
	int ret;

	ret = uffd_open(mm, true, SIGBUS_FEATURES);
	if (ret)
		return ret;
	upage_async_signals(&mask);
	ret = upage_claim_signal(SIGBUS, sigbus_entry, &mask, SA_ONSTACK | SA_RESTART);
	if (ret == 0)
		ret = syscall_trap_init(mm);
	/* A raw close of the program's number must not release the file:
	 * its faults would then resolve as zero pages (ownfd.c). */
	if (ret == 0)
		ret = ownfd_keep();
	if (ret) {
		uffd_close();
		return ret;
	}
	__atomic_store_n(&bus_mm, mm, __ATOMIC_RELEASE);
	return 0;
}

/* The faulting thread is the one serving its fault: nothing to wake. */
static void sigbus_wake(uintptr_t addr)
{
	(void)addr;
}

/* The kernel dropped the parent's registrations in the child: a
 * descriptor of its own (the signal handlers and the system call filter
 * are inherited). */
static int sigbus_fork_child(struct mm_struct *mm)
{
	uffd_close();
	return uffd_open(mm, true, SIGBUS_FEATURES);
}

/* Can this process open a user-mode-only userfaultfd in SIGBUS mode? */
bool sigbus_engine_available(void)
{
	return uffd_available(true, SIGBUS_FEATURES);
}

const struct fault_engine sigbus_engine = {
	.name = "uffd-sigbus",
	.user_faults_only = true,
	.init = sigbus_init,
	.map_range = uffd_map_range,
	.protect_range = uffd_protect_range,
	.unmap_range = uffd_unmap_range,
	.zap_range = uffd_zap_range,
	.install_copy = uffd_install_copy,
	.install_run = uffd_install_run,
	.install_move = uffd_install_move,
	.unmap_page = uffd_unmap_page,
	.unprotect = uffd_unprotect,
	.wake = sigbus_wake,
	.free_slot = uffd_free_slot,
	.fork_child = sigbus_fork_child,
	.fork_child_range = uffd_register_range,
};
