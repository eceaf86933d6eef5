// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fork.c - fork without exec: the child gets a pager of its own.
 *
 * After fork the child has a copy of everything upage keeps (page table,
 * frames, swap cache, frame pool: all private memory) but none of its
 * threads, and the kernel has dropped the child's userfaultfd
 * registrations: left alone, its paged-out pages would read as zeros.  So:
 *
 *  prepare  (parent)  hold off the program's asynchronous signals, take
 *           mmap_lock and page_table_lock in rank order,
 *           wait until no page is under I/O, and take one more reference
 *           on every swap slot the parent uses: the child may read any of
 *           them, and the parent must never hand them out again.  (Those
 *           references are the child's and are never dropped: the slots
 *           are leaked until the parent exits, the price of not tracking
 *           the child's lifetime.)
 *  parent   release the locks.
 *  child    release the locks; freeze the inherited swap areas (shared
 *           with the parent: readable, never written) and add a private
 *           one; the compressed pool is the child's copy, and the
 *           entries it holds for the parent's slots are never written
 *           back (zswap_fork_child); mark every mapped clean page dirty (the kernel dropped
 *           the write-protection that told us of writes, and the child
 *           must not later drop a page it changed); give the engine a new
 *           registration and handler thread; then drop the regions
 *           the program marked MADV_DONTFORK and empty those marked
 *           MADV_WIPEONFORK (fork_child_advice: upage, not the kernel,
 *           keeps these, since the child's memory is upage's copy), and
 *           start a kswapd.
 *
 * Order with jemalloc.  jemalloc's fork handlers lock and unlock its
 * mutexes, which live in the arena: its prepare must run before ours
 * (after ours no thread may touch the arena: the forking thread would
 * fault on mmap_lock, which it holds) and its parent and child handlers
 * after ours (before ours, the child still maps the parent's memory, and
 * both would fault on the locks prepare took).  glibc runs prepare
 * handlers in the reverse order of registration, so that order holds only
 * when ours are registered first, and a library initialised before
 * libupage (a C++ program's libstdc++ calls malloc from its own
 * constructor, and jemalloc registers its handlers then) reverses it:
 * redis-server deadlocked in BGSAVE that way under the SIGSEGV engine.
 * So jemalloc's pthread_atfork call lands in the hidden pthread_atfork
 * below, which only records the handlers, and ours call them in the order above
 * whenever jemalloc was initialised.
 *
 * Pages pinned by a system call (PagePinned: syscall_trap.c) are not
 * under I/O and are not waited for: a thread blocked in read() into the
 * heap holds its pins for as long as it likes, and fork must not wait on
 * it.  They are resident and copied like the others; the child, where
 * that thread does not exist, drops the pins.
 *
 * Pages shared copy-on-write by parent and child cannot be moved by
 * UFFDIO_MOVE: the engine copies them instead (fault_uffd.c).
 */
#include "autoconfig.h"

#include "fork.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memory.h"
#include "mmap.h"
#include "overhead.h"
#include "ownfd.h"
#include "mlock.h"
#include "runtime.h"
#include "sampler.h"
#include "signals.h"
#include "stats.h"
#include "swap_memcached.h"
#include "swap_state.h"
#include "swapfile.h"
#include "sys.h"
#include "upaged_client.h"
#include "vmscan.h"
#include "zswap.h"

/* A page under I/O? */
static bool any_page_locked(void)
{
	struct zone *z = &upage.zone;

	for (unsigned long i = 0; i < z->nr_frames; i++)
		if (PageLocked(&z->mem_map[i]))
			return true;
	return false;
}

/*
 * jemalloc's fork handlers (see "Order with jemalloc" above).  Written
 * once, by jemalloc's initialisation, which calls pthread_atfork: the
 * definition here is hidden, so that call binds to it inside libupage and
 * the program's own pthread_atfork calls still reach libc.
 */
static void (*alloc_prepare)(void), (*alloc_parent)(void), (*alloc_child)(void);

__attribute__((visibility("hidden"))) int pthread_atfork(void (*prepare)(void),
							 void (*parent)(void),
							 void (*child)(void))
{
	if (__atomic_load_n(&alloc_prepare, __ATOMIC_ACQUIRE))
		return ENOMEM;	/* one set only: jemalloc's */
	alloc_parent = parent;
	alloc_child = child;
	__atomic_store_n(&alloc_prepare, prepare, __ATOMIC_RELEASE);
	return 0;
}

/* Run one of jemalloc's handlers, if jemalloc registered them. */
static void alloc_handler(void (*const *handler)(void))
{
	if (__atomic_load_n(&alloc_prepare, __ATOMIC_ACQUIRE) && *handler)
		(*handler)();
}

/* glibc's registration, which pthread_atfork (libc_nonshared.a) wraps. */
extern int __register_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void),
			     void *dso_handle);
extern void *__dso_handle;

/* One more reference on the slot behind a PTE: the child's. */
static int pin_slot(pte_t *ptep, uintptr_t addr, void *arg)
{
	pte_t pte = *ptep;

	if (!pte_present(pte)) {
		swap_duplicate(pte_to_swp_entry(pte));
	} else {
		struct page *page = pfn_to_page(&upage.zone, pte_frame(pte));

		if (PageSwapCache(page))
			swap_duplicate(page->swap);
	}
	return 0;
}

/* The forking thread's signal mask, kept from prepare to parent or child:
 * no handler of the program's may run while upage's locks are held (see
 * lock_mm in mmap.c). */
static TLS sigset_t fork_sigmask;

void upage_fork_prepare(void)
{
	struct mm_struct *mm = &upage.mm;
	sigset_t async;

	swap_memcached_fork_prepare();	/* may connect: before jemalloc's locks */
	alloc_handler(&alloc_prepare);	/* jemalloc's locks, while the arena is open */
	if (!upage.active)
		return;
	upage_async_signals(&async);
	sys_sigmask(SIG_BLOCK, &async, &fork_sigmask);
	mmap_write_lock(mm);
	pthread_mutex_lock(&mm->page_table_lock);
	while (any_page_locked())
		pthread_cond_wait(&mm->page_wait, &mm->page_table_lock);
	walk_page_range(&mm->pgd, mm->arena.base, mm->arena.base + mm->arena.size, pin_slot, NULL);
	if (upage.mm.engine->fork_prepare)
		upage.mm.engine->fork_prepare();
	swap_memcached_fork_lock();	/* no page under I/O now */
	overhead_fork_prepare();	/* raw pages: last, nothing waits on it */
}

void upage_fork_parent(void)
{
	struct mm_struct *mm = &upage.mm;

	if (upage.active) {
		overhead_fork_parent();
		if (upage.mm.engine->fork_parent)
			upage.mm.engine->fork_parent();
		pthread_mutex_unlock(&mm->page_table_lock);
		mmap_write_unlock(mm);
		sys_sigmask(SIG_SETMASK, &fork_sigmask, NULL);
	}
	alloc_handler(&alloc_parent);
	swap_memcached_fork_parent();	/* frees: after jemalloc's */
}

/* The child's write-protection is gone: treat every mapped page as dirty. */
static int dirty_mapped(pte_t *ptep, uintptr_t addr, void *arg)
{
	pte_t pte = *ptep;

	if (pte_present(pte) && !pte_dirty(pte)) {
		struct page *page = pfn_to_page(&upage.zone, pte_frame(pte));

		SetPageDirty(page);
		ClearPageFlag(page, PG_wp);
		*ptep = pte_mkdirty(pte_mkwrite(pte));
	}
	return 0;
}

static int register_region(struct vm_area_struct *vma, void *arg)
{
	if (vma->vm_flags & VM_FOREIGN)
		return 0;	/* the kernel's mapping, which fork copied */
	return upage.mm.engine->fork_child_range(vma->vm_start, vma->vm_end - vma->vm_start);
}

/*
 * The child's own swap area: a new private file where the parent's is
 * one, but a block device or an existing swap file is the parent's alone
 * (opened O_EXCL or locked, and its slots are the parent's to allocate),
 * so the child's file goes to $TMPDIR.
 */
static const char *child_swap_location(void)
{
	struct stat st;

	if (stat(upage.swap_path, &st) == 0 && (S_ISBLK(st.st_mode) || S_ISREG(st.st_mode)))
		snprintf(upage.swap_path, sizeof(upage.swap_path), "%s", swap_default_dir());
	return upage.swap_path;
}

static int fork_child(void)
{
	struct mm_struct *mm = &upage.mm;
	struct zone *z = &upage.zone;
	int ret;

	pthread_cond_init(&mm->page_wait, NULL);
	/* The threads that held pins are the parent's. */
	for (unsigned long i = 0; i < z->nr_frames; i++)
		z->mem_map[i].pins = 0;
	mlock_fork_child(z);
	/* The cap in force now (the parent's may have been set since start),
	 * the compressed pool included. */
	stats_init(upage.mm.engine->name, zswap_cap_bytes(z->cap_frames), mm->arena.size);
	control_setup();
	upaged_client_fork_child();
	zswap_fork_child();	/* its entries are of the parent's slots */
	swap_freeze_all();
	swap_memcached_fork_child();	/* connections of its own */
	if (swap_is_memcached(upage.swap_path))
		ret = swapon_memcached_child(upage.swap_path, 1);
	else
		ret = swapon(child_swap_location(), 1, 0);
	if (ret < 0)
		return ret;
	/* Clean inactive pages keep their copy in the parent's area (pinned);
	 * dirty ones get slots of the child's own when laundered. */
	walk_page_range(&mm->pgd, mm->arena.base, mm->arena.base + mm->arena.size, dirty_mapped,
			NULL);
	if (upage.mm.engine->fork_child) {
		ret = upage.mm.engine->fork_child(mm);
		if (ret)
			return ret;
	}
	/* MADV_DONTFORK and MADV_WIPEONFORK, once the engine serves the
	 * child's own memory (its zap must not reach the parent's). */
	ret = fork_child_advice(mm);
	if (ret)
		return ret;
	if (upage.mm.engine->fork_child) {
		ret = vma_for_each(mm, register_region, NULL);
		if (ret)
			return ret;
	}
	ret = kswapd_start(mm, &upage_kswapd_env);
	if (!ret && sampler_start())
		upage_msg("forked child %d: no sampler (no timeline)", (int)getpid());
	return ret;
}

void upage_fork_child(void)
{
	struct mm_struct *mm = &upage.mm;
	int ret;

	ownfd_fork_child();	/* before any descriptor is replaced */
	if (upage.active) {
		overhead_fork_child();
		/* prepare took mmap_lock for writing in the parent's thread,
		 * which glibc's rwlock knows by its tid, not this thread's: it
		 * is made anew here, and held again for what follows. */
		mm_reinit_mmap_lock(mm);
		mmap_write_lock(mm);
		ret = fork_child();
		pthread_mutex_unlock(&mm->page_table_lock);
		mmap_write_unlock(mm);
		sys_sigmask(SIG_SETMASK, &fork_sigmask, NULL);
		if (ret) {
			/* Its memory cannot be served: better an honest death
			 * than zeros where data was. */
			upage_msg("forked child %d cannot page its memory: %s", (int)getpid(),
				  strerrordesc_np(-ret));
			_exit(127);
		}
	}
	alloc_handler(&alloc_child);	/* the arena is the child's own now */
	if (upage.active)
		swap_memcached_fork_child_start();
}

int fork_handlers_install(void)
{
	return -__register_atfork(upage_fork_prepare, upage_fork_parent, upage_fork_child,
				  __dso_handle);
}
