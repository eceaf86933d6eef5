/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * signals.h - the program's signals, while upage serves faults in the
 * faulting thread (signals.c).
 *
 * The in-thread engines (fault_sigsegv.c, fault_sigbus.c) and the system
 * call trap (syscall_trap.c) take SIGSEGV, SIGBUS or SIGSYS for upage: they
 * claim the signal.  The program's sigaction / signal on a claimed signal
 * is then recorded, not installed, and upage_chain_signal delivers to it
 * whatever upage does not serve, as the kernel would have; sigprocmask and
 * pthread_sigmask never really block a claimed signal (the program reads
 * back the mask it set).  With nothing claimed (the handler-thread engine)
 * the interposed calls are libc's.
 */
#ifndef UPAGE_SIGNALS_H
#define UPAGE_SIGNALS_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

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
/*
 * Deliver a fault's signal @sig (SIGSEGV or SIGBUS, si_code @code, at
 * @addr) where the kernel raised another (@si, in context @uc): the
 * program's handler gets a siginfo of its own, and without one the thread
 * dies of @sig, as the kernel would have killed it.  When @sig is the
 * signal raised, it is upage_chain_signal.
 */
void upage_deliver_fault(int sig, int code, void *addr, siginfo_t *si, void *uc);

/*
 * What a core dump needs from the program's signals (coredump.c gives it,
 * so that signals.c need not know core dumps): @prepare runs before a
 * signal's default action is taken; @release and @adopt see the program's
 * sigaction (coredump.h says what they answer).
 */
struct signals_dump_ops {
	void (*prepare)(int sig);
	bool (*release)(int sig, const struct sigaction *act);
	bool (*adopt)(int sig, const struct sigaction *act);
};
void signals_set_dump_ops(const struct signals_dump_ops *ops);

/* The real sigaction (libc's, not the interposed one). */
int upage_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old);

/* Every signal except the synchronous ones (SEGV, BUS, SYS, ILL, FPE,
 * TRAP): blocked while upage holds its locks in a signal handler.  glibc's
 * SIGCANCEL included (see cancel_hold). */
void upage_async_signals(sigset_t *set);

/*
 * While @table is set, the program's (that is, libsigsegv's) sigaction on
 * SIGSEGV and SIGBUS is recorded in @table[sig] instead of being
 * installed: the SIGSEGV engine puts its own entry in front of it.
 */
void signals_capture(struct sigaction *table);

/*
 * Inside upage's own handler of a claimed signal: sigaction on a claimed
 * signal is ignored (libsigsegv resets its handler there), not recorded
 * as the program's.  Returns the previous state, for signals_leave.
 */
bool signals_enter(void);
void signals_leave(bool was);

/*
 * Cancellation held off in upage's fault and SIGSYS handlers.  glibc
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

/*
 * Under the engines that serve user-mode faults only: give this thread an
 * alternate signal stack of upage's, outside the arena, when it has none,
 * so a fault on a paged-out page of a stack in the arena can be served
 * (altstack.c).  Called for the main thread at start-up and for each
 * thread the interposed pthread_create starts.
 */
void upage_thread_altstack(void);

#endif /* UPAGE_SIGNALS_H */
