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
 * trampoline.  The program's own SIGSYS handler is chained to (signals.c).
 */
#ifndef UPAGE_SYSCALL_TRAP_H
#define UPAGE_SYSCALL_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* Install the seccomp filter and the SIGSYS handler.  Called once by the
 * SIGSEGV engine's init, after the arena and the zone are set up. */
int syscall_trap_init(void);

struct page;
/* Is @page pinned by a system call in progress?  (false without the trap)
 * page_table_lock held. */
bool syscall_trap_pinned(const struct page *page);
/* Call @fn with the address of every page pinned now; page_table_lock
 * held (fork: pinned pages stay writable while the arena is frozen). */
void syscall_trap_for_each_pinned(void (*fn)(uintptr_t addr));
/* In a forked child: the threads that held pins are the parent's. */
void syscall_trap_fork_child(void);

#endif /* UPAGE_SYSCALL_TRAP_H */
