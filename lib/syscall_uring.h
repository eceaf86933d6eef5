/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscall_uring.h - io_uring under the system call trap (syscall_uring.c):
 * io_uring_setup, io_uring_enter and io_uring_register, run by the SIGSYS
 * runner (syscall_trap.c) with the buffers of what they submit or
 * register brought in and pinned.
 */
#ifndef UPAGE_SYSCALL_URING_H
#define UPAGE_SYSCALL_URING_H

#include <stdbool.h>
#include <stdint.h>

struct mm_struct;

/* Runs a system call with the program's signal mask (syscall_trap.c's
 * call(), with its argument). */
typedef long (*trap_run_fn)(long nr, long *a, void *call);

/* Is @nr one of io_uring's calls (uring_run's)? */
bool uring_call(long nr);

/*
 * Run io_uring_setup, _enter or _register @nr with arguments @a through
 * @run(@nr, @a, @call): the buffers of the submissions it makes, and the
 * buffers it registers, brought in and pinned until their completions are
 * seen (or until they are unregistered).  Returns the call's result.
 * In the SIGSYS handler, every asynchronous signal blocked, no upage lock
 * held.
 */
long uring_run(struct mm_struct *mm, long nr, long *a, trap_run_fn run, void *call);

#endif /* UPAGE_SYSCALL_URING_H */
