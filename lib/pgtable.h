/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pgtable.h - the software page table: two levels as on the i386.
 *
 * A linear arena address splits into a 10-bit page directory index, a
 * 10-bit page table index and a 12-bit offset; an arena larger than 4 GiB
 * simply has a longer directory.  Page tables are allocated on first use.
 *
 * A PTE has the i386 format.  Present: the frame number in bits 12-31 and
 * the flag bits below.  Not present and not none: a swap entry, with the
 * area's type in bits 1-6 and the slot offset in bits 8-31 (bit 0, present,
 * is clear), exactly as Linux 2.4's SWP_TYPE / SWP_OFFSET.
 *
 * Locking: the page table is protected by mm->page_table_lock; pgtable.c
 * itself takes no lock.
 */
#ifndef UPAGE_PGTABLE_H
#define UPAGE_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)

#define PTRS_PER_PTE	1024
#define PGDIR_SHIFT	22
#define PGDIR_SIZE	(1UL << PGDIR_SHIFT)

#define _PAGE_PRESENT	0x001
#define _PAGE_RW	0x002
#define _PAGE_USER	0x004
#define _PAGE_PWT	0x008
#define _PAGE_PCD	0x010
#define _PAGE_ACCESSED	0x020
#define _PAGE_DIRTY	0x040
#define _PAGE_FLAGS	0xfffU

/* Frame numbers have 20 bits: 4 GiB of resident pages at most. */
#define PTE_FRAME_BITS	20
#define MAX_FRAMES	(1UL << PTE_FRAME_BITS)

typedef uint32_t pte_t;

typedef struct {
	uint32_t val;
} swp_entry_t;

/* Swap entry layout: type in bits 1..6 (64 areas), offset in bits 8..31. */
#define MAX_SWAPFILES		64
#define SWP_OFFSET_BITS		24
#define SWP_MAX_OFFSET		((1UL << SWP_OFFSET_BITS) - 1)

static inline unsigned int swp_type(swp_entry_t e)	{ return (e.val >> 1) & 0x3f; }
static inline unsigned long swp_offset(swp_entry_t e)	{ return e.val >> 8; }
static inline swp_entry_t swp_entry(unsigned int type, unsigned long offset)
{
	swp_entry_t e = { (uint32_t)(((type & 0x3f) << 1) | (offset << 8)) };
	return e;
}
static inline bool swp_entry_none(swp_entry_t e)	{ return e.val == 0; }

static inline bool pte_none(pte_t pte)		{ return pte == 0; }
static inline bool pte_present(pte_t pte)	{ return pte & _PAGE_PRESENT; }
static inline bool pte_write(pte_t pte)		{ return pte & _PAGE_RW; }
static inline bool pte_dirty(pte_t pte)		{ return pte & _PAGE_DIRTY; }
static inline bool pte_young(pte_t pte)		{ return pte & _PAGE_ACCESSED; }
static inline unsigned long pte_frame(pte_t pte) { return pte >> PAGE_SHIFT; }

static inline pte_t mk_pte(unsigned long frame, unsigned int prot)
{
	return (pte_t)((frame << PAGE_SHIFT) | (prot & _PAGE_FLAGS) | _PAGE_PRESENT);
}
static inline pte_t pte_mkdirty(pte_t pte)	{ return pte | _PAGE_DIRTY; }
static inline pte_t pte_mkclean(pte_t pte)	{ return pte & ~_PAGE_DIRTY; }
static inline pte_t pte_mkyoung(pte_t pte)	{ return pte | _PAGE_ACCESSED; }
static inline pte_t pte_mkold(pte_t pte)	{ return pte & ~_PAGE_ACCESSED; }
static inline pte_t pte_mkwrite(pte_t pte)	{ return pte | _PAGE_RW; }
static inline pte_t pte_wrprotect(pte_t pte)	{ return pte & ~_PAGE_RW; }

static inline pte_t swp_entry_to_pte(swp_entry_t e)	{ return e.val; }
static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	swp_entry_t e = { pte };
	return e;
}

struct pgtable {
	uintptr_t base;		/* first address the table maps */
	size_t size;		/* bytes mapped, a multiple of PGDIR_SIZE */
	unsigned long nr_pgd;	/* directory entries: size >> PGDIR_SHIFT */
	pte_t **pgd;		/* directory; NULL entries are unallocated tables */
	unsigned long nr_tables; /* page tables allocated so far */
};

/* Returns 0, -EINVAL (base or size not page aligned, size 0) or -ENOMEM. */
int pgtable_init(struct pgtable *pt, uintptr_t base, size_t size);
void pgtable_destroy(struct pgtable *pt);

static inline bool pgtable_covers(const struct pgtable *pt, uintptr_t addr)
{
	return addr >= pt->base && addr - pt->base < pt->size;
}
static inline unsigned long pgd_index(const struct pgtable *pt, uintptr_t addr)
{
	return (addr - pt->base) >> PGDIR_SHIFT;
}
static inline unsigned long pte_index(uintptr_t addr)
{
	return (addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}

/* The PTE of @addr, or NULL when its page table was never allocated. */
pte_t *pte_offset(struct pgtable *pt, uintptr_t addr);
/* The PTE of @addr, allocating its page table; NULL when out of memory. */
pte_t *pte_alloc(struct pgtable *pt, uintptr_t addr);
/* The PTE's value, 0 (none) when there is no table. */
pte_t pte_get(struct pgtable *pt, uintptr_t addr);
/* Set @addr's PTE; returns 0 or -ENOMEM. */
int set_pte(struct pgtable *pt, uintptr_t addr, pte_t pte);
/* Clear @addr's PTE, returning the old value. */
pte_t pte_clear(struct pgtable *pt, uintptr_t addr);

/*
 * Call @fn for every PTE that is not none in [start, end), in address
 * order, skipping unallocated tables.  @fn may change *pte.  A non-zero
 * return from @fn stops the walk and is returned.
 */
typedef int (*pte_walk_fn)(pte_t *pte, uintptr_t addr, void *arg);
int walk_page_range(struct pgtable *pt, uintptr_t start, uintptr_t end,
		    pte_walk_fn fn, void *arg);

#endif /* UPAGE_PGTABLE_H */
