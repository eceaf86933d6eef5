// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mlock.c - mlock, mlock2, munlock, mlockall and munlockall on the arena.
 *
 * The kernel's mlock on arena memory would fault in every page of the
 * range behind upage's back (under uffd, into the handler threads, and
 * mlockall into all 4 GiB of the reservation) and then forbid dropping
 * them: reclaim could free nothing and the program waited forever.  So
 * the arena's part of a range is locked here, with the kernel's meaning
 * under the cap: each page is brought in and marked PG_mlocked with a pin
 * (page_alloc.h), so reclaim leaves it resident; locked pages count
 * against the cap, and a request that would leave fewer than a quarter of
 * the frames (at least 16) to everything else fails with EAGAIN ("could
 * not be locked"), or with ENOMEM past RLIMIT_MEMLOCK for a user without
 * the privilege, as the kernel's.  The parts of a range outside the arena
 * go to the kernel; mlockall locks the arena only (the kernel's mlockall
 * would fault in the whole reservation).  MCL_FUTURE locks later anonymous
 * mappings and new heap extents in the arena; a mapping that cannot be
 * locked is refused (EAGAIN), as the kernel's mmap under MCL_FUTURE.  Not
 * done: heap memory jemalloc hands out again from address space it kept
 * (retained, purged) is not locked by MCL_FUTURE.  MADV_DONTNEED on a
 * locked page fails with EINVAL, as the kernel's.  MCL_ONFAULT is taken as MCL_CURRENT
 * (pages are brought in at once).  Locks do not nest; munmap and
 * madvise(MADV_DONTNEED) drop a page's lock with the page (zap_pte), a
 * forked child starts with none (fork.c), and an exec'd program too.
 *
 * Locking: PG_mlocked, the pins and zone->nr_mlocked under
 * page_table_lock; a range's regions are looked up under mmap_lock for
 * reading, dropped while a page is touched (the fault takes it).
 */
#include "autoconfig.h"

#include "mlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mm.h"
#include "runtime.h"
#include "sys.h"

#ifndef MCL_ONFAULT
#define MCL_ONFAULT	4
#endif

static bool lock_future;	/* MCL_FUTURE in force: atomic */

/* region_flags: a region holds the address (its flags may be 0). */
#define REGION_FOUND	(1UL << 63)

static void touch(uintptr_t addr, bool write)
{
	if (write)
		__asm__ volatile("lock orb $0, %0" : "+m"(*(volatile char *)addr));
	else
		(void)*(volatile const char *)addr;
}

int get_user_page(struct mm_struct *mm, uintptr_t addr, bool write, struct page **out)
{
	for (int tries = 0; tries < 1000; tries++) {
		struct page *page;
		pte_t pte;

		touch(addr, write);
		pthread_mutex_lock(&mm->page_table_lock);
		pte = pte_get(&mm->pgd, addr);
		page = pte_present(pte) ? pfn_to_page(mm->zone, pte_frame(pte)) : NULL;
		if (page && (!write || pte_write(pte)) && pin_page(page)) {
			pthread_mutex_unlock(&mm->page_table_lock);
			*out = page;
			return 0;
		}
		/* Evicted again between the touch and the lock (or pinned
		 * UINT16_MAX times): retry. */
		pthread_mutex_unlock(&mm->page_table_lock);
	}
	return -EAGAIN;
}

/* Frames the locks may take: all but a quarter of the cap (at least 16). */
static unsigned long mlock_limit(const struct zone *z)
{
	unsigned long keep = z->nr_frames / 4 < 16 ? 16 : z->nr_frames / 4;

	return z->nr_frames > keep ? z->nr_frames - keep : 0;
}

/* The region flags at @addr, or 0 when no region holds it. */
static unsigned long region_flags(struct mm_struct *mm, uintptr_t addr, uintptr_t *end)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	vma = find_vma_containing(mm, addr);
	if (vma) {
		flags = vma->vm_flags | REGION_FOUND;
		*end = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return flags;
}

/* Does the process hold CAP_IPC_LOCK in its effective set?  The kernel
 * asks this, not the uid: root without it (setpriv --bounding-set=-ipc_lock)
 * is held to RLIMIT_MEMLOCK, and memtester reads the EPERM as "test
 * unlocked".  Unknown (capget failed): treated as held, as before. */
static bool has_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};

	if (sys_syscall(SYS_capget, &hdr, data) != 0)
		return geteuid() == 0;
	return data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective & CAP_TO_MASK(CAP_IPC_LOCK);
}

/* May @more pages be locked?  0, -EAGAIN past the cap's share, -ENOMEM
 * past RLIMIT_MEMLOCK (-EPERM when it is 0) without CAP_IPC_LOCK. */
static int may_lock(struct mm_struct *mm, unsigned long more)
{
	unsigned long total = mm->zone->nr_mlocked + more;
	struct rlimit rl;

	if (!has_ipc_lock() && getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY) {
		if (!rl.rlim_cur)
			return -EPERM;
		if ((total << PAGE_SHIFT) > rl.rlim_cur)
			return -ENOMEM;
	}
	return total > mlock_limit(mm->zone) ? -EAGAIN : 0;
}

/* Pages of [@start, @end) not locked yet; -ENOMEM if a page has no
 * region (the kernel's answer). */
static long count_unlocked(struct mm_struct *mm, uintptr_t start, uintptr_t end)
{
	long n = 0;

	for (uintptr_t a = start, vend = 0; a < end; a += PAGE_SIZE) {
		unsigned long flags = a < vend ? REGION_FOUND : region_flags(mm, a, &vend);
		pte_t pte;

		if (!flags)
			return -ENOMEM;
		pthread_mutex_lock(&mm->page_table_lock);
		pte = pte_get(&mm->pgd, a);
		if (!pte_present(pte) ||
		    !PageFlag(pfn_to_page(mm->zone, pte_frame(pte)), PG_mlocked))
			n++;
		pthread_mutex_unlock(&mm->page_table_lock);
	}
	return n;
}

static void unlock_page_locked(struct mm_struct *mm, struct page *page)
{
	if (!PageFlag(page, PG_mlocked))
		return;
	ClearPageFlag(page, PG_mlocked);
	unpin_page(page);
	mm->zone->nr_mlocked--;
	/* An unlocked page says nothing of its reuse: it goes where a new
	 * page goes, next in line for refill_inactive_scan.  Left where the
	 * lock kept it, up the active list, a stream of new pages would be
	 * reclaimed from the tail for ever before the scan reached it. */
	if (PageActive(page)) {
		page->age = 0;
		add_page_to_active_list_tail(mm->zone, page);
	}
}

/* munlock of [@start, @end) of the arena. */
static void unlock_range(struct mm_struct *mm, uintptr_t start, uintptr_t end)
{
	pthread_mutex_lock(&mm->page_table_lock);
	for (uintptr_t a = start; a < end; a += PAGE_SIZE) {
		pte_t pte = pte_get(&mm->pgd, a);

		if (pte_present(pte))
			unlock_page_locked(mm, pfn_to_page(mm->zone, pte_frame(pte)));
	}
	pthread_mutex_unlock(&mm->page_table_lock);
}

/* mlock of [@start, @end) of the arena. */
static int lock_range(struct mm_struct *mm, uintptr_t start, uintptr_t end)
{
	long need = count_unlocked(mm, start, end);
	int ret;

	if (need < 0)
		return (int)need;
	ret = may_lock(mm, (unsigned long)need);
	if (ret)
		return ret;
	unsigned long flags = 0;

	for (uintptr_t a = start, vend = 0; a < end; a += PAGE_SIZE) {
		struct page *page;

		if (a >= vend)
			flags = region_flags(mm, a, &vend);
		if (flags & VM_FOREIGN) {
			/* The kernel's own mapping: the kernel's mlock. */
			if (sys_syscall(SYS_mlock, a, PAGE_SIZE)) {
				ret = -errno;
				unlock_range(mm, start, a);
				return ret;
			}
			continue;
		}
		if (!(flags & VM_READ))
			continue;	/* PROT_NONE: locked as it is, nothing to bring in */
		ret = get_user_page(mm, a, flags & VM_WRITE, &page);
		if (ret) {
			unlock_range(mm, start, a);
			return ret;
		}
		pthread_mutex_lock(&mm->page_table_lock);
		if (PageFlag(page, PG_mlocked)) {
			unpin_page(page);	/* locked already: one pin is its lock */
		} else {
			SetPageFlag(page, PG_mlocked);
			mm->zone->nr_mlocked++;
		}
		pthread_mutex_unlock(&mm->page_table_lock);
	}
	return 0;
}

/* Cut [@s, @s + @len) at the arena: @fn on the arena's part, @kernel
 * (the system call) on the parts outside it. */
static int split(uintptr_t s, size_t len, int (*fn)(struct mm_struct *, uintptr_t, uintptr_t),
		 long kernel)
{
	struct mm_struct *mm = &upage.mm;
	uintptr_t e, as, ae, lo, hi;
	int ret = 0;

	e = PAGE_ALIGN(s + len);
	s &= PAGE_MASK;
	if (e < s)
		return -EINVAL;
	if (!upage.active)
		return sys_syscall(kernel, s, e - s) ? -errno : 0;
	as = mm->arena.base;
	ae = as + mm->arena.size;
	lo = s > as ? s : as;
	hi = e < ae ? e : ae;
	if (s < lo && sys_syscall(kernel, s, (lo < e ? lo : e) - s))
		return -errno;
	if (hi < e && sys_syscall(kernel, hi > s ? hi : s, e - (hi > s ? hi : s)))
		return -errno;
	if (lo < hi)
		ret = fn(mm, lo, hi);
	return ret;
}

static int unlock_fn(struct mm_struct *mm, uintptr_t s, uintptr_t e)
{
	unlock_range(mm, s, e);
	return 0;
}

static int result(int ret)
{
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

EXPORT int mlock(const void *addr, size_t len)
{
	return result(split((uintptr_t)addr, len, lock_range, SYS_mlock));
}

EXPORT int mlock2(const void *addr, size_t len, unsigned int flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return result(-EINVAL);
	return mlock(addr, len);
}

EXPORT int munlock(const void *addr, size_t len)
{
	return result(split((uintptr_t)addr, len, unlock_fn, SYS_munlock));
}

/* The first region at or after @from, as [r[0], r[1]), or false. */
static bool next_region(struct mm_struct *mm, uintptr_t from, uintptr_t r[2])
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, from);
	if (vma) {
		r[0] = vma->vm_start > from ? vma->vm_start : from;
		r[1] = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return vma != NULL;
}

EXPORT int mlockall(int flags)
{
	struct mm_struct *mm = &upage.mm;
	uintptr_t r[2] = { 0, 0 };
	int ret = 0;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return result(-EINVAL);
	if (!upage.active)
		return sys_syscall(SYS_mlockall, flags) ? -1 : 0;
	if (flags & MCL_CURRENT) {
		uintptr_t from = mm->arena.base;
		long need = 0, n;

		/* All or nothing, as far as the cap goes. */
		while (next_region(mm, from, r)) {
			n = count_unlocked(mm, r[0], r[1]);
			need += n > 0 ? n : 0;
			from = r[1];
		}
		ret = may_lock(mm, (unsigned long)need);
		for (from = mm->arena.base; ret == 0 && next_region(mm, from, r); from = r[1])
			ret = lock_range(mm, r[0], r[1]);
	}
	if (ret == 0 && (flags & MCL_FUTURE))
		__atomic_store_n(&lock_future, true, __ATOMIC_RELEASE);
	return result(ret);
}

EXPORT int munlockall(void)
{
	struct mm_struct *mm = &upage.mm;
	struct zone *z = mm->zone;

	if (!upage.active)
		return sys_syscall(SYS_munlockall) ? -1 : 0;
	__atomic_store_n(&lock_future, false, __ATOMIC_RELEASE);
	pthread_mutex_lock(&mm->page_table_lock);
	for (unsigned long i = 0; i < z->nr_frames; i++)
		unlock_page_locked(mm, &z->mem_map[i]);
	pthread_mutex_unlock(&mm->page_table_lock);
	return sys_syscall(SYS_munlockall) ? -1 : 0;
}

bool mlock_range_locked(struct mm_struct *mm, uintptr_t start, uintptr_t end)
{
	bool locked = false;

	pthread_mutex_lock(&mm->page_table_lock);
	for (uintptr_t a = start; mm->zone->nr_mlocked && a < end && !locked; a += PAGE_SIZE) {
		pte_t pte = pte_get(&mm->pgd, a);

		locked = pte_present(pte) &&
			 PageFlag(pfn_to_page(mm->zone, pte_frame(pte)), PG_mlocked);
	}
	pthread_mutex_unlock(&mm->page_table_lock);
	return locked;
}

int mlock_new_mapping(uintptr_t start, size_t len)
{
	if (!__atomic_load_n(&lock_future, __ATOMIC_ACQUIRE))
		return 0;
	return lock_range(&upage.mm, start, start + PAGE_ALIGN(len));
}

void mlock_fork_child(struct zone *z)
{
	for (unsigned long i = 0; i < z->nr_frames; i++)
		ClearPageFlag(&z->mem_map[i], PG_mlocked);
	z->nr_mlocked = 0;
	__atomic_store_n(&lock_future, false, __ATOMIC_RELEASE);
}
