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
 * Each fault is counted once, by what served it (faults_no_page,
 * faults_swap_page for a read from swap, faults_minor for a swap cache
 * hit, faults_wp_page), and its kind is kept in fault_kind, by which
 * __do_page_fault records its latency (fault_latency).
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

#include "inactive_target.h"
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

/* What served the fault this thread is serving (enum upage_latency_kind),
 * -1 while none has: set where the fault is counted, read by
 * fault_latency. */
static TLS int fault_kind = -1;

static char *bounce_page(void)
{
	if (!bounce_buf)
		bounce_buf = sys_alloc_pages(PAGE_SIZE);
	return bounce_buf;
}

/* Does the kernel map a page at @addr?  1 or 0, or mincore's -errno
 * (it never faults). */
static int page_resident(uintptr_t addr)
{
	unsigned char vec = 0;

	if (mincore((void *)addr, PAGE_SIZE, &vec))
		return -errno;
	return vec & 1;
}

/* What the page the kernel lost looked like, for fault_failed's message:
 * the one chance to see how it was mapped. */
static TLS struct {
	unsigned long flags;
	uintptr_t vaddr;
	unsigned int lru;
	int resident;
} lost;

static int page_lost_bug(struct mm_struct *mm, pte_t pte, int resident)
{
	const struct page *page = pfn_to_page(mm->zone, pte_frame(pte));

	lost.flags = page->flags;
	lost.vaddr = page->vaddr;
	lost.lru = page->lru;
	lost.resident = resident;
	return -EUCLEAN;
}

static unsigned int pte_prot(bool dirty)
{
	return _PAGE_USER | _PAGE_ACCESSED | (dirty ? _PAGE_RW | _PAGE_DIRTY : 0);
}

/* The page is mapped at @addr now: record it in the PTE and the page. */
static void page_mapped(struct page *page, uintptr_t addr, pte_t *ptep, bool dirty)
{
	page->vaddr = addr;
	ClearPageFlag(page, PG_faultaround);
	ClearPageFlag(page, PG_readahead);
	ClearPageFlag(page, PG_swapin_clean);
	ClearPageFlag(page, PG_clusterra);
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

/*
 * Fault-around: a region being filled in order (each first-touch write
 * lands on the page after the last one mapped) gets its next pages mapped
 * with the faulting one, zero-filled and writable, in one engine call: a
 * window that doubles with each fault in order, up to FAULT_AROUND_MAX
 * (and a 64th of the cap past 16 pages, so a small cap is not filled by
 * one stream's guesses; 16 when frames are short), and falls back to one page at the first fault
 * out of order, so random first touches pay nothing (unless the fault
 * carries on another stream in the region: stream_window).  The window is large
 * because what a fault costs beside its pages (a handler's wake-up on
 * another vCPU, the engine's system calls) is paid once per window: 16
 * pages left a 1 GiB first touch at 3.6 times the kernel's time on an
 * idle machine.  Frames come from alloc_page_spare, which
 * never waits for I/O.  A page mapped that way is dirty
 * (writable, so no fault says whether it is ever written) and goes to
 * the tail of the active list behind the faulting one, unreferenced:
 * refill_inactive_scan looks at it first, and finds it still zero if it
 * was never touched (unmap_page_to_swap_cache drops it without I/O).
 * Write faults only: a read of fresh memory maps a clean page.
 */
#define FAULT_AROUND_MAX	256

/*
 * A first touch out of the region's order may still continue a stream:
 * several fill one region at once (an allocator's pools and a table it
 * grows, interleaved), and fa_next follows only the last.  The page before
 * @addr mapped tells: a stream's window ends in pages fault-around mapped
 * (PG_faultaround), so a run of k of them behind @addr doubles to a
 * window of 2(k + 1); a page before it mapped otherwise gives 2, and none
 * gives 1, so first touches at random keep paying nothing.
 */
static unsigned int stream_window(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr,
				  unsigned long max)
{
	unsigned int k = 0;	/* fault-around's pages just before @addr */
	uintptr_t a = addr;

	while (a > vma->vm_start && 2 * (k + 1) < max) {
		pte_t *ptep = pte_offset(&mm->pgd, a - PAGE_SIZE);

		if (!ptep || !pte_present(*ptep))
			break;
		a -= PAGE_SIZE;
		if (!PageFlag(pfn_to_page(mm->zone, pte_frame(*ptep)), PG_faultaround))
			break;
		k++;
	}
	if (a == addr)
		return 1;
	return 2 * (k + 1) < max ? 2 * (k + 1) : (unsigned int)max;
}

/* How many pages, from @addr, the first touch at @addr should map. */
static unsigned int fault_around_window(struct mm_struct *mm, struct vm_area_struct *vma,
					uintptr_t addr)
{
	struct zone *z = mm->zone;
	unsigned long max = z->cap_frames / 64 > 16 ? z->cap_frames / 64 : 16;

	/* Near the watermarks kswapd takes the newest pages first, these
	 * among them, before the stream reaches them: 16 then. */
	if (z->nr_free_pages < z->pages_high + FAULT_AROUND_MAX)
		max = 16;

	if (addr != vma->fa_next || vma->fa_window == 0)
		vma->fa_window = stream_window(mm, vma, addr, max);
	else if (vma->fa_window < FAULT_AROUND_MAX && vma->fa_window * 2 <= max)
		vma->fa_window *= 2;
	if (vma->fa_window > max)
		vma->fa_window = (unsigned int)max;
	return vma->fa_window;
}

/*
 * Take frames for the pages after @addr that fault-around may map: in
 * @vma, not mapped (PTE none), up to @want - 1 of them, while frames are
 * to spare.  Returns how many were taken into @pages[1..].
 */
static unsigned int fault_around_pages(struct mm_struct *mm, struct vm_area_struct *vma,
				       uintptr_t addr, unsigned int want, struct page **pages,
				       pte_t **pteps)
{
	unsigned int n = 1;

	for (uintptr_t a = addr + PAGE_SIZE; n < want && a < vma->vm_end; a += PAGE_SIZE, n++) {
		pte_t *ptep = pte_alloc(&mm->pgd, a);

		if (!ptep || !pte_none(*ptep))
			break;
		pages[n] = alloc_page_spare(mm);
		if (!pages[n])
			break;
		pteps[n] = ptep;
	}
	return n - 1;
}

/* Map @page, first touched by a write at @addr, and the @extra pages after
 * it in one call (pages[1..extra], their PTEs in pteps[]); the pages the
 * engine did not map are freed.  Returns 0 or a negative errno. */
static int install_zero_run(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr,
			    struct page **pages, pte_t **pteps, unsigned int extra)
{
	long mapped = mm->engine->install_run(addr, NULL, extra + 1, false);

	if (mapped < 0)
		goto fail;
	for (long i = 0; i < mapped; i++) {
		page_mapped(pages[i], addr + ((uintptr_t)i << PAGE_SHIFT), pteps[i], true);
		pages[i]->age = 0;
		if (i > 0)
			SetPageFlag(pages[i], PG_faultaround);
		add_page_to_active_list_tail(mm->zone, pages[i]);
	}
	vma->fa_next = addr + ((uintptr_t)mapped << PAGE_SHIFT);
	if (mapped > 1)
		count_event(pages_faulted_around, mapped - 1);
	count_event(faults_no_page, 1);
	fault_kind = UPAGE_LAT_NO_PAGE;
fail:
	for (unsigned int i = mapped < 0 ? 0 : (unsigned int)mapped; i <= extra; i++)
		free_page_and_swap_cache(mm, pages[i]);
	return mapped < 0 ? (int)mapped : 0;
}

static int do_no_page(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr,
		      pte_t *ptep, bool write)
{
	const void *src = zero_page;
	struct page *page;
	bool anon = !vma->vm_ops || vma->vm_ops == &anon_vm_ops || !vma->vm_ops->nopage;
	int ret;

	page = __alloc_pages(mm, &ret);
	if (!page)
		return ret;
	/* __alloc_pages may have dropped the lock: has someone mapped it? */
	if (!pte_none(*ptep)) {
		free_page_and_swap_cache(mm, page);
		return -EAGAIN;
	}
	if (anon && write && mm->engine->install_run) {
		struct page *pages[FAULT_AROUND_MAX];
		pte_t *pteps[FAULT_AROUND_MAX];
		unsigned int extra;

		pages[0] = page;
		pteps[0] = ptep;
		extra = fault_around_pages(mm, vma, addr, fault_around_window(mm, vma, addr), pages,
					   pteps);
		return install_zero_run(mm, vma, addr, pages, pteps, extra);
	}
	if (!anon) {
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
	fault_kind = UPAGE_LAT_NO_PAGE;
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
	/* Taken back from an inactive list: depth cost a fault. */
	inactive_target_rescued(mm->zone, page);
	page_mapped(page, addr, ptep, dirty);
	/* Touched while on an inactive list: the reference 2.4 read from the
	 * accessed bit. */
	SetPageReferenced(page);
	activate_page(mm->zone, page);
	count_event(faults_minor, 1);
	fault_kind = UPAGE_LAT_MINOR;
	count_event(pages_activated, 1);
	return 0;
}

/*
 * Swap readahead, as 2.4's swapin_readahead ("Linux also reads the pages
 * next to this one"), found by address as later kernels' VMA readahead: a
 * swap-in on the page after the last run its region read finds whether
 * the next pages' PTEs hold the neighbouring slots of the same area, the
 * next ones or the ones before (clustered swap-out gives pages unmapped
 * together consecutive slots: get_swap_page, page_launder's
 * write_clusters; refill_inactive_scan unmaps a stream's pages newest
 * first, so a run in address order is often one in descending slot
 * order, which 2.4's aligned cluster around the slot read as well), and
 * reads the run in one I/O.  The pages read ahead go into the swap cache and are mapped in
 * place, clean (write-protected), unreferenced at the active list's tail
 * behind the faulting page, so that pages read for nothing age out first
 * (with their swap copy, freed without a write).  The window doubles with
 * each swap-in in order, up to SWAP_RA_MAX, and is one page (no readahead)
 * at the first out of order: random access pays a comparison.  32 pages
 * (128 KiB): a sequential read-modify-write pass took 7% less time than
 * with 16 (bench/RESULTS.md); more gains nothing, as page_launder's runs
 * of consecutive slots, which bound a run read, average 28 pages.  Frames
 * come from alloc_page_spare (never waiting for I/O).
 *
 * A stream that writes what it reads (a read-modify-write pass) would take
 * a write-protect fault on every page read ahead: once one is seen
 * (do_wp_page on a PG_readahead page), the region's next runs are mapped
 * writable and dirty instead (vma->ra_write), until the stream breaks
 * (a swap-in out of order).
 */
#define SWAP_RA_MAX	32

/* SWAP_RA_MAX pages per fault-serving thread for a run, made when first
 * needed. */
static TLS char *ra_buf;

/* This thread's ra_buf, or NULL (no memory: no readahead, one page read). */
static char *readahead_buffer(void)
{
	if (!ra_buf)
		ra_buf = sys_alloc_pages(SWAP_RA_MAX << PAGE_SHIFT);
	return ra_buf;
}

static unsigned int swapin_window(struct vm_area_struct *vma, uintptr_t addr)
{
	if (addr != vma->ra_next || vma->ra_window == 0) {
		vma->ra_window = 1;
		vma->ra_write = false;
		if (vma->ra_random < 255)
			vma->ra_random++;
	} else {
		vma->ra_random = 0;
		if (vma->ra_window < SWAP_RA_MAX)
			vma->ra_window *= 2;
	}
	return vma->ra_window;
}

/* The slot of page @i of a run from @entry, going @dir (+1 or -1). */
static swp_entry_t run_slot(swp_entry_t entry, int dir, unsigned int i)
{
	return swp_entry(swp_type(entry), swp_offset(entry) + (unsigned long)((long)dir * i));
}

/* Which way the slots of the pages after @addr run from @entry's: +1, -1,
 * or 0 when the next page's PTE holds neither neighbour. */
static int run_direction(struct mm_struct *mm, uintptr_t addr, swp_entry_t entry)
{
	pte_t pte = pte_get(&mm->pgd, addr + PAGE_SIZE);

	if (pte_none(pte) || pte_present(pte))
		return 0;
	if (pte == swp_entry_to_pte(run_slot(entry, 1, 1)))
		return 1;
	if (swp_offset(entry) > 1 && pte == swp_entry_to_pte(run_slot(entry, -1, 1)))
		return -1;
	return 0;
}

/*
 * Take frames for the pages after @addr, in @vma, whose PTEs hold the
 * slots next to @entry's going @dir, none in the swap cache, up to
 * @want - 1 of them, while frames are to spare.  Returns how many, in
 * @pages[1..].
 */
static unsigned int swapin_readahead_pages(struct mm_struct *mm, struct vm_area_struct *vma,
					   uintptr_t addr, swp_entry_t entry, int dir,
					   unsigned int want, struct page **pages, pte_t **pteps)
{
	unsigned int n = 1;

	if (!dir || want < 2)
		return 0;
	if (!readahead_buffer())
		return 0;
	if (dir < 0 && want > swp_offset(entry))
		want = (unsigned int)swp_offset(entry);	/* slot 0 is never used */
	for (uintptr_t a = addr + PAGE_SIZE; n < want && a < vma->vm_end; a += PAGE_SIZE, n++) {
		swp_entry_t next = run_slot(entry, dir, n);
		pte_t *ptep = pte_offset(&mm->pgd, a);

		if (!ptep || *ptep != swp_entry_to_pte(next) || lookup_swap_cache(next))
			break;
		pages[n] = alloc_page_spare(mm);
		if (!pages[n])
			break;
		pteps[n] = ptep;
	}
	return n - 1;
}

/* Give back pages[from..to] of a run: in the swap cache, locked, unread. */
static void drop_readahead(struct mm_struct *mm, struct page **pages, unsigned int from,
			   unsigned int to)
{
	for (unsigned int i = from; i <= to; i++) {
		unlock_page(pages[i], &mm->page_wait);
		free_page_and_swap_cache(mm, pages[i]);
	}
}

/* Read the faulting page into @buf and, when @extra > 0, the run after it
 * (page i at ra_buf + i pages) in the same request, which starts at the
 * run's lowest slot.  On a failed run, the faulting page alone is read
 * again (its error is its own) and the run given back.  Lock dropped
 * around the I/O.  Returns 0 or the read's error. */
static int swapin_read(struct mm_struct *mm, swp_entry_t entry, int dir, char *buf,
		       struct page **pages, unsigned int *extra)
{
	struct iovec iov[SWAP_RA_MAX];
	int ret;

	pthread_mutex_unlock(&mm->page_table_lock);
	if (*extra) {
		unsigned int n = *extra;

		for (unsigned int i = 0; i <= n; i++) {
			char *b = i ? ra_buf + ((size_t)i << PAGE_SHIFT) : buf;

			iov[dir > 0 ? i : n - i] = (struct iovec){ .iov_base = b,
								   .iov_len = PAGE_SIZE };
		}
		ret = swap_readpages(dir > 0 ? entry : run_slot(entry, -1, n), iov, (int)n + 1);
		if (ret == 0) {
			pthread_mutex_lock(&mm->page_table_lock);
			return 0;
		}
	}
	ret = swap_readpage(entry, buf);
	pthread_mutex_lock(&mm->page_table_lock);
	if (*extra) {
		drop_readahead(mm, pages, 1, *extra);
		*extra = 0;
	}
	return ret;
}

/* Map the run read ahead after @addr (pages[1..extra]), clean; what could
 * not be mapped (a PTE that changed meanwhile, an engine that stopped
 * part-way) is given back. */
static void map_readahead(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr,
			  struct page **pages, pte_t **pteps, unsigned int extra)
{
	bool dirty = vma->ra_write;
	unsigned int n = 0;
	long mapped;

	/* Only the pages whose PTEs still hold their slots, from the first. */
	while (n < extra && *pteps[n + 1] == swp_entry_to_pte(pages[n + 1]->swap))
		n++;
	mapped = n ? mm->engine->install_run(addr + PAGE_SIZE, ra_buf + PAGE_SIZE, n, !dirty) : 0;
	if (mapped < 0)
		mapped = 0;
	for (long i = 1; i <= mapped; i++) {
		struct page *page = pages[i];

		page_mapped(page, addr + ((uintptr_t)i << PAGE_SHIFT), pteps[i], dirty);
		if (!dirty)
			SetPageFlag(page, PG_readahead);
		page->age = 0;
		add_page_to_active_list_tail(mm->zone, page);
		unlock_page(page, &mm->page_wait);
	}
	if ((unsigned int)mapped < extra)
		drop_readahead(mm, pages, (unsigned int)mapped + 1, extra);
	if (mapped) {
		count_event(swap_readahead_pages, mapped);
		count_event(swap_readahead_runs, 1);
		count_event(swap_ins, mapped);
	}
}

/*
 * A read fault's swap-in maps the page clean, write-protected, so that a
 * page only read keeps its swap copy and goes out again without a write.
 * A program that reads a page and then writes it (a counter, a
 * read-modify-write, malloc's own headers) pays a second fault for that:
 * the write-protect fault, which under the handler-thread engine is a
 * second wake-up, as dear as the first.  So each region keeps a score of
 * how often its clean swap-ins were written soon after (wr_score: +2 for
 * each do_wp_page on a PG_swapin_clean page, -1 for each clean swap-in,
 * 0..WR_SCORE_MAX): at WR_SCORE_DIRTY or more, a read fault's swap-in
 * maps the page writable and dirty at once, as a write fault's does,
 * except one in WR_PROBE, still mapped clean, to see whether the region
 * still writes what it reads.  A page mapped dirty that is never written
 * costs one write of its unchanged data when it goes out; nothing the
 * program sees changes.
 */
#define WR_SCORE_MAX	16
#define WR_SCORE_DIRTY	8
#define WR_PROBE	8

/* Should the swap-in of a read fault at @vma map the page dirty? */
static bool swapin_dirty(struct vm_area_struct *vma)
{
	if (vma->wr_score >= WR_SCORE_DIRTY && ++vma->wr_probe % WR_PROBE)
		return true;
	if (vma->wr_score)
		vma->wr_score--;
	return false;
}

/* A write to a page a read fault's swap-in mapped clean. */
static void swapin_written(struct vm_area_struct *vma)
{
	vma->wr_score = vma->wr_score + 2 > WR_SCORE_MAX ? WR_SCORE_MAX : vma->wr_score + 2;
}

/*
 * Swap-cluster readahead, as 2.4's swapin_readahead read it: the aligned
 * cluster of SWAP_CLUSTER_RA slots around the faulting one, whatever
 * addresses own them.  When no run follows by address (random access:
 * the region's last two swap-ins, this one too, out of order),
 * the faulting slot's neighbours hold the pages that were swapped out
 * with it, and a random workload whose set is twice the cap touches half
 * of them again soon.  The kernel's own swap (vm.page-cluster 3) does the
 * same, which is why its per-access p50 on uniform random access was
 * below the disk's own latency.
 *
 * Each neighbour is read only when its slot is private (swap_count 1), not
 * cached, and its owner (swap_owner: the address its page had when it got
 * the slot) still holds it in its PTE; the run is the consecutive such
 * slots through the faulting one, read in one request, frames from
 * alloc_page_spare (never waiting for I/O).  Each page is mapped at its
 * owner's address as swap readahead maps its runs: clean, unreferenced,
 * at the active list's tail, so one never touched leaves memory first,
 * without a write.  Whether it pays is kept per mm (clu_score: +3 for a
 * write to such a page, the only touch that is seen; -1 for one that
 * refill_inactive_scan unmaps unwritten); below 0, the cluster is read
 * for one swap-in in CLU_PROBE only.
 */
#define SWAP_CLUSTER_RA	8
#define CLU_PROBE	16

/* The address that owns slot @e's page, or 0. */
static uintptr_t owner_addr(struct mm_struct *mm, swp_entry_t e)
{
	uint32_t o = swap_owner(e);
	uintptr_t a = mm->arena.base + ((uintptr_t)(o - 1) << PAGE_SHIFT);

	return o && a < mm->arena.base + mm->arena.size ? a : 0;
}

/* Can slot @e be read ahead?  Its owner's PTE, in *ptepp, if so. */
static bool cluster_slot_ok(struct mm_struct *mm, swp_entry_t e, pte_t **ptepp)
{
	uintptr_t a = owner_addr(mm, e);
	pte_t *ptep;

	if (!a)
		return false;
	ptep = pte_offset(&mm->pgd, a);
	if (!ptep || *ptep != swp_entry_to_pte(e))
		return false;
	if (swap_count(e) != 1 || lookup_swap_cache(e))
		return false;
	*ptepp = ptep;
	return true;
}

/*
 * Take frames for the slots around @entry's (see above).  The run is
 * [*lo, *lo + n) with @entry's slot at index *self; for each other index,
 * pages[i] is a frame in the swap cache, locked, and pteps[i] its owner's
 * PTE (pages[*self] is the caller's).  Returns n (1: nothing to read).
 */
static unsigned int cluster_readahead_pages(struct mm_struct *mm, swp_entry_t entry,
					    struct page **pages, pte_t **pteps, unsigned long *lo,
					    unsigned int *self)
{
	unsigned long off = swp_offset(entry), base = off & ~(SWAP_CLUSTER_RA - 1UL);
	unsigned long first = off, last = off;
	unsigned int type = swp_type(entry);
	struct page *p[SWAP_CLUSTER_RA];
	pte_t *pt[SWAP_CLUSTER_RA], *ptep;

	*lo = off;
	*self = 0;
	if (mm->clu_score < 0 && ++mm->clu_probe % CLU_PROBE)
		return 1;
	if (!readahead_buffer())
		return 1;
	/* Upwards first, then down, a frame per slot while there are any. */
	while (last + 1 < base + SWAP_CLUSTER_RA &&
	       cluster_slot_ok(mm, swp_entry(type, last + 1), &ptep)) {
		struct page *page = alloc_page_spare(mm);

		if (!page)
			break;
		last++;
		p[last - base] = page;
		pt[last - base] = ptep;
	}
	while (first > base && first > 1 && cluster_slot_ok(mm, swp_entry(type, first - 1), &ptep)) {
		struct page *page = alloc_page_spare(mm);

		if (!page)
			break;
		first--;
		p[first - base] = page;
		pt[first - base] = ptep;
	}
	for (unsigned long s = first; s <= last; s++) {
		if (s == off)
			continue;
		pages[s - first] = p[s - base];
		pteps[s - first] = pt[s - base];
		add_to_swap_cache(pages[s - first], swp_entry(type, s));
		SetPageFlag(pages[s - first], PG_locked);
	}
	*lo = first;
	*self = (unsigned int)(off - first);
	return (unsigned int)(last - first + 1);
}

/* Where a stream goes on after cluster readahead mapped the pages from
 * @next on (the slots of a region swapped out in order are its
 * addresses' order): the first page after them, so the swap-in there
 * grows the address readahead's window as if these had been read by it. */
static uintptr_t cluster_stream_end(struct mm_struct *mm, struct vm_area_struct *vma,
				    uintptr_t next)
{
	for (unsigned int i = 0; i < SWAP_CLUSTER_RA && next < vma->vm_end; i++, next += PAGE_SIZE) {
		pte_t pte = pte_get(&mm->pgd, next);

		if (!pte_present(pte) ||
		    !PageFlag(pfn_to_page(mm->zone, pte_frame(pte)), PG_clusterra))
			break;
	}
	return next;
}

/* Read the run [lo, lo + n) with the faulting page (index @self) into
 * @buf and the others into ra_buf, then map each other page at its owner,
 * clean; lock dropped around the I/O.  What cannot be mapped (the read
 * failed, the PTE changed meanwhile) is given back; on a failed read the
 * faulting page is read alone (its error is its own).  Returns 0 or that
 * read's error. */
static int cluster_read(struct mm_struct *mm, swp_entry_t entry, char *buf, struct page **pages,
			pte_t **pteps, unsigned long lo, unsigned int n, unsigned int self)
{
	struct iovec iov[SWAP_CLUSTER_RA];
	unsigned int mapped = 0;
	bool ra_ok;
	int ret;

	for (unsigned int i = 0; i < n; i++)
		iov[i] = (struct iovec){ .iov_base = i == self ? buf
							       : ra_buf + ((size_t)i << PAGE_SHIFT),
					 .iov_len = PAGE_SIZE };
	pthread_mutex_unlock(&mm->page_table_lock);
	ret = swap_readpages(swp_entry(swp_type(entry), lo), iov, (int)n);
	ra_ok = ret == 0;
	if (!ra_ok)
		ret = swap_readpage(entry, buf);
	pthread_mutex_lock(&mm->page_table_lock);
	for (unsigned int i = 0; i < n; i++) {
		struct page *page = pages[i];
		uintptr_t a = owner_addr(mm, page->swap);

		if (i == self)
			continue;
		if (!ra_ok || *pteps[i] != swp_entry_to_pte(page->swap) ||
		    mm->engine->install_copy(a, iov[i].iov_base, true)) {
			unlock_page(page, &mm->page_wait);
			free_page_and_swap_cache(mm, page);
			continue;
		}
		page_mapped(page, a, pteps[i], false);
		SetPageFlag(page, PG_clusterra);
		page->age = 0;
		add_page_to_active_list_tail(mm->zone, page);
		unlock_page(page, &mm->page_wait);
		mapped++;
	}
	if (mapped) {
		count_event(swap_ins, mapped);
		count_event(swap_readahead_pages, mapped);
		count_event(swap_readahead_runs, 1);
	}
	return ret;
}


/*
 * Span readahead, as the kernel's VMA readahead: a swap-in near where its
 * region's last one ended (a stream, or two streams interleaved: a
 * program freeing its objects in the order it made them walks the pools
 * of two sizes at once) whose next pages are out but not in consecutive
 * slots (the pages of two regions unmapped together interleave theirs;
 * a page swapped in, written and swapped out again gets a new one).
 * The next SPAN_RA_PAGES PTEs that hold slots of the faulting page's area
 * within SPAN_RA_SLOTS of its own, none in the swap cache, are read with
 * it in one request over the slots from the lowest to the highest: the
 * slots in between, somebody else's or free, go into a scratch page.  On
 * this disk a 4 KiB read takes 76 us and one of 64 KiB 111 us (fio, QD1),
 * so a few pages gained pay for the span; each page gained is one fault
 * the program does not take.  Only for the file backend (a remote one
 * would be asked for slots it does not hold).  The pages are mapped as
 * the faulting page is (dirty when it is), each contiguous run of
 * addresses in one engine call, unreferenced at the active list's tail;
 * frames come from alloc_page_spare (never waiting for I/O).
 */
#define SPAN_RA_PAGES	16
_Static_assert(SPAN_RA_PAGES <= SWAP_RA_MAX, "a span is read into ra_buf");
#define SPAN_RA_SLOTS	32
#define SPAN_RA_NEAR	32	/* pages from ra_next that still count as near */

struct span_ra {
	unsigned long lo, hi;			/* the slots read, lo..hi */
	unsigned int n;				/* pages besides the faulting one */
	struct page *pages[SPAN_RA_PAGES];	/* [j]: the page at addr + j pages, or NULL */
	pte_t *pteps[SPAN_RA_PAGES];
};

static bool span_near(const struct vm_area_struct *vma, uintptr_t addr)
{
	uintptr_t d = addr > vma->ra_next ? addr - vma->ra_next : vma->ra_next - addr;

	return vma->ra_next && d <= ((uintptr_t)SPAN_RA_NEAR << PAGE_SHIFT);
}

/* Is @e's area read by the file backend? */
static bool span_area_ok(swp_entry_t e)
{
	struct swap_info_struct *si = swap_info(swp_type(e));

	return si && (!si->aops || si->aops == &swap_file_aops);
}

/* Take frames, in the swap cache and locked, for the span's pages after
 * @addr (see above).  Returns how many. */
static unsigned int span_readahead_pages(struct mm_struct *mm, struct vm_area_struct *vma,
					 uintptr_t addr, swp_entry_t entry, struct span_ra *sp)
{
	unsigned long off = swp_offset(entry);

	sp->lo = sp->hi = off;
	sp->n = 0;
	memset(sp->pages, 0, sizeof(sp->pages));
	if (!span_area_ok(entry))
		return 0;
	if (!readahead_buffer() || !swap_scratch_page())
		return 0;
	for (unsigned int j = 1; j < SPAN_RA_PAGES; j++) {
		uintptr_t a = addr + ((uintptr_t)j << PAGE_SHIFT);
		pte_t *ptep;
		swp_entry_t e;
		unsigned long o, lo, hi;
		struct page *page;

		if (a >= vma->vm_end)
			break;
		ptep = pte_offset(&mm->pgd, a);
		if (!ptep || pte_none(*ptep) || pte_present(*ptep))
			continue;
		e = pte_to_swp_entry(*ptep);
		o = swp_offset(e);
		if (swp_type(e) != swp_type(entry) || o == 0)
			continue;
		lo = o < sp->lo ? o : sp->lo;
		hi = o > sp->hi ? o : sp->hi;
		if (hi - lo >= SPAN_RA_SLOTS || lookup_swap_cache(e))
			continue;
		page = alloc_page_spare(mm);
		if (!page)
			break;
		add_to_swap_cache(page, e);
		SetPageFlag(page, PG_locked);
		sp->pages[j] = page;
		sp->pteps[j] = ptep;
		sp->lo = lo;
		sp->hi = hi;
		sp->n++;
	}
	return sp->n;
}

/* Give back the span's pages from index @from on. */
static void span_drop(struct mm_struct *mm, struct span_ra *sp, unsigned int from)
{
	for (unsigned int j = from; j < SPAN_RA_PAGES; j++) {
		if (!sp->pages[j])
			continue;
		unlock_page(sp->pages[j], &mm->page_wait);
		free_page_and_swap_cache(mm, sp->pages[j]);
		sp->pages[j] = NULL;
	}
	sp->n = 0;
}

/* Read the span's slots, the faulting one into @buf, page j into ra_buf +
 * j pages, the others into the scratch page (swap_scratch_page: no page
 * read, for the counts; never asked of the compressed tier); lock dropped around the I/O.
 * On a failed span, the faulting page is read alone and the span given
 * back.  Returns 0 or that read's error. */
static int span_read(struct mm_struct *mm, swp_entry_t entry, char *buf, struct span_ra *sp)
{
	struct iovec iov[SPAN_RA_SLOTS];
	unsigned int type = swp_type(entry);
	int ret;

	for (unsigned long s = sp->lo; s <= sp->hi; s++)
		iov[s - sp->lo] = (struct iovec){ .iov_base = swap_scratch_page(), .iov_len = PAGE_SIZE };
	iov[swp_offset(entry) - sp->lo].iov_base = buf;
	for (unsigned int j = 1; j < SPAN_RA_PAGES; j++)
		if (sp->pages[j])
			iov[swp_offset(sp->pages[j]->swap) - sp->lo].iov_base =
				ra_buf + ((size_t)j << PAGE_SHIFT);
	pthread_mutex_unlock(&mm->page_table_lock);
	ret = swap_readpages(swp_entry(type, sp->lo), iov, (int)(sp->hi - sp->lo + 1));
	if (ret)
		ret = swap_readpage(entry, buf);
	pthread_mutex_lock(&mm->page_table_lock);
	if (ret || sp->n == 0)
		span_drop(mm, sp, 1);
	return ret;
}

/* Map the span's pages read (whose PTEs still hold their slots), dirty or
 * clean as the faulting page, a run of consecutive addresses per engine
 * call; what cannot be mapped is given back.  Returns where the stream
 * goes on: the page after the last one mapped. */
static uintptr_t span_map(struct mm_struct *mm, uintptr_t addr, struct span_ra *sp, bool dirty)
{
	uintptr_t next = addr + PAGE_SIZE;
	unsigned int mapped = 0;

	for (unsigned int j = 1; j < SPAN_RA_PAGES;) {
		unsigned int k = j;
		long done;

		if (!sp->pages[j] || *sp->pteps[j] != swp_entry_to_pte(sp->pages[j]->swap)) {
			j++;
			continue;
		}
		while (k + 1 < SPAN_RA_PAGES && sp->pages[k + 1] &&
		       *sp->pteps[k + 1] == swp_entry_to_pte(sp->pages[k + 1]->swap))
			k++;
		done = mm->engine->install_run(addr + ((uintptr_t)j << PAGE_SHIFT),
					       ra_buf + ((size_t)j << PAGE_SHIFT), k - j + 1, !dirty);
		if (done <= 0)
			break;
		for (unsigned int i = j; i < j + (unsigned int)done; i++) {
			struct page *page = sp->pages[i];

			page_mapped(page, addr + ((uintptr_t)i << PAGE_SHIFT), sp->pteps[i], dirty);
			/* Read ahead, it is on probation as a first touch is.
			 * Not counted as referenced even when mapped dirty:
			 * the pages a write stream reads back would go up the
			 * active list, and every scan that passes them ages
			 * the reused pages there out with them. */
			if (!dirty)
				SetPageFlag(page, PG_readahead);
			page->age = 0;
			add_page_to_active_list_tail(mm->zone, page);
			unlock_page(page, &mm->page_wait);
			sp->pages[i] = NULL;
			mapped++;
			next = addr + ((uintptr_t)(i + 1) << PAGE_SHIFT);
		}
		if ((unsigned int)done < k - j + 1)
			break;
		j = k + 1;
	}
	span_drop(mm, sp, 1);
	if (mapped) {
		count_event(swap_ins, mapped);
		count_event(swap_readahead_pages, mapped);
		count_event(swap_readahead_runs, 1);
	}
	return next;
}


static int swap_in(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr, pte_t *ptep,
		   pte_t orig, bool write)
{
	swp_entry_t entry = pte_to_swp_entry(orig);
	struct page *pages[SWAP_RA_MAX], *page;
	pte_t *pteps[SWAP_RA_MAX];
	char *buf = bounce_page();
	unsigned int extra = 0;
	bool read_fault = !write, clean = false;	/* clean: mapped write-protected */
	struct page *cpages[SWAP_CLUSTER_RA];	/* cluster readahead's run */
	pte_t *cpteps[SWAP_CLUSTER_RA];
	unsigned int nclu = 1, self = 0, nspan = 0;
	struct span_ra span;		/* span readahead's pages */
	unsigned long lo = 0;
	int dir = 0, ret;

	if (!buf)
		return -ENOMEM;
	page = __alloc_pages(mm, &ret);
	if (!page)
		return ret;
	if (*ptep != orig || lookup_swap_cache(entry)) {
		free_page_and_swap_cache(mm, page);
		return -EAGAIN;
	}
	pages[0] = page;
	pteps[0] = ptep;
	if (!write) {
		clean = !swapin_dirty(vma);
		write = !clean;	/* mapped as a write fault's would be */
	}
	if (mm->engine->install_run) {
		unsigned int want = swapin_window(vma, addr);

		if (want > 1)
			dir = run_direction(mm, addr, entry);
		extra = swapin_readahead_pages(mm, vma, addr, entry, dir, want, pages, pteps);
	}
	for (unsigned int i = 0; i <= extra; i++) {
		add_to_swap_cache(pages[i], run_slot(entry, dir, i));
		SetPageFlag(pages[i], PG_locked);
	}
	if (extra == 0 && mm->engine->install_run && span_near(vma, addr))
		nspan = span_readahead_pages(mm, vma, addr, entry, &span);
	if (extra == 0 && nspan == 0 && vma->ra_random >= 2 && mm->engine->install_run)
		nclu = cluster_readahead_pages(mm, entry, cpages, cpteps, &lo, &self);
	if (nspan) {
		ret = span_read(mm, entry, buf, &span);
	} else if (nclu > 1) {
		cpages[self] = page;
		ret = cluster_read(mm, entry, buf, cpages, cpteps, lo, nclu, self);
	} else {
		ret = swapin_read(mm, entry, dir, buf, pages, &extra);
	}
	if (ret) {
		/* Never a zero page in its place: the program is told. */
		swap_report_error(entry, ret);
		count_event(io_errors, 1);
		ret = -EIO;
	} else {
		ret = mm->engine->install_copy(addr, buf, !write);
		count_event(swap_ins, 1);	/* read: as io_read counts it */
	}
	if (ret) {
		if (extra)
			drop_readahead(mm, pages, 1, extra);
		if (nspan)
			span_drop(mm, &span, 1);
		unlock_page(page, &mm->page_wait);
		free_page_and_swap_cache(mm, page);
		return ret;
	}
	page_mapped(page, addr, ptep, write);
	if (clean)
		SetPageFlag(page, PG_swapin_clean);
	else if (read_fault)
		count_event(swapin_mapped_dirty, 1);
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
	vma->ra_next = addr + ((uintptr_t)(extra + 1) << PAGE_SHIFT);
	if (nclu > 1)
		vma->ra_next = cluster_stream_end(mm, vma, vma->ra_next);
	if (nspan)
		vma->ra_next = span_map(mm, addr, &span, write);
	if (extra)
		map_readahead(mm, vma, addr, pages, pteps, extra);
	count_event(faults_swap_page, 1);
	fault_kind = UPAGE_LAT_SWAP_PAGE;
	return 0;
}

static int do_swap_page(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr,
			pte_t *ptep, pte_t orig, bool write)
{
	struct page *page = lookup_swap_cache(pte_to_swp_entry(orig));

	return page ? swap_cache_hit(mm, page, addr, ptep, write)
		    : swap_in(mm, vma, addr, ptep, orig, write);
}

static int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma, uintptr_t addr,
		      pte_t *ptep, pte_t pte)
{
	struct page *page = pfn_to_page(mm->zone, pte_frame(pte));
	int ret;

	/* Read ahead, then written: the stream writes what it reads. */
	if (PageFlag(page, PG_readahead)) {
		ClearPageFlag(page, PG_readahead);
		vma->ra_write = true;
	}
	if (PageFlag(page, PG_swapin_clean)) {
		ClearPageFlag(page, PG_swapin_clean);
		swapin_written(vma);
	}
	/* Read ahead by cluster, and used: it paid. */
	if (PageFlag(page, PG_clusterra)) {
		ClearPageFlag(page, PG_clusterra);
		mm->clu_score = mm->clu_score + 3 > CLU_SCORE_MAX ? CLU_SCORE_MAX : mm->clu_score + 3;
	}
	ret = mm->engine->unprotect(addr);
	if (ret)
		return ret;
	SetPageDirty(page);
	SetPageReferenced(page);
	ClearPageFlag(page, PG_wp);
	*ptep = pte_mkdirty(pte_mkwrite(pte));
	count_event(faults_wp_page, 1);
	fault_kind = UPAGE_LAT_WP_PAGE;
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
			return do_wp_page(mm, vma, addr, ptep, entry);
		/* Served already (two threads faulted on one page), unless the
		 * kernel dropped a page we mapped: the program's own madvise
		 * made without libc, in a Go program (page_lost); in any other,
		 * a bug, never to be papered over with a zero page. */
		int resident = page_resident(addr);

		if (resident != 1) {
			if (!mm->raw_madvise)
				return page_lost_bug(mm, entry, resident);
			page_lost(mm, pfn_to_page(mm->zone, pte_frame(entry)));
			return do_no_page(mm, vma, addr, ptep, write);
		}
		mm->engine->wake(addr);
		return 0;
	}
	if (pte_none(entry))
		return do_no_page(mm, vma, addr, ptep, write);
	return do_swap_page(mm, vma, addr, ptep, entry, write);
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

unsigned long nr_faults_in_flight(void)
{
	return (unsigned long)__atomic_load_n(&faults_in_flight, __ATOMIC_RELAXED);
}

/* The fault that began at @t0 was served: its latency, by what served it. */
static void fault_latency(uint64_t t0)
{
	if (fault_kind >= 0)
		latency_record_since((enum upage_latency_kind)fault_kind, t0);
	fault_kind = -1;
}

/*
 * 0, or -EFAULT when no region allows the access, or why it failed.  A
 * fault served is timed from here to the page mapped (the engine releases
 * the thread at once: UFFDIO_COPY wakes it, an in-thread engine returns),
 * and recorded while it still counts as in flight, so that the report,
 * which waits for the faults in flight, finds each histogram's count
 * equal to its counter.
 */
static int __do_page_fault(struct mm_struct *mm, uintptr_t addr, unsigned int flags)
{
	uint64_t t0 = latency_now();
	struct vm_area_struct *vma;
	int ret;

	mmap_read_lock(mm);
	count_in_flight(&faults_in_flight, max_faults_in_flight, 1);
	vma = find_vma_containing(mm, addr);
	/* 2.4's good_area: the region must allow the access (a foreign
	 * mapping's fault is the kernel's, and so the program's). */
	if (!vma || (vma->vm_flags & VM_FOREIGN) || !(vma->vm_flags & VM_ACCESS_FLAGS) ||
	    ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_WRITE))) {
		count_event(faults_bad, 1);
		ret = -EFAULT;
	} else {
		ret = handle_mm_fault(mm, vma, addr, flags);
		if (ret == 0)
			fault_latency(t0);
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
			  "mapped (a bug in upage; page flags %#lx, vaddr %#lx, list %u, "
			  "mincore %d)",
			  (unsigned long)address, lost.flags, (unsigned long)lost.vaddr, lost.lru,
			  lost.resident);
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

	fault_kind = -1;
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

/*
 * The PTE once no page it names is under I/O: a page being written out or
 * read in is waited for (the lock dropped), and the PTE read again, since
 * the wait may change it: a failed write moves its page to a new slot
 * (page_launder's relocate_page), a fault may map it.
 */
static pte_t zap_pte_settled(struct mm_struct *mm, pte_t *ptep)
{
	for (;;) {
		pte_t pte = *ptep;
		struct page *page;

		if (pte_none(pte) || pte_present(pte))
			return pte;
		page = lookup_swap_cache(pte_to_swp_entry(pte));
		if (!page || !PageLocked(page))
			return pte;
		wait_on_page(page, &mm->page_table_lock, &mm->page_wait);
	}
}

/* Release whatever backs one PTE of a range being zapped. */
static int zap_pte(pte_t *ptep, uintptr_t addr, void *arg)
{
	struct zap_details *zd = arg;
	struct mm_struct *mm = zd->mm;
	pte_t pte = zap_pte_settled(mm, ptep);

	if (pte_none(pte))
		return 0;	/* zapped meanwhile */
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
		struct page *page = lookup_swap_cache(entry);

		if (page) {
			/* Freed while unmapped: time on the inactive list
			 * saved (or would have saved) its write. */
			inactive_target_freed(mm->zone, page);
			free_page_and_swap_cache(mm, page);
		}
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
