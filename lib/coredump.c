// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * coredump.c - a core dump holds the heap, the part on swap included.
 *
 * The kernel dumps what is mapped.  Pages upage has paged out are not:
 * under userfaultfd the dump skips them (handle_userfault gives up at
 * once for a task that is dumping, PF_DUMPCORE), under the SIGSEGV engine
 * their memfd pages are holes.  So when a signal is about to dump core
 * and RLIMIT_CORE allows a dump, upage first maps every page of the heap
 * back in (copies of the swap cache's frames, or read from swap) with
 * the engine's install_copy, past the cap (the process is dying), holding
 * mmap_lock and page_table_lock so that nothing is evicted meanwhile and
 * never letting them go.  When that would take more memory than the
 * system has available, or upage's locks are held by the crashed thread,
 * it says so on stderr instead, once.
 *
 * Which signals: SIGQUIT, SIGILL, SIGABRT, SIGBUS, SIGFPE, SIGSEGV,
 * SIGSYS, SIGXCPU and SIGXFSZ, whose default action is a core dump, are
 * claimed at start while the program leaves them at their default and
 * RLIMIT_CORE is not 0 (SIGTRAP is left to debuggers).  A program that
 * sets its own action on one gets it installed as it asked, and the claim
 * ends (coredump_release); one it sets back to the default (or that was
 * ignored at start and is made default) is claimed then (coredump_adopt).
 * The SIGSEGV engine's SIGSEGV, SIGBUS and
 * SIGSYS, claimed for good, call coredump_prepare where the default
 * action is taken.
 */
#include "autoconfig.h"

#include "coredump.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "memory.h"
#include "mm.h"
#include "page_io.h"
#include "runtime.h"
#include "swap_state.h"
#include "swapfile.h"
#include "sys.h"
#include "signals.h"

static const int core_signals[] = { SIGQUIT, SIGILL, SIGABRT, SIGBUS, SIGFPE,
				    SIGSEGV, SIGSYS, SIGXCPU, SIGXFSZ };

/* Claimed here, for the dump only: written at start and by the program's
 * sigaction (coredump_release). */
static bool core_only[NSIG];

static bool dumps_core(int sig)
{
	for (size_t i = 0; i < sizeof(core_signals) / sizeof(core_signals[0]); i++)
		if (core_signals[i] == sig)
			return true;
	return false;
}

/* A signal raised by a faulting instruction comes again when the
 * handler returns; any other must be sent again. */
static bool refaults(int sig, const siginfo_t *si)
{
	return (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) &&
	       si->si_code > 0 && si->si_code != SI_KERNEL;
}

static bool lock_within(pthread_mutex_t *m, int ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };

	for (int i = 0; i < ms; i++) {
		if (pthread_mutex_trylock(m) == 0)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* mmap_lock for writing (every fault is out of the fault path then), or
 * false after @ms milliseconds. */
static bool mmap_lock_within(struct mm_struct *mm, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return pthread_rwlock_timedwrlock(&mm->mmap_lock, &ts) == 0;
}

/* MemAvailable from /proc/meminfo, in bytes (0: unknown). */
static unsigned long long mem_available(void)
{
	long long kib = sys_read_number("/proc/meminfo", "MemAvailable:", 0);

	return kib > 0 ? (unsigned long long)kib << 10 : 0;
}

struct bring_in {
	unsigned long pages;	/* counted, then brought in */
	unsigned long failed;	/* swap reads that failed */
	bool install;		/* count only, or install too */
};

static char bounce[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* A page on swap (or in the swap cache, unmapped): mapped back in. */
static int bring_pte(pte_t *ptep, uintptr_t addr, void *arg)
{
	struct bring_in *b = arg;
	swp_entry_t entry;
	struct page *page;
	const void *data;

	if (pte_none(*ptep) || pte_present(*ptep))
		return 0;
	b->pages++;
	if (!b->install)
		return 0;
	entry = pte_to_swp_entry(*ptep);
	page = lookup_swap_cache(entry);
	if (page) {
		data = page_address(&upage.zone, page);
	} else if (swap_readpage(entry, bounce) == 0) {
		data = bounce;
	} else {
		b->failed++;
		return 0;
	}
	upage.mm.engine->install_copy(addr, data, false);
	return 0;
}

static int bring_region(struct vm_area_struct *vma, void *arg)
{
	walk_page_range(&upage.mm.pgd, vma->vm_start, vma->vm_end, bring_pte, arg);
	return 0;
}

/* The kernel's protection of every region as the program set it (the
 * SIGSEGV engine keeps pages it had not installed PROT_NONE). */
static int open_region(struct vm_area_struct *vma, void *arg)
{
	(void)arg;
	if (vma->vm_flags & VM_FOREIGN)
		return 0;	/* the kernel's mapping, as the program left it */
	sys_mprotect((void *)vma->vm_start, vma->vm_end - vma->vm_start,
		     (int)(vma->vm_flags & VM_ACCESS_FLAGS));
	return 0;
}

void coredump_prepare(int sig)
{
	static int once;
	struct mm_struct *mm = &upage.mm;
	struct bring_in b = { 0, 0, false };
	unsigned long long avail, need;
	struct rlimit rl;

	if (!dumps_core(sig) || !__atomic_load_n(&upage.active, __ATOMIC_ACQUIRE) ||
	    getrlimit(RLIMIT_CORE, &rl) || rl.rlim_cur == 0 ||
	    __atomic_exchange_n(&once, 1, __ATOMIC_ACQ_REL))
		return;
	if (!mmap_lock_within(mm, 2000)) {
		upage_msg("core dump: the heap on swap is left out (upage's locks are held, "
			  "by the thread that crashed or one stuck)");
		return;
	}
	if (!lock_within(&mm->page_table_lock, 2000)) {
		mmap_write_unlock(mm);
		upage_msg("core dump: the heap on swap is left out (upage's page table lock "
			  "is held)");
		return;
	}
	vma_for_each(mm, bring_region, &b);
	need = (unsigned long long)b.pages << PAGE_SHIFT;
	avail = mem_available();
	if (need && avail && need > avail / 2) {
		upage_msg("core dump: %lluM of the heap are on swap, and bringing them in "
			  "needs more than half the %lluM of memory available: they are left "
			  "out", need >> 20, avail >> 20);
		pthread_mutex_unlock(&mm->page_table_lock);
		mmap_write_unlock(mm);
		return;
	}
	b.pages = 0;
	b.install = true;
	vma_for_each(mm, bring_region, &b);
	vma_for_each(mm, open_region, NULL);
	if (b.failed)
		upage_msg("core dump: %lu pages of the heap could not be read from swap and "
			  "are left out", b.failed);
	/* The locks stay taken: nothing may be evicted before the dump. */
}

static void set_default(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	upage_real_sigaction(sig, &dfl, NULL);
}

static void core_entry(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	coredump_prepare(sig);
	set_default(sig);
	if (!refaults(sig, si))
		sys_syscall(SYS_tgkill, getpid(), (pid_t)sys_syscall(SYS_gettid), sig);
}

static const struct signals_dump_ops dump_ops = {
	.prepare = coredump_prepare,
	.release = coredump_release,
	.adopt = coredump_adopt,
};

void coredump_setup(void)
{
	struct rlimit rl;
	sigset_t mask;

	signals_set_dump_ops(&dump_ops);
	if (getrlimit(RLIMIT_CORE, &rl) || rl.rlim_cur == 0)
		return;
	upage_async_signals(&mask);
	for (size_t i = 0; i < sizeof(core_signals) / sizeof(core_signals[0]); i++) {
		int sig = core_signals[i];
		struct sigaction cur;

		if (upage_signal_claimed(sig) || upage_real_sigaction(sig, NULL, &cur) ||
		    cur.sa_handler != SIG_DFL || (cur.sa_flags & SA_SIGINFO))
			continue;
		if (upage_claim_signal(sig, core_entry, &mask, SA_ONSTACK | SA_RESTART) == 0)
			core_only[sig] = true;
	}
}

static bool is_default(const struct sigaction *act)
{
	return !(act->sa_flags & SA_SIGINFO) && act->sa_handler == SIG_DFL;
}

bool coredump_adopt(int sig, const struct sigaction *act)
{
	struct rlimit rl;
	sigset_t mask;

	if (sig <= 0 || sig >= NSIG || !act || !is_default(act) || !dumps_core(sig) ||
	    !__atomic_load_n(&upage.active, __ATOMIC_ACQUIRE) || upage_signal_claimed(sig) ||
	    getrlimit(RLIMIT_CORE, &rl) || rl.rlim_cur == 0)
		return false;
	upage_async_signals(&mask);
	if (upage_claim_signal(sig, core_entry, &mask, SA_ONSTACK | SA_RESTART))
		return false;
	core_only[sig] = true;
	return true;
}

bool coredump_release(int sig, const struct sigaction *act)
{
	if (sig <= 0 || sig >= NSIG || !core_only[sig] || !act || is_default(act))
		return false;
	core_only[sig] = false;
	return true;
}
