// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trap_pins.c - arena pages held resident while the kernel reads or
 * writes them outside any fault handler: the buffers of a trapped system
 * call (syscall_trap.c), the requests of an io_uring in flight
 * (syscall_uring.c), a posix_spawn child's vectors (spawn_child.c).
 *
 * A page is brought in as a fault would bring it (get_user_page) and
 * pinned (PagePinned, page_alloc.h): reclaim never deactivates it, so it
 * stays mapped, with its protection, until it is unpinned.
 *
 * Locking: bringing a page in takes mmap_lock, then page_table_lock, as
 * a fault does; pins are taken and dropped under page_table_lock.  The
 * callers block asynchronous signals around both (or run in the SIGSYS
 * handler, where they are blocked).
 */
#include "autoconfig.h"

#include "trap_pins.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "memory.h"
#include "mlock.h"
#include "mm.h"
#include "page_alloc.h"
#include "signals.h"
#include "sys.h"

static struct mm_struct *trap_mm;	/* whose arena's buffers are pinned */

void trap_pins_init(struct mm_struct *mm)
{
	__atomic_store_n(&trap_mm, mm, __ATOMIC_RELEASE);
}

int trap_get_page(uintptr_t addr, bool write, struct page **out)
{
	struct mm_struct *mm = trap_mm;
	struct vm_area_struct *vma;
	bool ok;

	mmap_read_lock(mm);
	vma = find_vma_containing(mm, addr);
	if (vma && (vma->vm_flags & VM_FOREIGN)) {
		mmap_read_unlock(mm);
		return 1;	/* the kernel's own mapping: nothing to bring in */
	}
	ok = vma && (vma->vm_flags & VM_READ);
	/* A buffer the call may write in a read-only mapping: brought in
	 * for reading, and the kernel says what it says of the write. */
	if (ok && write && !(vma->vm_flags & VM_WRITE))
		write = false;
	mmap_read_unlock(mm);
	if (!ok)
		return -EFAULT;	/* as the kernel would say */
	return get_user_page(mm, addr & PAGE_MASK, write, out);
}

void trap_put_pages(struct page *const *pages, int n)
{
	struct mm_struct *mm = trap_mm;

	pthread_mutex_lock(&mm->page_table_lock);
	for (int i = 0; i < n; i++)
		unpin_page(pages[i]);
	pthread_mutex_unlock(&mm->page_table_lock);
}

int trap_pin_page(struct trap_pins *ps, uintptr_t addr, bool write)
{
	struct page *page;
	int ret;

	if (ps->n == TRAP_MAX_PINS)
		return -E2BIG;
	ret = trap_get_page(addr, write, &page);
	if (ret == 1)
		return 0;
	if (ret == 0) {
		ps->p[ps->n].page = page;
		ps->p[ps->n].vaddr = addr;
		ps->n++;
	}
	return ret;
}

int trap_pin_span(struct trap_pins *ps, uintptr_t start, size_t len, bool write)
{
	uintptr_t end = start + len;
	int ret;

	if (!len)
		return 0;
	if (end < start)
		return -EFAULT;
	for (uintptr_t a = start & PAGE_MASK; a < end; a += PAGE_SIZE) {
		if (!arena_contains(&trap_mm->arena, a))
			continue;
		ret = trap_pin_page(ps, a, write);
		if (ret)
			return ret;
	}
	return 0;
}

/* A path: pinned page by page up to its NUL (at most two pages). */
int trap_pin_string(struct trap_pins *ps, uintptr_t s)
{
	uintptr_t a = s;
	int ret;

	if (!s)
		return 0;
	for (int pages = 0; pages < 2; pages++) {
		uintptr_t end = (a & PAGE_MASK) + PAGE_SIZE;

		if (arena_contains(&trap_mm->arena, a)) {
			ret = trap_pin_page(ps, a & PAGE_MASK, false);
			if (ret)
				return ret;
		}
		for (; a < end; a++)
			if (!*(volatile const char *)a)
				return 0;
	}
	return 0;
}

void trap_unpin_locked(struct trap_pins *ps)
{
	struct mm_struct *mm = trap_mm;

	if (!ps->n)
		return;
	pthread_mutex_lock(&mm->page_table_lock);
	for (int i = 0; i < ps->n; i++)
		unpin_page(ps->p[i].page);
	pthread_mutex_unlock(&mm->page_table_lock);
	ps->n = 0;
}

/* Already pinned in @ps? */
static bool pinned_in(const struct trap_pins *ps, uintptr_t page)
{
	for (int i = 0; i < ps->n; i++)
		if (ps->p[i].vaddr == page)
			return true;
	return false;
}

int trap_pin_range(struct trap_pins *ps, const void *addr, size_t len, bool write)
{
	uintptr_t s = (uintptr_t)addr, e = s + len;
	sigset_t blocked, old;
	int ret = 0;

	if (!len || !__atomic_load_n(&trap_mm, __ATOMIC_ACQUIRE))
		return 0;
	/* Pins take mmap_lock and page_table_lock, as a fault does: no
	 * handler of the program's may run meanwhile. */
	upage_async_signals(&blocked);
	sys_sigmask(SIG_BLOCK, &blocked, &old);
	for (uintptr_t a = s & PAGE_MASK; a < e && ret == 0; a += PAGE_SIZE)
		if (arena_contains(&trap_mm->arena, a) && !pinned_in(ps, a))
			ret = trap_pin_page(ps, a, write);
	sys_sigmask(SIG_SETMASK, &old, NULL);
	return ret == -EFAULT ? 0 : ret;
}

void trap_unpin_all(struct trap_pins *ps)
{
	sigset_t blocked, old;

	upage_async_signals(&blocked);
	sys_sigmask(SIG_BLOCK, &blocked, &old);
	trap_unpin_locked(ps);
	sys_sigmask(SIG_SETMASK, &old, NULL);
}

