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

#include <signal.h>
#include <stdbool.h>

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
/* Deliver @sig to the program's own action, as the kernel would have. */
void upage_chain_signal(int sig, siginfo_t *si, void *uc);

/* The real sigaction (libc's, not the interposed one). */
int upage_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old);

/* Every signal except the synchronous ones (SEGV, BUS, SYS, ILL, FPE,
 * TRAP): blocked while upage holds its locks in a signal handler. */
void upage_async_signals(sigset_t *set);

#endif /* UPAGE_SYSCALL_TRAP_H */
