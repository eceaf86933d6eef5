/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault.h - what a fault engine does for the shared fault path.
 *
 * An engine delivers faults (an address, read or write, a thread) to
 * do_page_fault in memory.c and gives it the primitives that change what
 * the kernel maps at an arena address.  The policy (do_no_page,
 * do_swap_page, do_wp_page, kswapd) is the same whatever the engine:
 * userfaultfd with handler threads (fault_uffd.c), userfaultfd in SIGBUS
 * mode served in the faulting thread (fault_sigbus.c), or SIGSEGV with
 * mprotect (fault_sigsegv.c).
 *
 * Every primitive is called with mm->page_table_lock held, is a handful of
 * system calls at most, and returns 0 or a negative errno.  "wake" means
 * the thread that faulted on that page may run again.
 */
#ifndef UPAGE_FAULT_H
#define UPAGE_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* do_page_fault flags: what the access was.  (A write to a page mapped
 * write-protected needs no flag of its own: the PTE tells.) */
#define FAULT_FLAG_WRITE	0x1	/* a write access */

struct mm_struct;

struct fault_engine {
	const char *name;
	/* Kernel-mode accesses to a page not mapped fail with EFAULT instead
	 * of faulting to the engine: system calls on the arena go through the
	 * trap (syscall_trap.c), an alternate signal stack there is
	 * substituted (altstack.c). */
	bool user_faults_only;
	/* Optional: the most frames the engine can keep mapped at once in
	 * this process as it stands, when @want are asked for (0: it cannot
	 * page here at all); @why (@len bytes) gets what bounds it, for a
	 * message.  Without it, the cap is never cut. */
	unsigned long (*max_frames)(unsigned long want, char *why, size_t len);
	/* Serve @mm's faults from now on (its zone's frame pool included);
	 * start the engine's thread(s). */
	int (*init)(struct mm_struct *mm);
	/* Make [start, start+len) a region whose accesses fault to us (prot
	 * is PROT_*), replacing the arena's reservation there. */
	int (*map_range)(uintptr_t start, size_t len, int prot);
	/* The region [start, start+len) now has protection @prot (mprotect,
	 * mremap): make the kernel's protection follow.  The engine keeps
	 * what it needs to catch: a page it has not installed stays
	 * inaccessible, a write-protected page stays read-only, whatever
	 * @prot allows. */
	int (*protect_range)(uintptr_t start, size_t len, int prot);
	/* Give [start, start+len) back to the reservation: data dropped,
	 * accesses fault as outside any mapping. */
	int (*unmap_range)(uintptr_t start, size_t len);
	/* Drop the pages of [start, start+len): the next access faults. */
	int (*zap_range)(uintptr_t start, size_t len);
	/* Map a copy of the page at @src at @addr; read-only when @wp; wake. */
	int (*install_copy)(uintptr_t addr, const void *src, bool wp);
	/* Optional (fault-around, swap readahead): map copies of the @nr
	 * pages at @src (zeros when @src is NULL) at the @nr pages from
	 * @addr, none of them mapped now, in one step; read-only when @wp;
	 * wake.  Returns how many were mapped from @addr on (at least 1), or
	 * a negative errno when none was.  Without it, every page is a
	 * fault. */
	long (*install_run)(uintptr_t addr, const void *src, unsigned long nr, bool wp);
	/* Move the page in frame slot @slot to @addr (no copy); read-only
	 * when @wp; wake.  The slot is empty afterwards. */
	int (*install_move)(uintptr_t addr, void *slot, bool wp);
	/* Move the page at @addr into frame slot @slot: @addr is then not
	 * mapped and its next access faults.  -EINVAL when the page cannot
	 * be moved (a region that is not read-write). */
	int (*unmap_page)(uintptr_t addr, void *slot);
	/* Make the write-protected page at @addr writable; wake. */
	int (*unprotect)(uintptr_t addr);
	/* Let the thread that faulted at @addr retry its access. */
	void (*wake)(uintptr_t addr);
	/* Empty a frame slot (its page is no longer needed). */
	int (*free_slot)(void *slot);
	/* Optional, in the parent at fork (fork.c), with mmap_lock and
	 * page_table_lock held and no page under I/O: whatever the child
	 * needs of the parent's memory that the kernel will not copy.  An
	 * error is kept for fork_child to report (prepare cannot fail). */
	void (*fork_prepare)(void);
	/* Optional, in the parent after fork, before the locks are dropped. */
	void (*fork_parent)(void);
	/* Optional, in a forked child (fork.c): start serving @mm's faults
	 * again (the kernel dropped what served the parent's), then once for
	 * each region with its range. */
	int (*fork_child)(struct mm_struct *mm);
	int (*fork_child_range)(uintptr_t start, size_t len);
};

#endif /* UPAGE_FAULT_H */
