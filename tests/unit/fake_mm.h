/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake_mm.h - an mm for the unit tests of memory.c and vmscan.c: a real
 * arena reservation, page table, regions, zone, swap cache and swap area,
 * and a fake engine (fake_mm.c) standing in for the kernel's MMU.
 *
 * The fake maps a page of anonymous memory at an arena address when the
 * fault path installs one (so mincore sees it, as for a real engine) and
 * knows what it has write-protected; fake_read and fake_write are a
 * program's accesses: they call do_page_fault whenever the kernel would
 * fault, instead of taking a signal.
 */
#ifndef UPAGE_TEST_FAKE_MM_H
#define UPAGE_TEST_FAKE_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "fault.h"
#include "mm.h"
#include "page_alloc.h"

struct fake_mmu {
	uintptr_t base;
	size_t size;
	uint8_t *state;		/* FAKE_MAPPED, FAKE_WP per page */
	int fail_install;	/* install_copy / install_move fail with this ... */
	int fail_times;		/* ... this many times (0: every time) */
	unsigned long run_max;		/* install_run maps at most this many (0: all) */
	unsigned long installs, moves, unmaps, unprotects, wakes, zaps, runs;
};

#define FAKE_MAPPED	0x1
#define FAKE_WP		0x2

extern struct fake_mmu fake;
extern const struct fault_engine fake_engine;
/* fake_engine with install_run (fault-around, readahead): set test_mm.engine to it. */
extern const struct fault_engine fake_engine_faultaround;
extern struct mm_struct test_mm;
extern struct zone test_zone;

/* Build test_mm: an arena of @arena_pages pages with one read-write
 * region over it all, @frames frames, a swap area of @swap_pages pages
 * in a private directory.  fake_mm_destroy undoes it. */
void fake_mm_setup(unsigned long arena_pages, unsigned long frames, unsigned long swap_pages);
void fake_mm_destroy(void);

/* The address of page @i of the arena. */
uintptr_t page_addr(unsigned long i);

/* A program's access: faults (do_page_fault) until the fake maps the page
 * as the access needs; returns the signal do_page_fault asked for, or 0. */
int fake_access(uintptr_t addr, bool write);
/* Read or write one byte, faulting as needed; the test fails on an error. */
unsigned char fake_read(uintptr_t addr);
void fake_write(uintptr_t addr, unsigned char v);
/* Take frames (reclaiming as a fault would) until the page at @addr has
 * left memory, then give them back: its data is then on swap only. */
void fake_evict(uintptr_t addr);
/* The PTE of @addr. */
pte_t fake_pte(uintptr_t addr);
/* Is the page at @addr mapped, for the fake kernel? */
bool fake_mapped(uintptr_t addr);

#endif /* UPAGE_TEST_FAKE_MM_H */
