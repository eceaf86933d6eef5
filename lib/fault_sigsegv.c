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
 * a clean page PROT_READ (its first write faults: do_wp_page), a dirty
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
 * libsigsegv's handler.  A fault the fault path declines (not an arena
 * region, or an access the region's protection forbids) goes to the
 * program's own handler, if it has one, as the kernel would deliver it;
 * one it could not serve gets the SIGBUS it asks for (signals.c).
 *
 * Mappings.  mprotect on single pages splits the kernel's VMAs, and
 * vm.max_map_count (65530) bounds them.  Adjacent pages of the memfd with
 * the same protection merge back (same file, consecutive offsets), so the
 * VMAs upage creates are at most two per resident page: with F frames,
 * at most 2F + the regions.  The granularity is therefore the page, and
 * the bound is enforced once, at start-up: the budget is vm.max_map_count
 * minus the mappings the process has minus a reserve for the program's
 * own growth, and the cap is cut to budget/2 frames (segv_max_frames;
 * runtime.c gives ONE message saying so when the user set UPAGE_MAX_RSS:
 * the default cap, half the RAM, is cut quietly, UPAGE_VERBOSE shows it).
 * The program then runs under a smaller resident set, slower but correct,
 * never out of mappings, and the report's max_rss_bytes is the cap in
 * force.  Should an
 * mprotect still fail with ENOMEM (the program's own mappings grew past
 * the reserve), the fault is retried while kswapd frees pages (which
 * merges VMAs back: do_page_fault's retries), before SIGBUS.
 *
 * Kernel-mode accesses (read(2) into a PROT_NONE page fails with EFAULT)
 * are syscall_trap.c's.  fork: the child gets a copy of the memfd of its
 * own, made while the parent's threads are held (see "fork" below).
 *
 * The program's own signal handlers and masks are signals.c's.
 *
 * Locking: the primitives are called under page_table_lock, as fault.h
 * says; pstate[] bytes are written under it and read without it by the
 * fault handler as a hint (do_page_fault decides under the lock).
 */
#include "autoconfig.h"

#include "fault_sigsegv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sigsegv.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "as_limit.h"
#include "fault_forbid.h"
#include "mm.h"
#include "memory.h"
#include "ownfd.h"
#include "remote_guard.h"
#include "stats.h"
#include "swap_state.h"
#include "syscall_trap.h"
#include "sys.h"
#include "signals.h"
#include "vmscan.h"

/* pstate[] bits, one byte per arena page. */
#define PS_REGION_R	0x01	/* a region maps it, readable */
#define PS_REGION_W	0x02	/* ... writable */
#define PS_MAPPED	0x04	/* the memfd is mapped there */
#define PS_PROT_R	0x08	/* installed: resident */
#define PS_PROT_W	0x10	/* installed: writable (dirty in the PTE) */
#define PS_REGION_X	0x20	/* a region maps it, executable */
#define PS_REGION	(PS_REGION_R | PS_REGION_W | PS_REGION_X)

#define MAP_RESERVE	8192	/* mappings left to the program */
#define MIN_FRAMES	64	/* below this, the engine refuses */

static int mfd = -1;		/* the memfd behind the arena */
static char *alias;		/* the memfd, read-write, for upage only; or NULL */
static struct mm_struct *segv_mm;	/* whose faults it serves */
static uintptr_t arena_base;	/* segv_mm's arena, for arena_off */
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

/* A run (fault-around, readahead): the data through the alias, then one
 * mprotect (or one per run of pages whose regions allow the same). */
static long segv_install_run(uintptr_t addr, const void *src, unsigned long nr, bool wp)
{
	size_t len = nr << PAGE_SHIFT;
	uint8_t *s = page_state(addr);
	uint8_t installed = PS_PROT_R | (wp ? 0 : PS_PROT_W);
	int ret;

	if (!alias) {
		/* Under RLIMIT_AS (no alias): a pwrite a page, as mfd_io
		 * writes one. */
		static const char zeros[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

		ret = 0;
		for (unsigned long i = 0; !ret && i < nr; i++)
			ret = mfd_io(addr + (i << PAGE_SHIFT),
				     src ? (void *)((const char *)src + (i << PAGE_SHIFT))
					 : (void *)zeros, true);
		if (ret)
			return ret;
	} else if (src) {
		memcpy(alias + arena_off(addr), src, len);
	} else {
		memset(alias + arena_off(addr), 0, len);
	}
	for (unsigned long i = 0; i < nr; i++)
		__atomic_store_n(&s[i], (uint8_t)((s[i] & (PS_REGION | PS_MAPPED)) | installed),
				 __ATOMIC_RELEASE);
	ret = apply_range(addr, len);
	if (ret) {
		for (unsigned long i = 0; i < nr; i++)
			__atomic_store_n(&s[i], (uint8_t)(s[i] & ~(PS_PROT_R | PS_PROT_W)),
					 __ATOMIC_RELEASE);
		apply_range(addr, len);
		punch(addr, len);
		return ret;
	}
	return (long)nr;
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
	if (vma->vm_flags & VM_FOREIGN)
		return 0;	/* not the memfd: the kernel's own mapping */
	return apply_range(vma->vm_start, vma->vm_end - vma->vm_start);
}

static int copy_region(struct vm_area_struct *vma, void *arg)
{
	(void)arg;
	if (vma->vm_flags & VM_FOREIGN)
		return 0;
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
	struct mm_struct *mm = segv_mm;
	int ret;

	fork_err = 0;
	frozen = true;
	ret = vma_for_each(mm, freeze_region, NULL);
	for (unsigned long i = 0; i < mm->zone->nr_frames; i++) {
		struct page *page = &mm->zone->mem_map[i];

		if (PagePinned(page) && PageMapped(page))
			thaw_pinned(page->vaddr);
	}
	if (ret == 0) {
		fork_mfd = (int)sys_syscall(SYS_memfd_create, "upage-arena", MFD_CLOEXEC);
		ret = fork_mfd < 0 || ftruncate(fork_mfd, (off_t)arena_size) ? -errno : 0;
	}
	if (ret == 0 && alias) {
		fork_alias = sys_mmap(NULL, arena_size, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_NORESERVE, fork_mfd, 0);
		ret = fork_alias == MAP_FAILED ? -errno : 0;
		if (ret == 0) {
			sys_madvise(fork_alias, arena_size, MADV_NOHUGEPAGE);
			sys_madvise(fork_alias, arena_size, MADV_DONTDUMP);
		}
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
	ret = vma_for_each(segv_mm, freeze_region, NULL);
	if (ret)
		upage_msg("sigsegv engine: cannot reopen the arena after fork: %s",
			  strerrordesc_np(-ret));
}

/* The child: the copy becomes its memfd and alias; the parent's are
 * dropped (the regions are remapped in fork_child_range). */
static int segv_fork_child(struct mm_struct *mm)
{
	(void)mm;
	frozen = false;
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

/* What the kernel's handler keeps for libsigsegv's callback, and what the
 * callback found: 0 (served), SIGSEGV (not ours: declined) or SIGBUS (ours,
 * but it could not be served), at cur_addr. */
static TLS ucontext_t *cur_uc;
static TLS int cur_sig;
static TLS uintptr_t cur_addr;

static struct sigaction lib_action[NSIG];	/* libsigsegv's handlers */

/* libsigsegv's callback: 1 when the fault was ours (served or not). */
static int segv_callback(void *fault_address, int serious)
{
	uintptr_t addr = (uintptr_t)fault_address;
	unsigned int flags = 0;

	(void)serious;
	if (!segv_mm || !arena_contains(&segv_mm->arena, addr)) {
		cur_sig = SIGSEGV;
		return 0;
	}
	if (cur_uc && (cur_uc->uc_mcontext.gregs[REG_ERR] & 2))
		flags |= FAULT_FLAG_WRITE;
	cur_addr = addr;
	fault_check_thread(0, addr);
	cur_sig = do_page_fault(segv_mm, addr, flags);
	return cur_sig != SIGSEGV;
}

/*
 * The kernel's SIGSEGV (and SIGBUS) handler: libsigsegv's, with the
 * ucontext kept for the callback; then, for a fault upage declined (not
 * in the arena, or an access its region forbids), the program's own
 * handler, and for one upage could not serve, the SIGBUS the fault path
 * asked for.
 */
static void segv_entry(int sig, siginfo_t *si, void *uc)
{
	ucontext_t *saved_uc = cur_uc;
	int saved_sig = cur_sig, found;
	uintptr_t saved_addr = cur_addr, addr;
	struct cancel_hold ch;
	bool saved_in;

	/* Before any lock (SIGCANCEL is blocked here): see cancel_hold. */
	cancel_hold(&ch);
	cur_uc = uc;
	cur_sig = 0;
	saved_in = signals_enter();
	if (lib_action[sig].sa_flags & SA_SIGINFO)
		lib_action[sig].sa_sigaction(sig, si, uc);
	else
		lib_action[sig].sa_handler(sig);
	found = cur_sig;
	addr = cur_addr;
	cur_uc = saved_uc;
	cur_sig = saved_sig;
	cur_addr = saved_addr;
	signals_leave(saved_in);
	/* Every lock released: a cancellation that came meanwhile acts here,
	 * as it would have at the faulting instruction. */
	cancel_resume(&ch);
	if (found == SIGSEGV)
		upage_chain_signal(sig, si, uc);
	else if (found)
		upage_deliver_fault(found, BUS_ADRERR, (void *)addr, si, uc);
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
	return (long)sys_read_number("/proc/sys/vm/max_map_count", NULL, 65530);
}

/*
 * At most two VMAs per resident page: the cap is cut to the frames
 * vm.max_map_count leaves room for (runtime.c says so when it cuts).
 */
static unsigned long segv_max_frames(unsigned long want, char *why, size_t len)
{
	long limit = max_map_count(), budget = limit - count_mappings() - MAP_RESERVE;

	if (budget < 2 * MIN_FRAMES) {
		snprintf(why, len, "vm.max_map_count=%ld leaves no room for paging", limit);
		return 0;
	}
	snprintf(why, len,
		 "needs up to %lu mappings (two per resident page), vm.max_map_count=%ld allows "
		 "about %ld",
		 2 * want, limit, budget);
	return (unsigned long)budget / 2;
}

static int segv_init(struct mm_struct *mm)
{
	struct arena *a = &mm->arena;
	sigset_t mask;
	int ret;

	arena_base = a->base;
	arena_size = a->size;
	pstate = sys_alloc_pages(PAGE_ALIGN(arena_size >> PAGE_SHIFT));
	if (!pstate)
		return -ENOMEM;
	mfd = (int)sys_syscall(SYS_memfd_create, "upage-arena", MFD_CLOEXEC);
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
		/* Never in a core dump: the heap is dumped where the program
		 * sees it, and the kernel would fill every hole of the alias
		 * (the whole arena) with pages to write it. */
		sys_madvise(alias, arena_size, MADV_DONTDUMP);
	}

	/* libsigsegv installs its handler through our sigaction: keep it,
	 * and put segv_entry in front of it. */
	signals_capture(lib_action);
	ret = sigsegv_install_handler(segv_callback);
	signals_capture(NULL);
	if (ret) {
		ret = -ENOSYS;
		goto fail;
	}
	upage_async_signals(&mask);
	for (int sig = 1; sig < NSIG; sig++) {
		if (!lib_action[sig].sa_handler)
			continue;
		/* SA_ONSTACK always: on upage's own alternate stack
		 * (altstack.c) a fault on a stack in the arena is served. */
		ret = upage_claim_signal(sig, segv_entry, &mask,
					 SA_ONSTACK | (lib_action[sig].sa_flags & SA_RESTART));
		if (ret)
			goto fail;
	}
	ret = syscall_trap_init(mm);
	if (ret)
		goto fail;
	remote_guard_init();
	segv_mm = mm;
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
	.user_faults_only = true,
	.max_frames = segv_max_frames,
	.init = segv_init,
	.map_range = segv_map_range,
	.protect_range = segv_protect_range,
	.unmap_range = segv_unmap_range,
	.zap_range = segv_zap_range,
	.install_copy = segv_install_copy,
	.install_run = segv_install_run,
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
