// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pgtable.c - the software page table: a page directory of page tables,
 * two levels as on the i386 (see pgtable.h for the PTE format).
 *
 * The directory has one entry per 4 MiB of the range the table mirrors and
 * is allocated whole by pgtable_init; a page table (1024 PTEs, one page) is
 * allocated the first time a PTE in its 4 MiB is set, and stays until
 * pgtable_destroy.  Both come from sys_alloc_pages, never from malloc: the
 * library is the program's malloc.
 *
 * The directory index is taken relative to pt->base and the table index
 * from the address itself (pte_index), so when base is not 4 MiB aligned
 * the 1024 pages of one table still map one to one onto its PTEs, only
 * rotated; walk_page_range therefore walks by address, never by index.
 *
 * Locking: the caller holds mm->page_table_lock for every call here;
 * nothing in this file locks.  base, size and nr_pgd never change after
 * pgtable_init; pgd[] entries and nr_tables change under the lock.
 */
#include "autoconfig.h"

#include "pgtable.h"

#include <errno.h>

#include "sys.h"

#define PTE_TABLE_BYTES	(PTRS_PER_PTE * sizeof(pte_t))

_Static_assert(PTE_TABLE_BYTES == PAGE_SIZE, "a page table fills exactly one page");

static size_t pgd_bytes(unsigned long nr_pgd)
{
	return PAGE_ALIGN(nr_pgd * sizeof(pte_t *));
}

/* The first address of the directory entry after the one @addr is in. */
static uintptr_t pgd_next(const struct pgtable *pt, uintptr_t addr)
{
	return pt->base + ((uintptr_t)(pgd_index(pt, addr) + 1) << PGDIR_SHIFT);
}

int pgtable_init(struct pgtable *pt, uintptr_t base, size_t size)
{
	size_t rounded;

	if (size == 0 || (base & ~PAGE_MASK) || (size & ~PAGE_MASK))
		return -EINVAL;
	if (size > SIZE_MAX - PGDIR_SIZE)
		return -EINVAL;
	rounded = (size + PGDIR_SIZE - 1) & ~(PGDIR_SIZE - 1);
	if (base > UINTPTR_MAX - rounded)
		return -EINVAL;

	pt->nr_pgd = rounded >> PGDIR_SHIFT;
	pt->pgd = sys_alloc_pages(pgd_bytes(pt->nr_pgd));
	if (!pt->pgd)
		return -ENOMEM;
	pt->base = base;
	pt->size = rounded;
	pt->nr_tables = 0;
	return 0;
}

void pgtable_destroy(struct pgtable *pt)
{
	if (!pt->pgd)
		return;
	for (unsigned long i = 0; i < pt->nr_pgd; i++)
		sys_free_pages(pt->pgd[i], PTE_TABLE_BYTES);
	sys_free_pages(pt->pgd, pgd_bytes(pt->nr_pgd));
	pt->pgd = NULL;
	pt->nr_pgd = 0;
	pt->nr_tables = 0;
	pt->size = 0;
}

pte_t *pte_offset(struct pgtable *pt, uintptr_t addr)
{
	pte_t *table;

	if (!pgtable_covers(pt, addr))
		return NULL;
	table = pt->pgd[pgd_index(pt, addr)];
	if (!table)
		return NULL;
	return &table[pte_index(addr)];
}

pte_t *pte_alloc(struct pgtable *pt, uintptr_t addr)
{
	pte_t **pgdp;

	if (!pgtable_covers(pt, addr))
		return NULL;
	pgdp = &pt->pgd[pgd_index(pt, addr)];
	if (!*pgdp) {
		*pgdp = sys_alloc_pages(PTE_TABLE_BYTES);
		if (!*pgdp)
			return NULL;
		pt->nr_tables++;
	}
	return &(*pgdp)[pte_index(addr)];
}

pte_t pte_get(struct pgtable *pt, uintptr_t addr)
{
	pte_t *ptep = pte_offset(pt, addr);

	return ptep ? *ptep : 0;
}

/*
 * Returns 0, -ENOMEM when the page table cannot be allocated, or -EINVAL
 * when @addr is outside the table.  Setting a PTE to none where there is
 * no table allocates nothing.
 */
int set_pte(struct pgtable *pt, uintptr_t addr, pte_t pte)
{
	pte_t *ptep;

	if (!pgtable_covers(pt, addr))
		return -EINVAL;
	if (pte_none(pte) && !pte_offset(pt, addr))
		return 0;
	ptep = pte_alloc(pt, addr);
	if (!ptep)
		return -ENOMEM;
	*ptep = pte;
	return 0;
}

pte_t pte_clear(struct pgtable *pt, uintptr_t addr)
{
	pte_t *ptep = pte_offset(pt, addr);
	pte_t old;

	if (!ptep)
		return 0;
	old = *ptep;
	*ptep = 0;
	return old;
}

/* Walk [addr, end), all inside one allocated table, in address order. */
static int walk_pte_table(pte_t *table, uintptr_t addr, uintptr_t end, pte_walk_fn fn, void *arg)
{
	for (; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = &table[pte_index(addr)];
		int ret;

		if (pte_none(*ptep))
			continue;
		ret = fn(ptep, addr, arg);
		if (ret)
			return ret;
	}
	return 0;
}

int walk_page_range(struct pgtable *pt, uintptr_t start, uintptr_t end, pte_walk_fn fn,
		    void *arg)
{
	uintptr_t limit = pt->base + pt->size;
	uintptr_t addr;

	if (start < pt->base)
		start = pt->base;
	if (end > limit)
		end = limit;
	addr = start & PAGE_MASK;

	while (addr < end) {
		uintptr_t next = pgd_next(pt, addr);
		pte_t *table = pt->pgd[pgd_index(pt, addr)];
		int ret;

		if (next > end)
			next = end;
		if (table) {
			ret = walk_pte_table(table, addr, next, fn, arg);
			if (ret)
				return ret;
		}
		addr = next;
	}
	return 0;
}
