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

struct mm_struct;
struct page;

/* Install the seccomp filter and the SIGSYS handler for @mm's arena.
 * Called once by an in-thread engine's init, after the arena and the
 * zone are set up. */
int syscall_trap_init(struct mm_struct *mm);

/*
 * Pages of the arena held resident for something the kernel or a child
 * sharing the memory (posix_spawn's, spawn.c) reads outside any fault
 * handler: pinned (PagePinned), so reclaim leaves them mapped.
 */
#define TRAP_MAX_PINS	(256 + 64)
struct trap_pins {
	struct {
		struct page *page;
		uintptr_t vaddr;
	} p[TRAP_MAX_PINS];
	int n;		/* start at 0 */
};

/* Bring the arena pages of [@addr, @addr + @len) in (for writing if
 * @write, where the region allows it) and pin them into @ps (each page
 * once; pages no region maps are left alone).
 * Returns 0, -E2BIG (@ps full) or -EAGAIN.  Call with no upage lock
 * held, outside a signal handler of upage's.  Nothing happens before the
 * trap is installed (an engine that needs no pins). */
int trap_pin_range(struct trap_pins *ps, const void *addr, size_t len, bool write);
/* Drop every pin of @ps. */
void trap_unpin_all(struct trap_pins *ps);

/* Bring the arena page holding @addr in and pin it, *@out (for writing
 * if @write, where its region allows it).  Returns 0, 1 (the kernel's
 * own mapping: nothing to pin), -EFAULT (no region maps it) or -EAGAIN.
 * In the SIGSYS handler or with every asynchronous signal blocked, no
 * upage lock held. */
int trap_get_page(uintptr_t addr, bool write, struct page **out);
/* Drop the pins of @n pages got with trap_get_page. */
void trap_put_pages(struct page *const *pages, int n);

#endif /* UPAGE_SYSCALL_TRAP_H */
