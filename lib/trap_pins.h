/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trap_pins.h - arena pages held resident for the kernel (trap_pins.c).
 */
#ifndef UPAGE_TRAP_PINS_H
#define UPAGE_TRAP_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm_struct;
struct page;

/* Whose arena's pages are pinned: set once by syscall_trap_init; before
 * it, trap_pin_range pins nothing (an engine that needs no pins). */
void trap_pins_init(struct mm_struct *mm);

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

/* For the SIGSYS runner, signals already blocked: pin one page (@addr
 * page-aligned, in the arena) into @ps; every arena page of a span; a
 * NUL-terminated string's pages (at most two); drop every pin of @ps.
 * Return 0, -E2BIG (@ps full), -EFAULT or -EAGAIN. */
int trap_pin_page(struct trap_pins *ps, uintptr_t addr, bool write);
int trap_pin_span(struct trap_pins *ps, uintptr_t start, size_t len, bool write);
int trap_pin_string(struct trap_pins *ps, uintptr_t s);
void trap_unpin_locked(struct trap_pins *ps);

#endif /* UPAGE_TRAP_PINS_H */
