/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscall_trap.h - what the SIGSEGV engine (fault_sigsegv.c) and the
 * system call trap (syscall_trap.c) share.
 *
 * Under mprotect the kernel does not raise SIGSEGV for a protected page
 * touched inside a system call: it fails the call with EFAULT.
 * syscall_trap.c therefore traps the system calls that take user buffers
 * (seccomp, SECCOMP_RET_TRAP) and, in the SIGSYS handler, makes their
 * buffers resident and pinned before running them through its own
 * trampoline.  fault_sigsegv.c owns the signal dispositions: the program's
 * sigaction/signal for the signals upage claims are kept aside, to chain
 * to, instead of replacing upage's handlers.
 */
#ifndef UPAGE_SYSCALL_TRAP_H
#define UPAGE_SYSCALL_TRAP_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* Install the seccomp filter and the SIGSYS handler.  Called once by the
 * SIGSEGV engine's init, after the arena and the zone are set up. */
int syscall_trap_init(void);

/*
 * Claim @sig for upage: the kernel's handler becomes @entry (with @mask
 * blocked while it runs, and SA_SIGINFO | @flags), and the program's
 * sigaction/signal on @sig from now on only records its action, to which
 * upage_chain_signal passes the signals upage does not want.
 */
int upage_claim_signal(int sig, void (*entry)(int, siginfo_t *, void *), const sigset_t *mask,
		       int flags);
/* Has upage claimed @sig? */
bool upage_signal_claimed(int sig);
/* Deliver @sig to the program's own action, as the kernel would have. */
void upage_chain_signal(int sig, siginfo_t *si, void *uc);

struct page;
/* Is @page pinned by a system call in progress?  (false without the trap)
 * page_table_lock held. */
bool syscall_trap_pinned(const struct page *page);
/* Call @fn with the address of every page pinned now; page_table_lock
 * held (fork: pinned pages stay writable while the arena is frozen). */
void syscall_trap_for_each_pinned(void (*fn)(uintptr_t addr));
/* In a forked child: the threads that held pins are the parent's. */
void syscall_trap_fork_child(void);

/* The real sigaction (libc's, not the interposed one). */
int upage_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old);

/* Every signal except the synchronous ones (SEGV, BUS, SYS, ILL, FPE,
 * TRAP): blocked while upage holds its locks in a signal handler.  glibc's
 * SIGCANCEL included (see cancel_hold). */
void upage_async_signals(sigset_t *set);

/*
 * Cancellation held off in upage's SIGSEGV and SIGSYS handlers.  glibc
 * runs cancellable system calls (read, pread, ...) with asynchronous
 * cancellation enabled, and a program may enable it itself, so SIGCANCEL
 * could unwind a handler anywhere: holding mmap_lock or page_table_lock,
 * or page pins.  Three things keep it out (glibc 2.36, nptl):
 *  - the handlers run with SIGCANCEL blocked (upage_async_signals puts it
 *    in their sa_mask: glibc's sigfillset leaves it out).  That alone is
 *    needed because glibc's SIGCANCEL handler looks at the type only, not
 *    the state, and a pthread_cancel that saw the thread enabled and
 *    asynchronous may send its signal arbitrarily late;
 *  - cancel_hold disables cancellation, so pthread_cancel sends no signal
 *    and the cancellation points the handler runs (pthread_cond_wait,
 *    nanosleep, swap I/O) do not act;
 *  - and makes the type asynchronous while disabled: glibc's cancellable
 *    wrappers, entered deferred, wait at their end (futex) for a SIGCANCEL
 *    in flight to arrive, which is blocked here; entered asynchronous they
 *    do not.
 * cancel_resume restores the type, then the state, once every lock is
 * released and every pin dropped: a cancellation that came meanwhile acts
 * there when the thread's state and type say it would have at once; the
 * kernel unblocks SIGCANCEL when the handler returns.
 */
struct cancel_hold {
	int state, type;
};

static inline void cancel_hold(struct cancel_hold *h)
{
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &h->state);
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &h->type);
}

static inline void cancel_resume(const struct cancel_hold *h)
{
	pthread_setcanceltype(h->type, NULL);
	pthread_setcancelstate(h->state, NULL);
}

/* Would a cancellation have acted at once where the handler was entered? */
static inline bool cancel_was_async(const struct cancel_hold *h)
{
	return h->state == PTHREAD_CANCEL_ENABLE && h->type == PTHREAD_CANCEL_ASYNCHRONOUS;
}

#endif /* UPAGE_SYSCALL_TRAP_H */
