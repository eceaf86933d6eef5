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
#include <stddef.h>
#include <stdint.h>

#include "trap_pins.h"

struct mm_struct;
struct page;

/* Install the seccomp filter and the SIGSYS handler for @mm's arena.
 * Called once by an in-thread engine's init, after the arena and the
 * zone are set up. */
int syscall_trap_init(struct mm_struct *mm);

#endif /* UPAGE_SYSCALL_TRAP_H */
