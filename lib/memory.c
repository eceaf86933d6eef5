// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memory.c - do_page_fault and its three cases, as in Linux 2.4's
 * mm/memory.c:
 *
 *   do_no_page    first touch of a page: a frame, zero filled (or filled by
 *                 the region's nopage);
 *   do_swap_page  a page whose PTE holds a swap entry: found in the swap
 *                 cache (a minor fault, no I/O) or read from its slot;
 *   do_wp_page    the first write to a clean page: it becomes dirty.
 *
 * There is no hardware dirty bit at user level: a page whose data equals
 * its swap copy (or a page never written) is mapped write-protected, and
 * the write fault that follows is do_wp_page.  The engine (fault.h) does
 * the mapping; this file decides.
 *
 * As 2.4's handle_mm_fault, the PTE is looked up once per fault (its page
 * table allocated if need be) and handed down; the functions below look
 * at *ptep again whenever they have dropped page_table_lock.  Page tables
 * are never freed while the mm lives, so the pointer stays good.
 *
 * What a fault that cannot be served does is decided here, once for every
 * engine (fault_failed): one message, and the signal the kernel would
 * send, which the engine delivers.
 *
 * Locking: do_page_fault takes mmap_lock for reading (regions cannot
 * change under a fault, as the kernel's mmap_sem; many faults hold it at
 * once) and page_table_lock (PTEs, frames, lists, swap cache).
 * page_table_lock is dropped around I/O (a swap read, a region's nopage),
 * with the page PG_locked and in the swap cache so that anyone else who
 * wants it waits on page_wait: the page lock and the swap cache are what
 * serialise faults on one page, and faults on different pages overlap
 * their reads.
 */
#include "autoconfig.h"

#include "memory.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "page_io.h"
#include "stats.h"
#include "swap_state.h"
#include "swapfile.h"
#include "sys.h"
#include "vmscan.h"
#include "workingset.h"

/* The source of every zero-filled page. */
static const char zero_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* A page-aligned buffer per fault-serving thread for swap-in: the frame
 * slots cannot be read into directly (see fault_uffd.c). */
static TLS char *bounce_buf;

static char *bounce_page(void)
{
	if (!bounce_buf)
		bounce_buf = sys_alloc_pages(PAGE_SIZE);
	return bounce_buf;
}

/* Does the kernel map a page at @addr?  (mincore never faults.) */
static bool page_resident(uintptr_t addr)
{
	unsigned char vec = 0;

	return mincore((void *)addr, PAGE_SIZE, &vec) == 0 && (vec & 1);
}

static unsigned int pte_prot(bool dirty)
{
	return _PAGE_USER | _PAGE_ACCESSED | (dirty ? _PAGE_RW | _PAGE_DIRTY : 0);
}

/* The page is mapped at @addr now: record it in the PTE and the page. */
static void page_mapped(struct page *page, uintptr_t addr, pte_t *ptep, bool dirty)
{
	page->vaddr = addr;
	SetPageFlag(page, PG_mapped);
	SetPageFlag(page, PG_uptodate);
	if (dirty) {
		SetPageDirty(page);
		ClearPageFlag(page, PG_wp);
	} else {
		SetPageFlag(page, PG_wp);
	}
	*ptep = mk_pte(page->index, pte_prot(dirty));
}

static int do_no_page(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr,
		      pte_t *ptep, bool write)
{
	const void *src = zero_page;
	struct page *page;
	int ret;

	page = __alloc_pages(mm, &ret);
	if (!page)
		return ret;
	/* __alloc_pages may have dropped the lock: has someone mapped it? */
	if (!pte_none(*ptep)) {
		free_page_and_swap_cache(mm, page);
		return -EAGAIN;
	}
	if (vma->vm_ops && vma->vm_ops != &anon_vm_ops && vma->vm_ops->nopage) {
		char *buf = bounce_page();

		/* nopage may do I/O: not under the lock other faults need. */
		pthread_mutex_unlock(&mm->page_table_lock);
		ret = buf ? vma->vm_ops->nopage(vma, addr, buf) : -ENOMEM;
		pthread_mutex_lock(&mm->page_table_lock);
		src = buf;
		if (!ret && !pte_none(*ptep))
			ret = -EAGAIN;	/* mapped meanwhile */
		if (ret)
			goto fail;
	}
	ret = mm->engine->install_copy(addr, src, !write);
	if (ret)
		goto fail;
	page_mapped(page, addr, ptep, write);
	/* A first touch says nothing of reuse: the page starts on probation,
	 * next in line for refill_inactive_scan, so a stream of new pages
	 * passes through without aging the pages that are reused. */
	page->age = 0;
	add_page_to_active_list_tail(mm->zone, page);
	count_event(faults_no_page, 1);
	return 0;
fail:
	free_page_and_swap_cache(mm, page);
	return ret;
}

/* The page is in the swap cache, in its frame slot: map it back. */
static int swap_cache_hit(struct mm_struct *mm, struct page *page, uintptr_t addr, pte_t *ptep,
			  bool write)
{
	bool dirty = write || PageDirty(page);
	int ret;

	if (PageLocked(page)) {
		/* Being written out or read in: wait for it, then look again. */
		wait_on_page(page, &mm->page_table_lock, &mm->page_wait);
		return -EAGAIN;
	}
	ret = mm->engine->install_move(addr, page_address(mm->zone, page), !dirty);
	if (ret)
		return ret;
	page_mapped(page, addr, ptep, dirty);
	/* Touched while on an inactive list: the reference 2.4 read from the
	 * accessed bit. */
	SetPageReferenced(page);
	activate_page(mm->zone, page);
	count_event(faults_minor, 1);
	count_event(pages_activated, 1);
	return 0;
}

static int swap_in(struct mm_struct *mm, uintptr_t addr, pte_t *ptep, pte_t orig, bool write)
{
	swp_entry_t entry = pte_to_swp_entry(orig);
	struct page *page;
	char *buf = bounce_page();
	int ret;

	if (!buf)
		return -ENOMEM;
	page = __alloc_pages(mm, &ret);
	if (!page)
		return ret;
	if (*ptep != orig || lookup_swap_cache(entry)) {
		free_page_and_swap_cache(mm, page);
		return -EAGAIN;
	}
	add_to_swap_cache(page, entry);
	SetPageFlag(page, PG_locked);
	pthread_mutex_unlock(&mm->page_table_lock);
	ret = swap_readpage(entry, buf);
	pthread_mutex_lock(&mm->page_table_lock);
	if (ret) {
		/* Never a zero page in its place: the program is told. */
		swap_report_error(entry, ret);
		count_event(io_errors, 1);
		ret = -EIO;
	} else {
		ret = mm->engine->install_copy(addr, buf, !write);
	}
	if (ret) {
		unlock_page(page, &mm->page_wait);
		free_page_and_swap_cache(mm, page);
		return ret;
	}
	page_mapped(page, addr, ptep, write);
	if (workingset_refault(entry, mm->zone->nr_active_pages)) {
		/* Evicted too soon: it is reused, so it comes back active. */
		SetPageReferenced(page);
		page->age = PAGE_AGE_START;
		add_page_to_active_list(mm->zone, page);
	} else {
		page->age = 0;
		add_page_to_active_list_tail(mm->zone, page);
	}
	unlock_page(page, &mm->page_wait);
	count_event(swap_ins, 1);
	return 0;
}

static int do_swap_page(struct mm_struct *mm, uintptr_t addr, pte_t *ptep, pte_t orig,
			bool write)
{
	struct page *page = lookup_swap_cache(pte_to_swp_entry(orig));
	int ret;

	ret = page ? swap_cache_hit(mm, page, addr, ptep, write) : swap_in(mm, addr, ptep, orig, write);
	if (ret == 0)
		count_event(faults_swap_page, 1);
	return ret;
}

static int do_wp_page(struct mm_struct *mm, uintptr_t addr, pte_t *ptep, pte_t pte)
{
	struct page *page = pfn_to_page(mm->zone, pte_frame(pte));
	int ret;

	ret = mm->engine->unprotect(addr);
	if (ret)
		return ret;
	SetPageDirty(page);
	SetPageReferenced(page);
	ClearPageFlag(page, PG_wp);
	*ptep = pte_mkdirty(pte_mkwrite(pte));
	count_event(faults_wp_page, 1);
	return 0;
}

static int handle_pte_fault(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr,
			    pte_t *ptep, unsigned int flags)
{
	bool write = flags & FAULT_FLAG_WRITE;
	pte_t entry = *ptep;

	if (pte_present(entry)) {
		/* A write to a page mapped write-protected (it was clean): the
		 * engine need not tell, the PTE does. */
		if (write && !pte_write(entry))
			return do_wp_page(mm, addr, ptep, entry);
		/* Served already (two threads faulted on one page), unless the
		 * kernel lost a page we mapped: a bug, never to be papered over
		 * with a zero page. */
		if (!page_resident(addr))
			return -EUCLEAN;
		mm->engine->wake(addr);
		return 0;
	}
	if (pte_none(entry))
		return do_no_page(mm, vma, addr, ptep, write);
	return do_swap_page(mm, addr, ptep, entry, write);
}

/* 2.4's handle_mm_fault: the PTE once, then its case, under page_table_lock. */
static int handle_mm_fault(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr,
			   unsigned int flags)
{
	pte_t *ptep;
	int ret;

	pthread_mutex_lock(&mm->page_table_lock);
	ptep = pte_alloc(&mm->pgd, addr);
	if (!ptep)
		ret = -ENOMEM;
	else
		do
			ret = handle_pte_fault(mm, vma, addr, ptep, flags);
		while (ret == -EAGAIN);
	pthread_mutex_unlock(&mm->page_table_lock);
	return ret;
}

/* Faults holding mmap_lock now, for max_faults_in_flight. */
static uint64_t faults_in_flight;

/* 0, or -EFAULT when no region allows the access, or why it failed. */
static int __do_page_fault(struct mm_struct *mm, uintptr_t addr, unsigned int flags)
{
	struct vm_area_struct *vma;
	int ret;

	mmap_read_lock(mm);
	count_in_flight(&faults_in_flight, max_faults_in_flight, 1);
	vma = find_vma_containing(mm, addr);
	/* 2.4's good_area: the region must allow the access. */
	if (!vma || !(vma->vm_flags & VM_ACCESS_FLAGS) ||
	    ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_WRITE))) {
		count_event(faults_bad, 1);
		ret = -EFAULT;
	} else {
		ret = handle_mm_fault(mm, vma, addr, flags);
	}
	count_in_flight(&faults_in_flight, max_faults_in_flight, -1);
	mmap_read_unlock(mm);
	return ret;
}

/*
 * One failure policy, whatever the engine: a fault that cannot be served
 * gets one message saying why, and the signal the kernel would send,
 * SIGBUS (as for a page of a file mapping that cannot be read).  An I/O
 * error's message is the swap area's (swap_report_error names it, once
 * per area, where the read failed); the others' are here.
 */
static int fault_failed(uintptr_t address, int err)
{
	if (err == -ENOSPC)
		upage_msg("out of swap space on %s: cannot free a frame for %#lx",
			  swap_area_name(), (unsigned long)address);
	else if (err == -EUCLEAN)
		upage_msg("cannot serve the fault at %#lx: the kernel lost a page upage had "
			  "mapped (a bug in upage)",
			  (unsigned long)address);
	else if (err == -ENOMEM)
		upage_msg("cannot serve the fault at %#lx: out of memory, or of kernel mappings "
			  "(vm.max_map_count), for a second",
			  (unsigned long)address);
	else if (err != -EIO)
		upage_msg("cannot serve the fault at %#lx: %s", (unsigned long)address,
			  strerrordesc_np(-err));
	return SIGBUS;
}

/* Engine out of memory or of kernel mappings: tries, 10 ms apart. */
#define NOMEM_TRIES	100

int do_page_fault(struct mm_struct *mm, uintptr_t address, unsigned int flags)
{
	uintptr_t addr = address & PAGE_MASK;
	int ret;

	for (int tries = 1;; tries++) {
		struct timespec nap = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };

		ret = __do_page_fault(mm, addr, flags);
		if (ret != -ENOMEM || tries == NOMEM_TRIES)
			break;
		/* kswapd's evictions give memory (and, under the SIGSEGV
		 * engine, merged mappings) back: wait for some, locks
		 * dropped. */
		pthread_mutex_lock(&mm->page_table_lock);
		wakeup_kswapd(mm->zone);
		pthread_mutex_unlock(&mm->page_table_lock);
		nanosleep(&nap, NULL);
	}
	if (ret == 0)
		return 0;
	if (ret == -EFAULT)
		return SIGSEGV;	/* the program's own fault: the kernel says nothing */
	return fault_failed(address, ret);
}

struct zap_details {
	struct mm_struct *mm;
	unsigned long dropped;
};

/* Release whatever backs one PTE of a range being zapped. */
static int zap_pte(pte_t *ptep, uintptr_t addr, void *arg)
{
	struct zap_details *zd = arg;
	struct mm_struct *mm = zd->mm;
	pte_t pte = *ptep;

	if (pte_present(pte)) {
		struct page *page = pfn_to_page(mm->zone, pte_frame(pte));
		swp_entry_t entry = page->swap;
		bool cached = PageSwapCache(page);

		if (PageFlag(page, PG_mlocked)) {
			/* Its lock goes with it (mlock.c). */
			ClearPageFlag(page, PG_mlocked);
			unpin_page(page);
			mm->zone->nr_mlocked--;
		}
		free_page_and_swap_cache(mm, page);
		if (cached)
			swap_free(entry);
	} else {
		swp_entry_t entry = pte_to_swp_entry(pte);
		struct page *page;

		while ((page = lookup_swap_cache(entry)) && PageLocked(page))
			wait_on_page(page, &mm->page_table_lock, &mm->page_wait);
		if (page)
			free_page_and_swap_cache(mm, page);
		swap_free(entry);
	}
	*ptep = 0;
	zd->dropped++;
	return 0;
}

void zap_page_range(struct mm_struct *mm, uintptr_t start, size_t len)
{
	struct zap_details zd = { .mm = mm, .dropped = 0 };

	walk_page_range(&mm->pgd, start, start + len, zap_pte, &zd);
	mm->engine->zap_range(start, len);
	if (zd.dropped)
		count_event(pages_dropped, zd.dropped);
}
