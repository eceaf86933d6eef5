// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fault_sigsegv.c - the SIGSEGV engine: where userfaultfd cannot serve a
 * fault (an unprivileged user with vm.unprivileged_userfaultfd=0, a
 * seccomp profile without it), pages are protected with mprotect and
 * their faults caught as SIGSEGV through libsigsegv, in the faulting
 * thread: the fault runs do_page_fault there, with no handler thread to
 * wake.
 *
 * Backing.  Every region of the arena maps one memfd, MAP_SHARED, at the
 * offset of its arena address; a second mapping of the whole memfd (the
 * alias, read-write, never seen by the program) is where upage reads and
 * writes the data.  A page not resident is PROT_NONE (its access faults),
 * a clean page PROT_READ (its first write faults: FAULT_FLAG_WP), a dirty
 * one PROT_READ|PROT_WRITE.  install_copy / install_move fill the page
 * through the alias while the program's view is still PROT_NONE and only
 * then open it: no thread ever sees half a page.  unmap_page protects the
 * page first (mprotect returns after every CPU has dropped its TLB entry,
 * so a write either landed before or faults after), then copies it to the
 * frame slot and punches the memfd page out.  That copy is what
 * UFFDIO_MOVE saves the uffd engine; a page is 4 KiB, about a microsecond.
 * Under a finite RLIMIT_AS there is no alias (it would count against the
 * limit as much as the arena itself: as_limit.c): the copies are pread
 * and pwrite on the memfd, a system call each.
 *
 * Protection.  pstate[] keeps two things per page apart: what its region
 * allows (PS_REGION_*, changed by the program's mprotect through
 * protect_range) and what upage installed (PS_PROT_R resident, PS_PROT_W
 * writable as its PTE says).  The kernel maps the intersection
 * (prot_of_state), so mprotect never opens a page upage has not
 * installed, nor makes a write-protected page writable, and a region made
 * read-only and then read-write again finds its pages as their PTEs say.
 * Since upage copies through the alias, pages of any region, read-only or
 * PROT_NONE included, can be paged out.
 *
 * Read or write.  A SIGSEGV does not say; on x86-64 bit 1 of the page
 * fault error code (REG_ERR in the ucontext) does.  libsigsegv's handler
 * hands us only the address, so the kernel's handler is segv_entry, which
 * keeps the ucontext in a thread-local for the callback and then runs
 * libsigsegv's handler.  A fault libsigsegv's callback declines (not an
 * arena region, or an access the region's protection forbids) goes to the
 * program's own handler, if it has one, as the kernel would deliver it.
 *
 * Mappings.  mprotect on single pages splits the kernel's VMAs, and
 * vm.max_map_count (65530) bounds them.  Adjacent pages of the memfd with
 * the same protection merge back (same file, consecutive offsets), so the
 * VMAs upage creates are at most two per resident page: with F frames,
 * at most 2F + the regions.  The granularity is therefore the page, and
 * the bound is enforced once, at init: the budget is vm.max_map_count
 * minus the mappings the process has minus a reserve for the program's
 * own growth; when 2F exceeds it, frames are taken out of service (marked
 * PG_reserved, off every list) so that at most budget/2 are ever used,
 * with ONE message saying so when the user set UPAGE_MAX_RSS (the default
 * cap, half the RAM, is cut quietly; UPAGE_VERBOSE shows it).  The program then runs under a smaller
 * resident set, slower but correct, never out of mappings.  Should an
 * mprotect still fail with ENOMEM (the program's own mappings grew past
 * the reserve), the fault is retried while kswapd frees pages (which
 * merges VMAs back), with one message, before SIGBUS.
 *
 * Kernel-mode accesses (read(2) into a PROT_NONE page fails with EFAULT)
 * are syscall_trap.c's.  fork: the child gets a copy of the memfd of its
 * own, made while the parent's threads are held (see "fork" below).
 *
 * Locking: the primitives are called under page_table_lock, as fault.h
 * says; pstate[] bytes are written under it and read without it by the
 * fault handler as a hint (do_page_fault decides under the lock).  The
 * signal tables (prog_action, claimed) are written at init and by the
 * program's sigaction calls, which the kernel serialises no better.
 */
#include "autoconfig.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sigsegv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "as_limit.h"
#include "coredump.h"
#include "fault.h"
#include "mm.h"
#include "memory.h"
#include "ownfd.h"
#include "remote_guard.h"
#include "stats.h"
#include "swap_state.h"
#include "syscall_trap.h"
#include "zone_cap.h"
#include "sys.h"
#include "runtime.h"
#include "vmscan.h"

/* pstate[] bits, one byte per arena page. */
#define PS_REGION_R	0x01	/* a region maps it, readable */
#define PS_REGION_W	0x02	/* ... writable */
#define PS_MAPPED	0x04	/* the memfd is mapped there */
#define PS_PROT_R	0x08	/* installed: resident */
#define PS_PROT_W	0x10	/* installed: writable (dirty in the PTE) */
#define PS_REGION_X	0x20	/* a region maps it, executable */
#define PS_REGION	(PS_REGION_R | PS_REGION_W | PS_REGION_X)

#define UPAGE_SIGCANCEL	32	/* glibc's SIGCANCEL: __SIGRTMIN */
#define MAP_RESERVE	8192	/* mappings left to the program */
#define MIN_FRAMES	64	/* below this, the engine refuses */

static int mfd = -1;		/* the memfd behind the arena */
static char *alias;		/* the memfd, read-write, for upage only; or NULL */
static uintptr_t arena_base;
static size_t arena_size;
static uint8_t *pstate;		/* arena_size >> PAGE_SHIFT bytes */
static bool frozen;		/* fork_prepare: no page writable */

static inline size_t arena_off(uintptr_t addr)
{
	return addr - arena_base;
}

static inline uint8_t *page_state(uintptr_t addr)
{
	return &pstate[arena_off(addr) >> PAGE_SHIFT];
}

static inline bool in_arena(uintptr_t addr)
{
	return addr - arena_base < arena_size;
}

static void set_state_range(uintptr_t start, size_t len, uint8_t v)
{
	uint8_t *p = page_state(start);
	size_t n = len >> PAGE_SHIFT;

	for (size_t i = 0; i < n; i++)
		__atomic_store_n(&p[i], v, __ATOMIC_RELAXED);
}

/* mfd is upage's own (ownfd.h): used between ownfd_enter and exit. */
static int punch(uintptr_t start, size_t len)
{
	int ret, tok = ownfd_enter();

	ret = fallocate(ownfd_get(&mfd), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			(off_t)arena_off(start), (off_t)len);
	ownfd_exit(tok);
	if (ret && errno == EBADF)
		ownfd_lost("arena memfd", -EBADF);
	return ret ? -errno : 0;
}

static void *map_mfd(uintptr_t start, size_t len)
{
	int tok = ownfd_enter();
	void *p = sys_mmap((void *)start, len, PROT_NONE, MAP_SHARED | MAP_FIXED | MAP_NORESERVE,
			   ownfd_get(&mfd), (off_t)arena_off(start));

	ownfd_exit(tok);
	if (p == MAP_FAILED && errno == EBADF)
		ownfd_lost("arena memfd", -EBADF);
	return p;
}

/*
 * What the kernel maps for a page in state @s: nothing unless it is
 * installed; then what both the installed state (write-protected or not)
 * and the region allow.  The installed bits are the page table's and do
 * not change with the region's protection (mprotect), so a read-only
 * region made writable again finds its dirty pages writable and its clean
 * ones write-protected, as the PTEs say.
 */
static int prot_of_state(uint8_t s)
{
	int prot = 0;

	if (!(s & PS_PROT_R))
		return PROT_NONE;
	if (s & PS_REGION_R)
		prot |= PROT_READ;
	if ((s & PS_PROT_W) && (s & PS_REGION_W) && !frozen)
		prot |= PROT_WRITE;
	if (s & PS_REGION_X)
		prot |= PROT_EXEC;
	return prot;
}

static uint8_t region_bits(int prot)
{
	return (prot & (PROT_READ | PROT_WRITE | PROT_EXEC) ? PS_REGION_R : 0) |
	       (prot & PROT_WRITE ? PS_REGION_W : 0) | (prot & PROT_EXEC ? PS_REGION_X : 0);
}

/* Give the kernel's protection of [start, start+len) the pages' states,
 * one mprotect per run of pages that want the same. */
static int apply_range(uintptr_t start, size_t len)
{
	uintptr_t end = start + len, run = start;
	int run_prot = prot_of_state(*page_state(start));

	for (uintptr_t a = start + PAGE_SIZE; a <= end; a += PAGE_SIZE) {
		int prot = a < end ? prot_of_state(*page_state(a)) : -1;

		if (prot == run_prot)
			continue;
		if (sys_mprotect((void *)run, a - run, run_prot))
			return -errno;
		run = a;
		run_prot = prot;
	}
	return 0;
}

/* Open the page at @addr as read-only (@wp) or read-write, as far as its
 * region allows. */
static int set_page_prot(uintptr_t addr, bool wp)
{
	uint8_t *s = page_state(addr);
	uint8_t v = (*s & (PS_REGION | PS_MAPPED)) | PS_PROT_R;

	if (!wp)
		v |= PS_PROT_W;
	if (sys_mprotect((void *)addr, PAGE_SIZE, prot_of_state(v)))
		return -errno;
	__atomic_store_n(s, v, __ATOMIC_RELEASE);
	return 0;
}

static int segv_map_range(uintptr_t start, size_t len, int prot)
{
	uint8_t v = PS_MAPPED | region_bits(prot);
	void *p;

	punch(start, len);
	p = map_mfd(start, len);
	if (p == MAP_FAILED)
		return -errno;
	remote_guard_range(start, len);	/* a debugger's read of a hole: EIO */
	set_state_range(start, len, v);
	return 0;
}

/* mprotect of a region: the region's bits change, the installed ones
 * stay; the kernel maps what both allow. */
static int segv_protect_range(uintptr_t start, size_t len, int prot)
{
	uint8_t *p = page_state(start), bits = region_bits(prot);
	size_t n = len >> PAGE_SHIFT;

	for (size_t i = 0; i < n; i++)
		__atomic_store_n(&p[i], (uint8_t)((p[i] & ~PS_REGION) | bits), __ATOMIC_RELEASE);
	return apply_range(start, len);
}

static int segv_unmap_range(uintptr_t start, size_t len)
{
	void *p = sys_mmap((void *)start, len, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	set_state_range(start, len, 0);
	return punch(start, len);
}

static int segv_zap_range(uintptr_t start, size_t len)
{
	uint8_t *p = page_state(start);
	size_t n = len >> PAGE_SHIFT;

	if (sys_mprotect((void *)start, len, PROT_NONE))
		return -errno;
	for (size_t i = 0; i < n; i++)
		__atomic_store_n(&p[i], p[i] & ~(PS_PROT_R | PS_PROT_W), __ATOMIC_RELAXED);
	return punch(start, len);
}

/* The memfd's page for @addr, written from @src or read into @dst:
 * through the alias, or with pwrite/pread where there is none. */
static int mfd_io(uintptr_t addr, void *buf, bool write)
{
	ssize_t n;
	int tok;

	if (alias) {
		if (write)
			memcpy(alias + arena_off(addr), buf, PAGE_SIZE);
		else
			memcpy(buf, alias + arena_off(addr), PAGE_SIZE);
		return 0;
	}
	tok = ownfd_enter();
	do
		n = write ? pwrite(ownfd_get(&mfd), buf, PAGE_SIZE, (off_t)arena_off(addr))
			  : pread(ownfd_get(&mfd), buf, PAGE_SIZE, (off_t)arena_off(addr));
	while (n < 0 && errno == EINTR);
	ownfd_exit(tok);
	if (n < 0 && errno == EBADF)
		ownfd_lost("arena memfd", -EBADF);
	return n == PAGE_SIZE ? 0 : n < 0 ? -errno : -EIO;
}

static int segv_install_copy(uintptr_t addr, const void *src, bool wp)
{
	int ret = mfd_io(addr, (void *)src, true);

	return ret ? ret : set_page_prot(addr, wp);
}

static int segv_install_move(uintptr_t addr, void *slot, bool wp)
{
	int ret = mfd_io(addr, slot, true);

	if (ret)
		return ret;
	ret = set_page_prot(addr, wp);
	if (ret == 0)
		sys_madvise(slot, PAGE_SIZE, MADV_DONTNEED);	/* the slot is empty now */
	return ret;
}

/* Any region's page can be moved: the copy is made through the alias,
 * whatever the program's view allows. */
static int segv_unmap_page(uintptr_t addr, void *slot)
{
	uint8_t *s = page_state(addr);
	int ret;

	/* Protect first: a write lands before this or faults after it. */
	if (sys_mprotect((void *)addr, PAGE_SIZE, PROT_NONE))
		return -errno;
	__atomic_store_n(s, *s & ~(PS_PROT_R | PS_PROT_W), __ATOMIC_RELEASE);
	ret = mfd_io(addr, slot, false);
	return ret ? ret : punch(addr, PAGE_SIZE);
}

static int segv_unprotect(uintptr_t addr)
{
	return set_page_prot(addr, false);
}

static void segv_wake(uintptr_t addr)
{
	(void)addr;	/* the faulting thread is the one serving its fault */
}

static int segv_free_slot(void *slot)
{
	return sys_madvise(slot, PAGE_SIZE, MADV_DONTNEED) ? -errno : 0;
}

/*
 * fork.  The arena is a MAP_SHARED memfd: left alone, a forked child would
 * share the parent's memory.  So the child gets a memfd of its own, filled
 * in the parent at the prepare point with the pages resident there (pages
 * in frame slots or swap are private memory or pinned slots, which fork
 * and fork.c already give the child).  For that copy to be a snapshot,
 * the parent's other threads must not write while it is made: every page
 * is made read-only first (frozen), so a writer faults and waits for
 * mmap_lock, which the forking thread holds until fork_parent has opened
 * the pages again.  The cost is one copy of the resident set per fork
 * (bounded by the cap), paid by the parent whether or not the child execs
 * (vfork, posix_spawn and system() run no fork handlers and pay nothing).
 *
 * The memfd is mapped in the parent as `fork_alias`, MAP_SHARED, so the
 * child inherits that mapping and makes it its alias; the parent drops
 * it after fork.  Without an alias (RLIMIT_AS) the pages are copied from
 * memfd to memfd in the kernel (copy_file_range) and nothing is mapped.
 */
static int fork_mfd = -1;
static char *fork_alias;
static int fork_err;		/* fork_prepare's failure, for the child */

static int freeze_region(struct vm_area_struct *vma, void *arg)
{
	(void)arg;
	return apply_range(vma->vm_start, vma->vm_end - vma->vm_start);
}

static int copy_region(struct vm_area_struct *vma, void *arg)
{
	(void)arg;
	for (uintptr_t a = vma->vm_start; a < vma->vm_end; a += PAGE_SIZE) {
		loff_t from = (loff_t)arena_off(a), to = from;

		if (!(*page_state(a) & PS_PROT_R))
			continue;
		if (alias)
			memcpy(fork_alias + arena_off(a), alias + arena_off(a), PAGE_SIZE);
		else if (copy_file_range(mfd, &from, fork_mfd, &to, PAGE_SIZE, 0) != PAGE_SIZE)
			return errno ? -errno : -EIO;
	}
	return 0;
}

static void drop_fork_copy(void)
{
	if (fork_alias && fork_alias != MAP_FAILED)
		sys_munmap(fork_alias, arena_size);
	fork_alias = NULL;
	if (fork_mfd >= 0)
		close(fork_mfd);
	fork_mfd = -1;
}

/* A page a system call has pinned stays as it was: the kernel may be
 * writing it (a read() blocked in the call) and would fail with EFAULT on
 * a frozen page.  Its copy is then as torn as a buffer under a read is. */
static void thaw_pinned(uintptr_t addr)
{
	bool was = frozen;

	frozen = false;
	sys_mprotect((void *)addr, PAGE_SIZE, prot_of_state(*page_state(addr)));
	frozen = was;
}

static void segv_fork_prepare(void)
{
	struct mm_struct *mm = &upage.mm;
	int ret;

	fork_err = 0;
	frozen = true;
	ret = vma_for_each(mm, freeze_region, NULL);
	syscall_trap_for_each_pinned(thaw_pinned);
	if (ret == 0) {
		fork_mfd = (int)syscall(SYS_memfd_create, "upage-arena", MFD_CLOEXEC);
		ret = fork_mfd < 0 || ftruncate(fork_mfd, (off_t)arena_size) ? -errno : 0;
	}
	if (ret == 0 && alias) {
		fork_alias = sys_mmap(NULL, arena_size, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_NORESERVE, fork_mfd, 0);
		ret = fork_alias == MAP_FAILED ? -errno : 0;
		if (ret == 0)
			sys_madvise(fork_alias, arena_size, MADV_NOHUGEPAGE);
	}
	if (ret == 0)
		ret = vma_for_each(mm, copy_region, NULL);
	if (ret) {
		fork_err = ret;
		drop_fork_copy();
	}
}

static void segv_fork_parent(void)
{
	int ret;

	drop_fork_copy();
	frozen = false;
	ret = vma_for_each(&upage.mm, freeze_region, NULL);
	if (ret)
		upage_msg("sigsegv engine: cannot reopen the arena after fork: %s",
			  strerrordesc_np(-ret));
}

/* The child: the copy becomes its memfd and alias; the parent's are
 * dropped (the regions are remapped in fork_child_range). */
static int segv_fork_child(void *pool, size_t pool_len)
{
	(void)pool;
	(void)pool_len;
	frozen = false;
	syscall_trap_fork_child();
	if (fork_err)
		return fork_err;
	if (alias)
		sys_munmap(alias, arena_size);
	ownfd_close(&mfd);
	mfd = fork_mfd;
	ownfd_register(&mfd, "arena memfd");
	remote_guard_init();
	alias = fork_alias;
	fork_mfd = -1;
	fork_alias = NULL;
	return 0;
}

/*
 * fork.c has made every mapped page dirty and writable in the page table,
 * so the installed state follows (or the child's first write to a clean
 * page would fault for ever), and the region maps the child's memfd.
 */
static int segv_fork_child_range(uintptr_t start, size_t len)
{
	uint8_t *p = page_state(start);
	size_t n = len >> PAGE_SHIFT;
	void *m;

	m = map_mfd(start, len);
	if (m == MAP_FAILED)
		return -errno;
	remote_guard_range(start, len);
	for (size_t i = 0; i < n; i++)
		if (p[i] & PS_PROT_R)
			p[i] |= PS_PROT_W;
	return apply_range(start, len);
}

/* ------------------------------------------------------------------ */
/* The fault handler. */

/* What the kernel's handler keeps for libsigsegv's callback. */
static TLS ucontext_t *cur_uc;
static TLS bool cur_declined;
static TLS bool in_segv;

static struct sigaction lib_action[NSIG];	/* libsigsegv's handlers */
static bool capturing;				/* sigsegv_install_handler runs */

static void nap(long ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* Tell the program a fault could not be served: as the kernel would. */
static void fault_failed(uintptr_t addr, int err)
{
	if (err == -ENOMEM)
		upage_msg("out of swap space on %s or out of mappings: cannot serve %#lx",
			  upage.swap_path, (unsigned long)addr);
	else
		upage_msg("cannot serve the fault at %#lx: %s", (unsigned long)addr,
			  strerrordesc_np(-err));
	syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGBUS);
}

/* libsigsegv's callback: 1 when the fault was ours and is served. */
static int segv_callback(void *fault_address, int serious)
{
	static bool told_enomem;
	uintptr_t addr = (uintptr_t)fault_address;
	uint64_t t0 = latency_now();
	unsigned int flags = 0;
	uint8_t s;
	int ret, tries = 0;

	(void)serious;
	if (!upage.active || !in_arena(addr))
		goto decline;
	s = __atomic_load_n(page_state(addr), __ATOMIC_ACQUIRE);
	if (cur_uc && (cur_uc->uc_mcontext.gregs[REG_ERR] & 2))
		flags |= FAULT_FLAG_WRITE;
	if (!(s & PS_REGION_R) || ((flags & FAULT_FLAG_WRITE) && !(s & PS_REGION_W)))
		goto decline;	/* the region forbids it: the program's SIGSEGV */
	if ((flags & FAULT_FLAG_WRITE) && (s & PS_PROT_R))
		flags |= FAULT_FLAG_WP;
	for (;;) {
		ret = do_page_fault(addr, flags);
		if (ret == 0) {
			fault_latency(t0);	/* released when the handler returns */
			return 1;
		}
		if (ret == -EFAULT)
			goto decline;
		/* Out of mappings: kswapd's evictions merge VMAs back. */
		if (ret == -ENOMEM && tries++ < 100) {
			if (!told_enomem) {
				told_enomem = true;
				upage_msg("sigsegv engine: a fault found no frame or no mapping "
					  "(vm.max_map_count); retrying while pages are freed");
			}
			nap(10);
			continue;
		}
		fault_failed(addr, ret);
		return 1;
	}
decline:
	cur_declined = true;
	return 0;
}

/* The kernel's SIGSEGV (and SIGBUS) handler: libsigsegv's, with the
 * ucontext kept for the callback, then the program's when declined. */
static void segv_entry(int sig, siginfo_t *si, void *uc)
{
	ucontext_t *saved_uc = cur_uc;
	bool saved_declined = cur_declined, saved_in = in_segv, declined;
	struct cancel_hold ch;

	/* Before any lock (SIGCANCEL is blocked here): see cancel_hold. */
	cancel_hold(&ch);
	cur_uc = uc;
	cur_declined = false;
	in_segv = true;
	if (lib_action[sig].sa_flags & SA_SIGINFO)
		lib_action[sig].sa_sigaction(sig, si, uc);
	else
		lib_action[sig].sa_handler(sig);
	declined = cur_declined;
	cur_uc = saved_uc;
	cur_declined = saved_declined;
	in_segv = saved_in;
	/* Every lock released: a cancellation that came meanwhile acts here,
	 * as it would have at the faulting instruction. */
	cancel_resume(&ch);
	if (declined)
		upage_chain_signal(sig, si, uc);
}

/* ------------------------------------------------------------------ */
/* Signal dispositions: the program's sigaction/signal on the signals
 * upage claims are recorded, not installed. */

static struct sigaction prog_action[NSIG];
static bool claimed[NSIG];
static int (*libc_sigaction)(int, const struct sigaction *, struct sigaction *);

int upage_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!libc_sigaction)
		libc_sigaction = dlsym(RTLD_NEXT, "sigaction");
	if (!libc_sigaction) {
		errno = ENOSYS;
		return -1;
	}
	return libc_sigaction(sig, act, old);
}

void upage_async_signals(sigset_t *set)
{
	sigfillset(set);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGSYS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGTRAP);
	/* glibc's SIGCANCEL (__SIGRTMIN), which sigfillset leaves out and
	 * sigaddset refuses: see cancel_hold. */
	set->__val[(UPAGE_SIGCANCEL - 1) / (8 * sizeof(set->__val[0]))] |=
		1UL << ((UPAGE_SIGCANCEL - 1) % (8 * sizeof(set->__val[0])));
}

bool upage_signal_claimed(int sig)
{
	return sig > 0 && sig < NSIG && __atomic_load_n(&claimed[sig], __ATOMIC_ACQUIRE);
}

int upage_claim_signal(int sig, void (*entry)(int, siginfo_t *, void *), const sigset_t *mask,
		       int flags)
{
	struct sigaction sa = { .sa_sigaction = entry, .sa_flags = SA_SIGINFO | flags };
	struct sigaction old;

	sa.sa_mask = *mask;
	if (upage_real_sigaction(sig, &sa, &old))
		return -errno;
	if (!claimed[sig])
		prog_action[sig] = old;
	__atomic_store_n(&claimed[sig], true, __ATOMIC_RELEASE);
	return 0;
}

static void set_default(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	upage_real_sigaction(sig, &dfl, NULL);
}

/*
 * Signal masks.  A thread that blocks SIGSEGV, SIGBUS or SIGSYS would be
 * killed by its next arena fault or trapped system call (the kernel does
 * not queue a fault's signal: it unblocks it and resets it to SIG_DFL).
 * So sigprocmask and pthread_sigmask never block the signals upage
 * claims: the program's wish is kept per thread in prog_blocked, shown
 * back in the old mask, and honoured in upage_chain_signal: a fault the
 * program's handler would get kills as the kernel would, a signal sent
 * with kill or raise waits in prog_pending until it is unblocked.  Masks
 * given to sigaction for other signals are stripped the same way.  Not
 * covered: masks a thread inherits at pthread_create (its prog_blocked
 * starts empty), sigsuspend/pselect/ppoll/signalfd masks (a thread
 * blocked there does not fault), and rt_sigprocmask made with a raw
 * `syscall`.
 */
static TLS sigset_t prog_blocked;	/* of the claimed signals only */
static TLS sigset_t prog_pending;
static int (*libc_pthread_sigmask)(int, const sigset_t *, sigset_t *);

static bool kept_deliverable(int sig)
{
	return (sig == SIGSEGV || sig == SIGBUS || sig == SIGSYS) &&
	       __atomic_load_n(&claimed[sig], __ATOMIC_ACQUIRE);
}

static int real_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	if (!libc_pthread_sigmask)
		libc_pthread_sigmask = dlsym(RTLD_NEXT, "pthread_sigmask");
	if (!libc_pthread_sigmask)
		return ENOSYS;
	return libc_pthread_sigmask(how, set, old);
}

/* @set without the signals upage keeps deliverable; their part in @kept. */
static void split_mask(const sigset_t *set, sigset_t *rest, sigset_t *kept)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGSYS };

	*rest = *set;
	sigemptyset(kept);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (!kept_deliverable(sigs[i]) || sigismember(set, sigs[i]) != 1)
			continue;
		sigdelset(rest, sigs[i]);
		sigaddset(kept, sigs[i]);
	}
}

EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGSYS };
	sigset_t rest, kept, was = prog_blocked;
	int ret;

	if (!set)
		ret = real_sigmask(how, NULL, old);
	else if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return EINVAL;
	else {
		split_mask(set, &rest, &kept);
		ret = real_sigmask(how, &rest, old);
		if (ret == 0) {
			for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
				int sig = sigs[i], in = sigismember(&kept, sig) == 1;

				if (how == SIG_SETMASK ? !in : (how == SIG_UNBLOCK && in))
					sigdelset(&prog_blocked, sig);
				else if (in)
					sigaddset(&prog_blocked, sig);
			}
		}
	}
	if (ret)
		return ret;
	if (old)
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			if (sigismember(&was, sigs[i]) == 1)
				sigaddset(old, sigs[i]);
	/* What was sent while blocked is delivered once unblocked. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int sig = sigs[i];

		if (sigismember(&prog_pending, sig) == 1 && sigismember(&prog_blocked, sig) != 1) {
			sigdelset(&prog_pending, sig);
			syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), sig);
		}
	}
	return 0;
}

EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	int ret = pthread_sigmask(how, set, old);

	if (ret) {
		errno = ret;
		return -1;
	}
	return 0;
}

void upage_chain_signal(int sig, siginfo_t *si, void *ucp)
{
	struct sigaction pa = prog_action[sig];
	ucontext_t *uc = ucp;
	sigset_t mask, old, rest, kept;

	if (sigismember(&prog_blocked, sig) == 1) {
		if (si->si_code <= 0 && sig != SIGSYS) {
			sigaddset(&prog_pending, sig);	/* sent: delivered when unblocked */
			return;
		}
		pa.sa_handler = SIG_DFL;	/* a blocked fault kills, as the kernel's */
	}
	if (pa.sa_handler == SIG_DFL || pa.sa_handler == SIG_IGN) {
		/* As the kernel: a fault's signal cannot be ignored.  SEGV
		 * and BUS fault again on return; SYS must be sent. */
		coredump_prepare(sig);
		set_default(sig);
		if (sig == SIGSYS || si->si_code <= 0)
			syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), sig);
		return;
	}
	mask = uc->uc_sigmask;
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&pa.sa_mask, s) == 1)
			sigaddset(&mask, s);
	if (!(pa.sa_flags & SA_NODEFER))
		sigaddset(&mask, sig);
	if (pa.sa_flags & SA_RESETHAND)
		prog_action[sig].sa_handler = SIG_DFL;
	/* The handler runs with the claimed signals left deliverable, or an
	 * arena fault in it could not be served.  prog_blocked is left as it
	 * is: a handler may leave by siglongjmp (restoring the real mask
	 * itself), and nothing would then restore a mask changed here. */
	split_mask(&mask, &rest, &kept);
	real_sigmask(SIG_SETMASK, &rest, &old);
	if (pa.sa_flags & SA_SIGINFO)
		pa.sa_sigaction(sig, si, ucp);
	else
		pa.sa_handler(sig);
	real_sigmask(SIG_SETMASK, &old, NULL);
}

EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (sig > 0 && sig < NSIG && __atomic_load_n(&claimed[sig], __ATOMIC_ACQUIRE)) {
		if (in_segv)
			return 0;	/* libsigsegv resetting itself: ours to chain */
		if (old)
			*old = prog_action[sig];
		if (!coredump_release(sig, act)) {
			if (act)
				prog_action[sig] = *act;
			return 0;
		}
		/* Claimed for a core dump only: the program's action is its own. */
		__atomic_store_n(&claimed[sig], false, __ATOMIC_RELEASE);
		old = NULL;
	}
	else if (coredump_adopt(sig, act)) {
		/* Its default is a core dump: claimed for it, as at start. */
		if (old)
			*old = prog_action[sig];
		prog_action[sig] = *act;
		return 0;
	}
	if (capturing && (sig == SIGSEGV || sig == SIGBUS) && act) {
		lib_action[sig] = *act;
		if (old)
			memset(old, 0, sizeof(*old));
		return 0;
	}
	if (act) {
		/* Its handler must not block what upage needs delivered. */
		struct sigaction a = *act;
		sigset_t kept;

		split_mask(&act->sa_mask, &a.sa_mask, &kept);
		return upage_real_sigaction(sig, &a, old);
	}
	return upage_real_sigaction(sig, act, old);
}

EXPORT int __sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return sigaction(sig, act, old);
}

EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, &old))
		return SIG_ERR;
	return old.sa_handler;
}

EXPORT sighandler_t bsd_signal(int sig, sighandler_t handler)
{
	return signal(sig, handler);
}

/* ------------------------------------------------------------------ */
/* Start-up. */

/* Lines of /proc/self/maps: the mappings the process has now. */
static long count_mappings(void)
{
	char buf[4096];
	long lines = 0;
	ssize_t n;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1024;	/* a guess on the safe side */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

static long max_map_count(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 65530;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 65530;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/*
 * At most two VMAs per resident page: take frames out of service when the
 * cap would need more mappings than vm.max_map_count leaves us.
 */
static int fit_mapping_budget(void)
{
	struct zone *z = &upage.zone;
	long limit = max_map_count(), budget = limit - count_mappings() - MAP_RESERVE;
	unsigned long usable, cap = z->cap_frames;

	if (budget < 2 * MIN_FRAMES) {
		upage_msg("sigsegv engine: vm.max_map_count=%ld leaves no room for paging", limit);
		return -ENOMEM;
	}
	if (2 * z->ceiling_frames <= (unsigned long)budget)
		return 0;
	/* Neither the cap nor a cap raised later may go past it. */
	usable = (unsigned long)budget / 2;
	zone_set_ceiling(z, usable);
	/* The default cap (half the RAM) is a ceiling, not a request: cut
	 * quietly.  A cap the user asked for is cut with one message. */
	if (cap > usable && (upage.cfg.max_rss_set || upage.cfg.verbose))
		upage_msg("sigsegv engine: UPAGE_MAX_RSS=%lluM %sneeds up to %lu mappings "
			  "(two per resident page), vm.max_map_count=%ld allows about %ld: "
			  "at most %luM stay resident",
			  upage.cfg.max_rss >> 20, upage.cfg.max_rss_set ? "" : "(the default) ",
			  2 * cap, limit, budget, (usable << PAGE_SHIFT) >> 20);
	return 0;
}

static int segv_init(void *pool, size_t pool_len)
{
	struct arena *a = &upage.mm.arena;
	sigset_t mask;
	int ret;

	(void)pool;
	(void)pool_len;
	arena_base = a->base;
	arena_size = a->size;
	ret = fit_mapping_budget();
	if (ret)
		return ret;
	pstate = sys_alloc_pages(PAGE_ALIGN(arena_size >> PAGE_SHIFT));
	if (!pstate)
		return -ENOMEM;
	mfd = (int)syscall(SYS_memfd_create, "upage-arena", MFD_CLOEXEC);
	if (mfd < 0)
		return -errno;
	ownfd_register(&mfd, "arena memfd");
	if (ftruncate(mfd, (off_t)arena_size)) {
		ret = -errno;
		goto fail;
	}
	if (!as_limited()) {
		alias = sys_mmap(NULL, arena_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_NORESERVE, mfd, 0);
		if (alias == MAP_FAILED) {
			alias = NULL;
			ret = -errno;
			goto fail;
		}
		sys_madvise(alias, arena_size, MADV_NOHUGEPAGE);
	}

	/* libsigsegv installs its handler through our sigaction: keep it,
	 * and put segv_entry in front of it. */
	capturing = true;
	ret = sigsegv_install_handler(segv_callback);
	capturing = false;
	if (ret) {
		ret = -ENOSYS;
		goto fail;
	}
	upage_async_signals(&mask);
	for (int sig = 1; sig < NSIG; sig++) {
		if (!lib_action[sig].sa_handler)
			continue;
		ret = upage_claim_signal(sig, segv_entry, &mask,
					 lib_action[sig].sa_flags & (SA_ONSTACK | SA_RESTART));
		if (ret)
			goto fail;
	}
	ret = syscall_trap_init();
	if (ret)
		goto fail;
	remote_guard_init();
	return 0;
fail:
	if (alias)
		sys_munmap(alias, arena_size);
	alias = NULL;
	ownfd_close(&mfd);
	return ret;
}

const struct fault_engine sigsegv_engine = {
	.name = "sigsegv",
	.init = segv_init,
	.map_range = segv_map_range,
	.protect_range = segv_protect_range,
	.unmap_range = segv_unmap_range,
	.zap_range = segv_zap_range,
	.install_copy = segv_install_copy,
	.install_move = segv_install_move,
	.unmap_page = segv_unmap_page,
	.unprotect = segv_unprotect,
	.wake = segv_wake,
	.free_slot = segv_free_slot,
	.fork_prepare = segv_fork_prepare,
	.fork_parent = segv_fork_parent,
	.fork_child = segv_fork_child,
	.fork_child_range = segv_fork_child_range,
};
