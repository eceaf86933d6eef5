// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * signals.c - the program's signals while upage claims SIGSEGV, SIGBUS or
 * SIGSYS: sigaction, signal, sigprocmask and pthread_sigmask as the
 * program sees them, and the chaining of what upage does not serve to the
 * program's own handlers; and pselect's mask, copied to the stack.
 *
 * Dispositions (sigaction, signal and its BSD and System V forms, sigset).
 * upage_claim_signal installs upage's entry for a signal
 * and keeps the program's action beside it (prog_action); from then on
 * the program's sigaction on that signal only changes prog_action, and
 * upage_chain_signal runs it for the signals upage declines, with the
 * mask and flags the kernel would have applied.
 *
 * Signal masks.  A thread that blocks SIGSEGV, SIGBUS or SIGSYS would be
 * killed by its next arena fault or trapped system call (the kernel does
 * not queue a fault's signal: it unblocks it and resets it to SIG_DFL).
 * So sigprocmask and pthread_sigmask never block the signals upage
 * claims: the program's wish is kept per thread in prog_blocked, shown
 * back in the old mask, and honoured in upage_chain_signal: a fault the
 * program's handler would get kills as the kernel would, a signal sent
 * with kill or raise waits in prog_pending until it is unblocked.  Masks
 * given to sigaction for other signals are stripped the same way.  Not
 * covered: masks a thread inherits at pthread_create (its prog_blocked
 * starts empty), sigsuspend/pselect/ppoll/signalfd masks (a thread
 * blocked there does not fault), and rt_sigprocmask made with a raw
 * `syscall`.
 *
 * Locking: the tables (prog_action, claimed, capture) are written at init
 * and by the program's sigaction calls, which the kernel serialises no
 * better; claimed[] is read with acquire loads.  prog_blocked,
 * prog_pending and in_handler are per thread.
 */
#include "autoconfig.h"

#include "signals.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "sys.h"

#define UPAGE_SIGCANCEL	32	/* glibc's SIGCANCEL: __SIGRTMIN */

static const int kept_sigs[] = { SIGSEGV, SIGBUS, SIGSYS };
#define NR_KEPT	(sizeof(kept_sigs) / sizeof(kept_sigs[0]))

static struct sigaction prog_action[NSIG];
static bool claimed[NSIG];
static const struct signals_dump_ops *dump_ops;	/* set once, at start-up */
static struct sigaction *capture;		/* signals_capture */
static int (*libc_sigaction)(int, const struct sigaction *, struct sigaction *);
static int (*libc_pthread_sigmask)(int, const sigset_t *, sigset_t *);

static TLS sigset_t prog_blocked;	/* of the claimed signals only */
static TLS sigset_t prog_pending;
static TLS bool in_handler;

int upage_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!libc_sigaction)
		libc_sigaction = dlsym(RTLD_NEXT, "sigaction");
	if (!libc_sigaction) {
		errno = ENOSYS;
		return -1;
	}
	return libc_sigaction(sig, act, old);
}

static int real_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	if (!libc_pthread_sigmask)
		libc_pthread_sigmask = dlsym(RTLD_NEXT, "pthread_sigmask");
	if (!libc_pthread_sigmask)
		return ENOSYS;
	return libc_pthread_sigmask(how, set, old);
}

void upage_async_signals(sigset_t *set)
{
	sigfillset(set);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGSYS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGTRAP);
	/* glibc's SIGCANCEL (__SIGRTMIN), which sigfillset leaves out and
	 * sigaddset refuses: see cancel_hold. */
	set->__val[(UPAGE_SIGCANCEL - 1) / (8 * sizeof(set->__val[0]))] |=
		1UL << ((UPAGE_SIGCANCEL - 1) % (8 * sizeof(set->__val[0])));
}

int upage_claim_signal(int sig, void (*entry)(int, siginfo_t *, void *), const sigset_t *mask,
		       int flags)
{
	struct sigaction sa = { .sa_sigaction = entry, .sa_flags = SA_SIGINFO | flags };
	struct sigaction old;

	sa.sa_mask = *mask;
	if (upage_real_sigaction(sig, &sa, &old))
		return -errno;
	if (!claimed[sig])
		prog_action[sig] = old;
	__atomic_store_n(&claimed[sig], true, __ATOMIC_RELEASE);
	return 0;
}

void signals_capture(struct sigaction *table)
{
	capture = table;
}

bool signals_enter(void)
{
	bool was = in_handler;

	in_handler = true;
	return was;
}

void signals_leave(bool was)
{
	in_handler = was;
}

static void set_default(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	upage_real_sigaction(sig, &dfl, NULL);
}

bool upage_signal_claimed(int sig)
{
	return sig > 0 && sig < NSIG && __atomic_load_n(&claimed[sig], __ATOMIC_ACQUIRE);
}

void signals_set_dump_ops(const struct signals_dump_ops *ops)
{
	__atomic_store_n(&dump_ops, ops, __ATOMIC_RELEASE);
}

/* @sig's default action is about to be taken. */
static void before_default(int sig)
{
	const struct signals_dump_ops *ops = __atomic_load_n(&dump_ops, __ATOMIC_ACQUIRE);

	if (ops)
		ops->prepare(sig);
}

static bool kept_deliverable(int sig)
{
	return (sig == SIGSEGV || sig == SIGBUS || sig == SIGSYS) &&
	       __atomic_load_n(&claimed[sig], __ATOMIC_ACQUIRE);
}

/* @set without the signals upage keeps deliverable; their part in @kept. */
static void split_mask(const sigset_t *set, sigset_t *rest, sigset_t *kept)
{
	*rest = *set;
	sigemptyset(kept);
	for (size_t i = 0; i < NR_KEPT; i++) {
		if (!kept_deliverable(kept_sigs[i]) || sigismember(set, kept_sigs[i]) != 1)
			continue;
		sigdelset(rest, kept_sigs[i]);
		sigaddset(kept, kept_sigs[i]);
	}
}

/* prog_blocked after pthread_sigmask(@how) of the kept part @kept. */
static void update_prog_blocked(int how, const sigset_t *kept)
{
	for (size_t i = 0; i < NR_KEPT; i++) {
		int sig = kept_sigs[i], in = sigismember(kept, sig) == 1;

		if (how == SIG_SETMASK ? !in : (how == SIG_UNBLOCK && in))
			sigdelset(&prog_blocked, sig);
		else if (in)
			sigaddset(&prog_blocked, sig);
	}
}

EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t rest, kept, was = prog_blocked, o;
	int ret;

	/* The kernel is given copies on this stack: the program's sets may
	 * be in paged-out heap, and rt_sigprocmask is never trapped
	 * (syscall_filter.c). */
	if (!set)
		ret = real_sigmask(how, NULL, old ? &o : NULL);
	else if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return EINVAL;
	else {
		split_mask(set, &rest, &kept);
		ret = real_sigmask(how, &rest, old ? &o : NULL);
		if (ret == 0)
			update_prog_blocked(how, &kept);
	}
	if (ret)
		return ret;
	if (old)
		*old = o;
	if (old)
		for (size_t i = 0; i < NR_KEPT; i++)
			if (sigismember(&was, kept_sigs[i]) == 1)
				sigaddset(old, kept_sigs[i]);
	/* What was sent while blocked is delivered once unblocked. */
	for (size_t i = 0; i < NR_KEPT; i++) {
		int sig = kept_sigs[i];

		if (sigismember(&prog_pending, sig) == 1 && sigismember(&prog_blocked, sig) != 1) {
			sigdelset(&prog_pending, sig);
			sys_syscall(SYS_tgkill, getpid(), (pid_t)sys_syscall(SYS_gettid), sig);
		}
	}
	return 0;
}

/*
 * pselect's mask: glibc hands the kernel a pointer to it inside a
 * structure on its own stack, out of the system call filter's sight, so a
 * mask in paged-out heap failed the call with EFAULT.  The kernel is
 * given a copy on this stack (the fd sets and the timeout are the
 * filter's, as select's).
 */
EXPORT int pselect(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *timeout,
		   const sigset_t *mask)
{
	static int (*real)(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
			   const sigset_t *);
	sigset_t copy;

	if (!real)
		real = dlsym(RTLD_NEXT, "pselect");
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	if (mask)
		copy = *mask;	/* may fault: it is served */
	return real(nfds, r, w, e, timeout, mask ? &copy : NULL);
}

EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	int ret = pthread_sigmask(how, set, old);

	if (ret) {
		errno = ret;
		return -1;
	}
	return 0;
}

void upage_chain_signal(int sig, siginfo_t *si, void *ucp)
{
	struct sigaction pa = prog_action[sig];
	ucontext_t *uc = ucp;
	sigset_t mask, old, rest, kept;

	if (sigismember(&prog_blocked, sig) == 1) {
		if (si->si_code <= 0 && sig != SIGSYS) {
			sigaddset(&prog_pending, sig);	/* sent: delivered when unblocked */
			return;
		}
		pa.sa_handler = SIG_DFL;	/* a blocked fault kills, as the kernel's */
	}
	if (pa.sa_handler == SIG_DFL || pa.sa_handler == SIG_IGN) {
		/* As the kernel: a fault's signal cannot be ignored.  SEGV
		 * and BUS fault again on return; SYS must be sent. */
		before_default(sig);
		set_default(sig);
		if (sig == SIGSYS || si->si_code <= 0)
			sys_syscall(SYS_tgkill, getpid(), (pid_t)sys_syscall(SYS_gettid), sig);
		return;
	}
	mask = uc->uc_sigmask;
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&pa.sa_mask, s) == 1)
			sigaddset(&mask, s);
	if (!(pa.sa_flags & SA_NODEFER))
		sigaddset(&mask, sig);
	if (pa.sa_flags & SA_RESETHAND)
		prog_action[sig].sa_handler = SIG_DFL;
	/* The handler runs with the claimed signals left deliverable, or an
	 * arena fault in it could not be served.  prog_blocked is left as it
	 * is: a handler may leave by siglongjmp (restoring the real mask
	 * itself), and nothing would then restore a mask changed here. */
	split_mask(&mask, &rest, &kept);
	real_sigmask(SIG_SETMASK, &rest, &old);
	if (pa.sa_flags & SA_SIGINFO)
		pa.sa_sigaction(sig, si, ucp);
	else
		pa.sa_handler(sig);
	real_sigmask(SIG_SETMASK, &old, NULL);
}

void upage_deliver_fault(int sig, int code, void *addr, siginfo_t *si, void *uc)
{
	siginfo_t info;
	sigset_t one;
	void (*h)(int);

	if (si->si_signo == sig) {
		upage_chain_signal(sig, si, uc);
		return;
	}
	h = prog_action[sig].sa_handler;
	if (claimed[sig] && h != SIG_DFL && h != SIG_IGN && sigismember(&prog_blocked, sig) != 1) {
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = code;
		info.si_addr = addr;
		upage_chain_signal(sig, &info, uc);
		return;
	}
	/* No handler to run: the access would only fault again (and raise
	 * the other signal), so @sig is sent now, unblocked, by default. */
	before_default(sig);
	set_default(sig);
	sigemptyset(&one);
	sigaddset(&one, sig);
	real_sigmask(SIG_UNBLOCK, &one, NULL);
	sys_syscall(SYS_tgkill, getpid(), (pid_t)sys_syscall(SYS_gettid), sig);
}

EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	const struct signals_dump_ops *ops = __atomic_load_n(&dump_ops, __ATOMIC_ACQUIRE);

	if (upage_signal_claimed(sig)) {
		if (in_handler)
			return 0;	/* libsigsegv resetting itself: ours to chain */
		if (old)
			*old = prog_action[sig];
		if (!ops || !ops->release(sig, act)) {
			if (act)
				prog_action[sig] = *act;
			return 0;
		}
		/* Claimed for a core dump only: the program's action is its own. */
		__atomic_store_n(&claimed[sig], false, __ATOMIC_RELEASE);
		old = NULL;
	} else if (ops && ops->adopt(sig, act)) {
		/* Its default is a core dump: claimed for it, as at start. */
		if (old)
			*old = prog_action[sig];
		prog_action[sig] = *act;
		return 0;
	}
	if (capture && (sig == SIGSEGV || sig == SIGBUS) && act) {
		capture[sig] = *act;
		if (old)
			memset(old, 0, sizeof(*old));
		return 0;
	}
	if (act) {
		/* Its handler must not block what upage needs delivered. */
		struct sigaction a = *act;
		sigset_t kept;

		split_mask(&act->sa_mask, &a.sa_mask, &kept);
		return upage_real_sigaction(sig, &a, old);
	}
	return upage_real_sigaction(sig, act, old);
}

EXPORT int __sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return sigaction(sig, act, old);
}

EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, &old))
		return SIG_ERR;
	return old.sa_handler;
}

EXPORT sighandler_t bsd_signal(int sig, sighandler_t handler)
{
	return signal(sig, handler);
}

EXPORT sighandler_t ssignal(int sig, sighandler_t handler)
{
	return signal(sig, handler);
}

/*
 * System V's signal, which glibc's signal(2) becomes when a program is
 * built for a strict standard (zstd, xz: their crash handlers): the
 * handler is reset at its first signal and the signal is not blocked
 * while it runs.  glibc's own calls the kernel directly, and would take
 * SIGSEGV away from upage.
 */
EXPORT sighandler_t __sysv_signal(int sig, sighandler_t handler)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESETHAND | SA_NODEFER },
			 old;

	if (sig <= 0 || sig >= NSIG || handler == SIG_ERR) {
		errno = EINVAL;
		return SIG_ERR;
	}
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, &old))
		return SIG_ERR;
	return old.sa_handler;
}

EXPORT sighandler_t sysv_signal(int sig, sighandler_t handler)
{
	return __sysv_signal(sig, handler);
}

/*
 * System V's sigset: SIG_HOLD blocks the signal, any other disposition
 * is installed (with an empty mask) and unblocks it; the old disposition
 * is returned, SIG_HOLD when the signal was blocked.  Through sigaction
 * and sigprocmask above, for the same reason.
 */
EXPORT sighandler_t sigset(int sig, sighandler_t disp)
{
	struct sigaction sa = { .sa_handler = disp }, old;
	sigset_t one, was;

	if (sig <= 0 || sig >= NSIG || disp == SIG_ERR) {
		errno = EINVAL;
		return SIG_ERR;
	}
	sigemptyset(&one);
	sigaddset(&one, sig);
	if (disp == SIG_HOLD) {
		if (sigaction(sig, NULL, &old) || sigprocmask(SIG_BLOCK, &one, &was))
			return SIG_ERR;
		return sigismember(&was, sig) == 1 ? SIG_HOLD : old.sa_handler;
	}
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, &old) || sigprocmask(SIG_UNBLOCK, &one, &was))
		return SIG_ERR;
	return sigismember(&was, sig) == 1 ? SIG_HOLD : old.sa_handler;
}
