// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_pgtable.c - the software page table (lib/pgtable.c): PTE and swap
 * entry encoding, lazy page tables, the top of 4 GiB and 8 GiB tables,
 * walk_page_range.
 *
 * The table mirrors addresses only; nothing here touches the memory it
 * describes, so the bases are plain numbers.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

#include "pgtable.h"
#include "no_memory.h"

#define GiB		(1UL << 30)
#define BASE		0x100000000000UL	/* 4 MiB aligned, like the arena */

static struct pgtable pt;

static void pt_fini(void)
{
	pgtable_destroy(&pt);
}

static void pt_init_4g(void)
{
	cr_assert_eq(pgtable_init(&pt, BASE, 4 * GiB), 0, "a 4 GiB table should initialise");
}

/* Records every PTE walk_page_range hands over. */
struct walk_log {
	unsigned int n;
	uintptr_t addr[64];
	pte_t pte[64];
	unsigned int stop_after;	/* return 1 at this visit (1-based); 0 never */
	bool clear;			/* clear each PTE visited */
};

static int log_pte(pte_t *ptep, uintptr_t addr, void *arg)
{
	struct walk_log *log = arg;

	if (log->n < 64) {
		log->addr[log->n] = addr;
		log->pte[log->n] = *ptep;
	}
	log->n++;
	if (log->clear)
		*ptep = 0;
	return log->stop_after && log->n == log->stop_after ? 1 : 0;
}

Test(pgtable, init_rejects_bad_arguments, .fini = pt_fini)
{
	cr_expect_eq(pgtable_init(&pt, BASE + 1, 4 * GiB), -EINVAL, "an unaligned base is -EINVAL");
	cr_expect_eq(pgtable_init(&pt, BASE, 4 * GiB + 12), -EINVAL,
		     "an unaligned size is -EINVAL");
	cr_expect_eq(pgtable_init(&pt, BASE, 0), -EINVAL, "a size of 0 is -EINVAL");
	cr_expect_eq(pgtable_init(&pt, UINTPTR_MAX & PAGE_MASK, 8 * PGDIR_SIZE), -EINVAL,
		     "a table wrapping past the end of the address space is -EINVAL");
}

Test(pgtable, directory_sized_by_4mib, .fini = pt_fini)
{
	cr_assert_eq(pgtable_init(&pt, BASE, 8 * GiB), 0, "an 8 GiB table should initialise");
	cr_expect_eq(pt.nr_pgd, 2048, "8 GiB needs 2048 directory entries, got %lu", pt.nr_pgd);
	cr_expect_eq(pt.size, 8 * GiB, "size should stay 8 GiB");
	pgtable_destroy(&pt);

	cr_assert_eq(pgtable_init(&pt, BASE, PAGE_SIZE), 0, "a one-page table should initialise");
	cr_expect_eq(pt.nr_pgd, 1, "one page still needs one directory entry");
	cr_expect_eq(pt.size, PGDIR_SIZE, "the size rounds up to a directory entry (4 MiB)");
}

Test(pgtable, tables_allocated_lazily, .init = pt_init_4g, .fini = pt_fini)
{
	cr_expect_eq(pt.nr_tables, 0, "a new table has no page tables");
	cr_expect_null(pte_offset(&pt, BASE), "pte_offset should not find an unallocated table");
	cr_expect_eq(pte_get(&pt, BASE + 5 * PAGE_SIZE), 0, "an untouched PTE reads as none");
	cr_expect_eq(pt.nr_tables, 0, "reading must not allocate");

	cr_assert_eq(set_pte(&pt, BASE, mk_pte(1, 0)), 0, "set_pte should succeed");
	cr_expect_eq(pt.nr_tables, 1, "the first PTE allocates one table");
	cr_assert_eq(set_pte(&pt, BASE + PGDIR_SIZE - PAGE_SIZE, mk_pte(2, 0)), 0,
		     "set_pte should succeed");
	cr_expect_eq(pt.nr_tables, 1, "a PTE in the same 4 MiB reuses its table");
	cr_assert_eq(set_pte(&pt, BASE + PGDIR_SIZE, mk_pte(3, 0)), 0, "set_pte should succeed");
	cr_expect_eq(pt.nr_tables, 2, "the next 4 MiB needs a second table");
	cr_expect_not_null(pte_offset(&pt, BASE + PAGE_SIZE),
			   "pte_offset finds every PTE of an allocated table");
}

Test(pgtable, set_none_allocates_nothing, .init = pt_init_4g, .fini = pt_fini)
{
	cr_expect_eq(set_pte(&pt, BASE + GiB, 0), 0, "setting a PTE to none should succeed");
	cr_expect_eq(pt.nr_tables, 0, "setting none where there is no table allocates nothing");
	cr_expect_eq(pte_clear(&pt, BASE + GiB), 0, "clearing an unallocated PTE returns none");
	cr_expect_eq(pt.nr_tables, 0, "clearing allocates nothing");
}

Test(pgtable, set_get_clear, .init = pt_init_4g, .fini = pt_fini)
{
	uintptr_t addr = BASE + 3 * GiB + 17 * PAGE_SIZE;
	pte_t pte = mk_pte(0x12345, _PAGE_RW | _PAGE_USER);

	cr_assert_eq(set_pte(&pt, addr, pte), 0, "set_pte should succeed");
	cr_expect_eq(pte_get(&pt, addr), pte, "pte_get should return what set_pte stored");
	cr_expect_eq(*pte_offset(&pt, addr), pte, "pte_offset should point at the stored PTE");
	cr_expect_eq(pte_get(&pt, addr + PAGE_SIZE), 0, "the next page's PTE stays none");
	cr_expect_eq(pte_get(&pt, addr - PAGE_SIZE), 0, "the previous page's PTE stays none");
	cr_expect_eq(pte_clear(&pt, addr), pte, "pte_clear returns the old PTE");
	cr_expect(pte_none(pte_get(&pt, addr)), "a cleared PTE is none");
}

Test(pgtable, no_aliasing_between_tables, .init = pt_init_4g, .fini = pt_fini)
{
	/* Same table index, different directory entries. */
	for (unsigned long i = 0; i < 8; i++)
		cr_assert_eq(set_pte(&pt, BASE + i * 512 * 1024 * 1024 + 7 * PAGE_SIZE,
				     mk_pte(100 + i, 0)), 0, "set_pte should succeed");
	for (unsigned long i = 0; i < 8; i++)
		cr_expect_eq(pte_frame(pte_get(&pt, BASE + i * 512 * 1024 * 1024 + 7 * PAGE_SIZE)),
			     100 + i, "PTE %lu should keep its own frame", i);
}

Test(pgtable, top_of_4g_table, .init = pt_init_4g, .fini = pt_fini)
{
	uintptr_t last = BASE + 4 * GiB - PAGE_SIZE;

	cr_expect_eq(pgd_index(&pt, last), 1023, "the last page is in directory entry 1023");
	cr_expect_eq(pte_index(last), 1023, "the last page is table entry 1023");
	cr_assert_eq(set_pte(&pt, last, mk_pte(MAX_FRAMES - 1, _PAGE_RW)), 0,
		     "the last page's PTE should be settable");
	cr_expect_eq(pte_frame(pte_get(&pt, last)), MAX_FRAMES - 1,
		     "the last page keeps the highest frame number");
	cr_expect_eq(pte_get(&pt, BASE + 3 * GiB + 1023 * PAGE_SIZE), 0,
		     "the last page must not alias an earlier table");
	cr_expect_null(pte_alloc(&pt, BASE + 4 * GiB), "the byte after the table has no PTE");
	cr_expect_eq(set_pte(&pt, BASE + 4 * GiB, mk_pte(1, 0)), -EINVAL,
		     "setting a PTE past the table is -EINVAL");
	cr_expect_null(pte_alloc(&pt, BASE - PAGE_SIZE), "the page below the table has no PTE");
	cr_expect_eq(pt.nr_tables, 1, "only the last table was allocated");
}

Test(pgtable, top_of_8g_table, .fini = pt_fini)
{
	uintptr_t last = BASE + 8 * GiB - PAGE_SIZE;

	cr_assert_eq(pgtable_init(&pt, BASE, 8 * GiB), 0, "an 8 GiB table should initialise");
	cr_expect_eq(pgd_index(&pt, last), 2047, "the last page is in directory entry 2047");
	cr_assert_eq(set_pte(&pt, last, mk_pte(42, 0)), 0, "the last page's PTE is settable");
	cr_expect_eq(pte_frame(pte_get(&pt, last)), 42, "the last page's PTE reads back");
	cr_expect_eq(pte_get(&pt, last - 4 * GiB), 0,
		     "the last page of 8 GiB must not alias the last page of the first 4 GiB");
	cr_expect_null(pte_offset(&pt, last - 4 * GiB),
		       "no table exists 4 GiB below the last page");
	cr_expect_null(pte_alloc(&pt, BASE + 8 * GiB), "the byte after 8 GiB has no PTE");
}

Test(pgtable, swap_entry_roundtrip, .init = pt_init_4g, .fini = pt_fini)
{
	static const struct {
		unsigned int type;
		unsigned long offset;
	} cases[] = { { 0, 1 }, { 1, 0 }, { 5, 123456 }, { MAX_SWAPFILES - 1, SWP_MAX_OFFSET } };
	uintptr_t addr = BASE + 2 * GiB;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		swp_entry_t e = swp_entry(cases[i].type, cases[i].offset), back;
		pte_t pte = swp_entry_to_pte(e);

		cr_expect_not(pte_present(pte), "a swap PTE (type %u) is not present",
			      cases[i].type);
		cr_expect_not(pte_none(pte), "a swap PTE (type %u) is not none", cases[i].type);
		cr_assert_eq(set_pte(&pt, addr, pte), 0, "a swap PTE can be stored");
		back = pte_to_swp_entry(pte_get(&pt, addr));
		cr_expect_eq(swp_type(back), cases[i].type, "type should survive: %u",
			     cases[i].type);
		cr_expect_eq(swp_offset(back), cases[i].offset, "offset should survive: %lu",
			     cases[i].offset);
	}
}

Test(pgtable, mk_pte_flag_bits)
{
	pte_t pte = mk_pte(0xabcde, _PAGE_RW | _PAGE_DIRTY);

	cr_expect(pte_present(pte), "mk_pte always sets present");
	cr_expect(pte_write(pte), "R/W was asked for");
	cr_expect(pte_dirty(pte), "dirty was asked for");
	cr_expect_not(pte_young(pte), "accessed was not asked for");
	cr_expect_eq(pte_frame(pte), 0xabcde, "the frame sits in bits 12-31");
	cr_expect_eq(pte & _PAGE_FLAGS, _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY,
		     "exactly present, R/W and dirty are set, got %#x", pte & _PAGE_FLAGS);

	cr_expect_eq(pte_mkclean(pte), pte & ~_PAGE_DIRTY, "mkclean clears only dirty");
	cr_expect_eq(pte_wrprotect(pte), pte & ~_PAGE_RW, "wrprotect clears only R/W");
	cr_expect_eq(pte_mkyoung(pte), pte | _PAGE_ACCESSED, "mkyoung sets only accessed");
	cr_expect_eq(pte_mkold(pte_mkyoung(pte)), pte, "mkold undoes mkyoung");
	cr_expect_eq(pte_mkwrite(pte_wrprotect(pte)), pte, "mkwrite undoes wrprotect");
	cr_expect_eq(pte_mkdirty(pte_mkclean(pte)), pte, "mkdirty undoes mkclean");
}

Test(pgtable, mk_pte_keeps_frame_from_stray_prot)
{
	pte_t pte = mk_pte(5, 0xf000 | _PAGE_USER);

	cr_expect_eq(pte_frame(pte), 5, "prot bits above 0xfff must not change the frame");
	cr_expect(pte & _PAGE_USER, "U/S was asked for");
}

Test(pgtable, walk_visits_set_ptes_in_order, .init = pt_init_4g, .fini = pt_fini)
{
	/* Set out of order, over several tables. */
	uintptr_t addrs[] = { BASE + 3 * GiB, BASE + 5 * PAGE_SIZE, BASE + PGDIR_SIZE,
			      BASE + 4 * GiB - PAGE_SIZE, BASE, BASE + PGDIR_SIZE - PAGE_SIZE };
	uintptr_t sorted[] = { BASE, BASE + 5 * PAGE_SIZE, BASE + PGDIR_SIZE - PAGE_SIZE,
			       BASE + PGDIR_SIZE, BASE + 3 * GiB, BASE + 4 * GiB - PAGE_SIZE };
	struct walk_log log = { 0 };

	for (unsigned int i = 0; i < 6; i++)
		cr_assert_eq(set_pte(&pt, addrs[i], mk_pte((addrs[i] - BASE) >> 22, 0)), 0,
			     "set_pte should succeed");
	cr_assert_eq(walk_page_range(&pt, BASE, BASE + 4 * GiB, log_pte, &log), 0,
		     "a full walk returns 0");
	cr_assert_eq(log.n, 6, "the walk should visit exactly the 6 set PTEs, visited %u", log.n);
	for (unsigned int i = 0; i < 6; i++) {
		cr_expect_eq(log.addr[i], sorted[i], "visit %u should be %#lx, was %#lx", i,
			     sorted[i], log.addr[i]);
		cr_expect_eq(log.pte[i], mk_pte((sorted[i] - BASE) >> 22, 0),
			     "visit %u sees its PTE", i);
	}
}

Test(pgtable, walk_skips_unallocated_tables, .init = pt_init_4g, .fini = pt_fini)
{
	struct walk_log log = { 0 };

	cr_assert_eq(set_pte(&pt, BASE + 2 * GiB, mk_pte(9, 0)), 0, "set_pte should succeed");
	pte_clear(&pt, BASE + 2 * GiB);	/* an allocated table with only none PTEs */
	cr_assert_eq(walk_page_range(&pt, BASE, BASE + 4 * GiB, log_pte, &log), 0,
		     "a full walk returns 0");
	cr_expect_eq(log.n, 0, "none PTEs and unallocated tables are never visited");
	cr_expect_eq(pt.nr_tables, 1, "walking must not allocate tables");
}

Test(pgtable, walk_respects_bounds, .init = pt_init_4g, .fini = pt_fini)
{
	uintptr_t start = BASE + PGDIR_SIZE - 2 * PAGE_SIZE, end = BASE + PGDIR_SIZE + PAGE_SIZE;
	struct walk_log log = { 0 };

	for (uintptr_t a = start - PAGE_SIZE; a <= end; a += PAGE_SIZE)
		cr_assert_eq(set_pte(&pt, a, mk_pte(1, 0)), 0, "set_pte should succeed");
	cr_assert_eq(walk_page_range(&pt, start, end, log_pte, &log), 0, "the walk returns 0");
	cr_assert_eq(log.n, 3, "[start, end) holds 3 set PTEs, visited %u", log.n);
	cr_expect_eq(log.addr[0], start, "the walk starts at start");
	cr_expect_eq(log.addr[2], end - PAGE_SIZE, "the walk ends before end");
}

Test(pgtable, walk_stops_on_nonzero, .init = pt_init_4g, .fini = pt_fini)
{
	struct walk_log log = { .stop_after = 2 };

	for (unsigned long i = 0; i < 5; i++)
		cr_assert_eq(set_pte(&pt, BASE + i * GiB / 2, mk_pte(i + 1, 0)), 0,
			     "set_pte should succeed");
	cr_expect_eq(walk_page_range(&pt, BASE, BASE + 4 * GiB, log_pte, &log), 1,
		     "the walk returns the callback's non-zero value");
	cr_expect_eq(log.n, 2, "the walk stops at the visit that returned non-zero");
}

Test(pgtable, walk_callback_may_change_pte, .init = pt_init_4g, .fini = pt_fini)
{
	struct walk_log log = { .clear = true };

	cr_assert_eq(set_pte(&pt, BASE + 8 * PAGE_SIZE, mk_pte(1, 0)), 0, "set_pte should work");
	cr_assert_eq(set_pte(&pt, BASE + GiB, mk_pte(2, 0)), 0, "set_pte should succeed");
	walk_page_range(&pt, BASE, BASE + 4 * GiB, log_pte, &log);
	cr_expect_eq(log.n, 2, "both PTEs are visited");
	cr_expect_eq(pte_get(&pt, BASE + 8 * PAGE_SIZE), 0, "the callback's clear should stick");
	cr_expect_eq(pte_get(&pt, BASE + GiB), 0, "the callback's clear should stick");
}

Test(pgtable, walk_in_address_order_with_unaligned_base, .fini = pt_fini)
{
	/* A base 3 pages past a 4 MiB boundary: each table's indices rotate. */
	uintptr_t base = BASE + 3 * PAGE_SIZE;
	uintptr_t addrs[] = { base, base + PGDIR_SIZE - 4 * PAGE_SIZE,
			      base + PGDIR_SIZE - 3 * PAGE_SIZE, base + PGDIR_SIZE - PAGE_SIZE,
			      base + PGDIR_SIZE };
	struct walk_log log = { 0 };

	cr_assert_eq(pgtable_init(&pt, base, 2 * PGDIR_SIZE), 0, "the table should initialise");
	for (int i = 4; i >= 0; i--)
		cr_assert_eq(set_pte(&pt, addrs[i], mk_pte(i + 1, 0)), 0, "set_pte should succeed");
	cr_expect_eq(pt.nr_tables, 2, "two directory entries were touched");
	walk_page_range(&pt, base, base + 2 * PGDIR_SIZE, log_pte, &log);
	cr_assert_eq(log.n, 5, "every set PTE is visited once, visited %u", log.n);
	for (unsigned int i = 0; i < 5; i++) {
		cr_expect_eq(log.addr[i], addrs[i], "visit %u should be in address order", i);
		cr_expect_eq(pte_frame(log.pte[i]), i + 1, "visit %u sees its own PTE", i);
	}
}

Test(pgtable, pte_alloc_out_of_memory, .init = pt_init_4g, .fini = pt_fini)
{
	pte_t *ptep;
	int ret;

	no_more_memory_begin();
	ptep = pte_alloc(&pt, BASE + GiB);
	ret = set_pte(&pt, BASE + GiB, mk_pte(1, 0));
	no_more_memory_end();

	cr_expect_null(ptep, "pte_alloc returns NULL when no table can be allocated");
	cr_expect_eq(ret, -ENOMEM, "set_pte is -ENOMEM when no table can be allocated");
	cr_expect_eq(pt.nr_tables, 0, "a failed allocation is not counted");
	cr_expect_eq(pte_get(&pt, BASE + GiB), 0, "the PTE stays none");
}
