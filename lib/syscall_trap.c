// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscall_trap.c - system calls on paged-out memory under the SIGSEGV
 * engine.
 *
 * The kernel does not raise SIGSEGV for a PROT_NONE page it touches on a
 * system call's behalf: read(2) into such a buffer fails with EFAULT.  So
 * a seccomp filter (installed unprivileged: PR_SET_NO_NEW_PRIVS, then
 * SECCOMP_SET_MODE_FILTER) returns SECCOMP_RET_TRAP for the system calls
 * that take user buffers when a buffer argument lies in the arena (read,
 * write, pread64, pwrite64, recvfrom, sendto, getdents64, getrandom, the
 * stat family and the calls taking a path), and always for those whose
 * buffers hang off a structure the filter cannot read (readv, writev,
 * preadv(2), pwritev(2), recvmsg, sendmsg).  The filter checks the
 * instruction pointer first: a call from upage's own trampoline is always
 * allowed.  That covers calls made inside libc (fread's read) as well as
 * the program's own, since the filter sees the system call, not the
 * symbol.
 *
 * The SIGSYS handler makes the buffers resident by touching them from
 * user mode (a read, or a `lock or $0` for the buffers the kernel writes,
 * which faults them in through the SIGSEGV engine), pins them, runs the
 * call through the trampoline with the program's signal mask, unpins, and
 * stores the result in the ucontext's RAX.  Large read/write-style calls
 * run in chunks of at most pin_limit pages (an eighth of the frames, at
 * most 1 MiB), so a buffer larger than the cap still works: a regular
 * file, or recv with MSG_WAITALL, is filled chunk after chunk as one call
 * would; a pipe or socket returns after the first chunk, a short count
 * the caller must already expect.  readv/writev/recvmsg/sendmsg are cut
 * to the first 64 iovecs and pin_limit bytes (a short count too).
 *
 * Pinning: pins[] counts the pins of each frame; the first pin sets
 * PG_locked, the last clears it (unlock_page).  A mapped page with
 * PG_locked is never deactivated (refill_inactive_scan keeps it active),
 * so it stays mapped, with its protection, until the call returns.
 *
 * Exec: a seccomp filter cannot be removed and survives execve, into
 * processes that may not run upage (or not yet: the dynamic loader runs
 * first).  So the filter traps only calls whose instruction pointer lies
 * in this process's libc text (every call of the program and of libc,
 * fread's read included, is made there): an exec'd process has its libc
 * elsewhere, and its calls pass the inherited filter untouched.  Raw
 * `syscall` instructions in a program's own code are not covered.  The
 * trampoline is a page outside libc, so its calls pass too.
 * PR_SET_NO_NEW_PRIVS also means exec'd set-user-ID programs do not gain
 * privileges.  kswapd writes swap clusters with pwritev, every signal
 * blocked (a trap there would kill the process): it calls through the
 * trampoline (sys_pwritev), which covers a forked child's new swap area
 * too; the always-trapped calls are also let through on the descriptors
 * of the swap areas open at start-up.
 *
 * Locking: the handler runs with every asynchronous signal blocked while
 * it pins or unpins (it takes mmap_lock, then page_table_lock, as a
 * fault does) and with the program's own mask during the call itself.
 * pins[] is protected by page_table_lock.
 */
#include "autoconfig.h"

#include "syscall_trap.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include "memory.h"
#include "swap_state.h"
#include "swapfile.h"
#include "sys.h"
#include "runtime.h"
#include "signals.h"

#define TRAP_DATA	0x5550			/* SECCOMP_RET_DATA: "UP" */
#define MAX_IOV		64
#define MAX_PINS	(256 + 64)

#ifndef SYS_SECCOMP
#define SYS_SECCOMP	1
#endif

/* mov %rdi,%rax; mov %rsi,%rdi; mov %rdx,%rsi; mov %rcx,%rdx;
 * mov %r8,%r10; mov %r9,%r8; mov 8(%rsp),%r9; syscall; ret */
static const unsigned char tramp_code[] = {
	0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48, 0x89, 0xd6, 0x48, 0x89, 0xca,
	0x4d, 0x89, 0xc2, 0x4d, 0x89, 0xc8, 0x4c, 0x8b, 0x4c, 0x24, 0x08, 0x0f,
	0x05, 0xc3,
};

typedef long (*tramp_fn)(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
static tramp_fn tramp;
static uintptr_t libc_start, libc_end;	/* libc's executable segment */

/* How a trapped call's argument points at user memory. */
enum arg_kind {
	A_NONE,
	A_BUF,		/* args[arg], args[len] bytes */
	A_FIX,		/* args[arg], size bytes */
	A_NBUF,		/* args[arg], args[len] * size bytes */
	A_STR,		/* a NUL-terminated path */
	A_IOV,		/* struct iovec[args[len]] */
	A_MSG,		/* struct msghdr */
	A_ADDRW,	/* sockaddr at args[arg], its socklen_t * at args[len] */
};

struct trap_arg {
	uint8_t kind, arg, len;
	bool write;	/* the kernel writes it */
	uint16_t size;
};

struct trap_desc {
	int nr;
	bool always;	/* the filter cannot see the buffers: trap always */
	int8_t chunk;	/* index in a[] of the chunkable buffer, or -1 */
	bool offset;	/* args[3] is a file offset to advance (pread) */
	struct trap_arg a[3];
};

#define BUF(i, l, w)	{ A_BUF, i, l, w, 0 }
#define FIX(i, s, w)	{ A_FIX, i, 0, w, s }
#define STR(i)		{ A_STR, i, 0, false, 0 }

static const struct trap_desc descs[] = {
	{ SYS_read, false, 0, false, { BUF(1, 2, true) } },
	{ SYS_write, false, 0, false, { BUF(1, 2, false) } },
	{ SYS_pread64, false, 0, true, { BUF(1, 2, true) } },
	{ SYS_pwrite64, false, 0, true, { BUF(1, 2, false) } },
	{ SYS_recvfrom, false, 0, false,
	  { BUF(1, 2, true), { A_ADDRW, 4, 5, true, 0 }, FIX(5, sizeof(socklen_t), true) } },
	{ SYS_sendto, false, 0, false, { BUF(1, 2, false), BUF(4, 5, false) } },
	{ SYS_readv, true, -1, false, { { A_IOV, 1, 2, true, 0 } } },
	{ SYS_writev, true, -1, false, { { A_IOV, 1, 2, false, 0 } } },
	{ SYS_preadv, true, -1, false, { { A_IOV, 1, 2, true, 0 } } },
	{ SYS_pwritev, true, -1, false, { { A_IOV, 1, 2, false, 0 } } },
	{ SYS_preadv2, true, -1, false, { { A_IOV, 1, 2, true, 0 } } },
	{ SYS_pwritev2, true, -1, false, { { A_IOV, 1, 2, false, 0 } } },
	{ SYS_recvmsg, true, -1, false, { { A_MSG, 1, 0, true, 0 } } },
	{ SYS_sendmsg, true, -1, false, { { A_MSG, 1, 0, false, 0 } } },
	{ SYS_getdents64, false, -1, false, { BUF(1, 2, true) } },
	{ SYS_getrandom, false, -1, false, { BUF(0, 1, true) } },
	{ SYS_getcwd, false, -1, false, { BUF(0, 1, true) } },
	{ SYS_readlink, false, -1, false, { STR(0), BUF(1, 2, true) } },
	{ SYS_readlinkat, false, -1, false, { STR(1), BUF(2, 3, true) } },
	{ SYS_fstat, false, -1, false, { FIX(1, sizeof(struct stat), true) } },
	{ SYS_stat, false, -1, false, { STR(0), FIX(1, sizeof(struct stat), true) } },
	{ SYS_lstat, false, -1, false, { STR(0), FIX(1, sizeof(struct stat), true) } },
	{ SYS_newfstatat, false, -1, false, { STR(1), FIX(2, sizeof(struct stat), true) } },
	{ SYS_statx, false, -1, false, { STR(1), FIX(4, 256, true) } },
	{ SYS_open, false, -1, false, { STR(0) } },
	{ SYS_openat, false, -1, false, { STR(1) } },
	{ SYS_access, false, -1, false, { STR(0) } },
	{ SYS_faccessat, false, -1, false, { STR(1) } },
	{ SYS_faccessat2, false, -1, false, { STR(1) } },
	{ SYS_unlink, false, -1, false, { STR(0) } },
	{ SYS_unlinkat, false, -1, false, { STR(1) } },
	{ SYS_mkdir, false, -1, false, { STR(0) } },
	{ SYS_rename, false, -1, false, { STR(0), STR(1) } },
	{ SYS_poll, false, -1, false, { { A_NBUF, 0, 1, true, 8 } } },
	{ SYS_ppoll, false, -1, false, { { A_NBUF, 0, 1, true, 8 } } },
	{ SYS_epoll_wait, false, -1, false, { { A_NBUF, 1, 2, true, 12 } } },
	{ SYS_epoll_pwait, false, -1, false, { { A_NBUF, 1, 2, true, 12 } } },
};

static const struct trap_desc *find_desc(long nr)
{
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		if (descs[i].nr == nr)
			return &descs[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Pins. */

static uint16_t *pins;		/* per frame; page_table_lock */
static unsigned long pin_limit;	/* pages one call may pin */

struct pinned {
	struct page *page;
	uintptr_t vaddr;
};

struct pinset {
	struct pinned p[MAX_PINS];
	int n;
};

static bool in_arena(uintptr_t addr)
{
	const struct arena *a = &upage.mm.arena;

	return addr - a->base < a->size;
}

static void touch(uintptr_t addr, bool write)
{
	if (write)
		__asm__ volatile("lock orb $0, %0" : "+m"(*(volatile char *)addr));
	else
		(void)*(volatile const char *)addr;
}

static int pin_page(struct pinset *ps, uintptr_t addr, bool write)
{
	struct mm_struct *mm = &upage.mm;
	struct vm_area_struct *vma;
	bool ok;

	if (ps->n == MAX_PINS)
		return -E2BIG;
	pthread_mutex_lock(&mm->mmap_lock);
	vma = find_vma_containing(mm, addr);
	ok = vma && (vma->vm_flags & VM_READ) && (!write || (vma->vm_flags & VM_WRITE));
	pthread_mutex_unlock(&mm->mmap_lock);
	if (!ok)
		return -EFAULT;	/* as the kernel would say */
	for (int tries = 0; tries < 1000; tries++) {
		pte_t pte;

		touch(addr, write);
		pthread_mutex_lock(&mm->page_table_lock);
		pte = pte_get(&mm->pgd, addr);
		if (pte_present(pte) && (!write || pte_write(pte))) {
			struct page *page = pfn_to_page(&upage.zone, pte_frame(pte));

			if (pins[page->index]++ == 0)
				SetPageFlag(page, PG_locked);
			pthread_mutex_unlock(&mm->page_table_lock);
			ps->p[ps->n].page = page;
			ps->p[ps->n].vaddr = addr;
			ps->n++;
			return 0;
		}
		/* Evicted again between the touch and the lock: retry. */
		pthread_mutex_unlock(&mm->page_table_lock);
	}
	return -EAGAIN;
}

static int pin_range(struct pinset *ps, uintptr_t start, size_t len, bool write)
{
	uintptr_t end = start + len;
	int ret;

	if (!len)
		return 0;
	if (end < start)
		return -EFAULT;
	for (uintptr_t a = start & PAGE_MASK; a < end; a += PAGE_SIZE) {
		if (!in_arena(a))
			continue;
		ret = pin_page(ps, a, write);
		if (ret)
			return ret;
	}
	return 0;
}

/* A path: pinned page by page up to its NUL (at most two pages). */
static int pin_string(struct pinset *ps, uintptr_t s)
{
	uintptr_t a = s;
	int ret;

	if (!s)
		return 0;
	for (int pages = 0; pages < 2; pages++) {
		uintptr_t end = (a & PAGE_MASK) + PAGE_SIZE;

		if (in_arena(a)) {
			ret = pin_page(ps, a & PAGE_MASK, false);
			if (ret)
				return ret;
		}
		for (; a < end; a++)
			if (!*(volatile const char *)a)
				return 0;
	}
	return 0;
}

static void unpin_all(struct pinset *ps)
{
	struct mm_struct *mm = &upage.mm;

	if (!ps->n)
		return;
	pthread_mutex_lock(&mm->page_table_lock);
	for (int i = 0; i < ps->n; i++) {
		struct page *page = ps->p[i].page;

		if (pins[page->index] && --pins[page->index] == 0 &&
		    page->vaddr == ps->p[i].vaddr && PageMapped(page) && PageLocked(page))
			unlock_page(page, &mm->page_wait);
	}
	pthread_mutex_unlock(&mm->page_table_lock);
	ps->n = 0;
}

bool syscall_trap_pinned(const struct page *page)
{
	return pins && pins[page->index];
}

void syscall_trap_for_each_pinned(void (*fn)(uintptr_t addr))
{
	struct zone *z = &upage.zone;

	if (!pins)
		return;
	for (unsigned long i = 0; i < z->nr_frames; i++)
		if (pins[i] && PageMapped(&z->mem_map[i]) && PageLocked(&z->mem_map[i]))
			fn(z->mem_map[i].vaddr);
}

void syscall_trap_fork_child(void)
{
	struct zone *z = &upage.zone;

	if (!pins)
		return;
	for (unsigned long i = 0; i < z->nr_frames; i++) {
		if (!pins[i])
			continue;
		pins[i] = 0;
		ClearPageFlag(&z->mem_map[i], PG_locked);
	}
}

/* ------------------------------------------------------------------ */
/* Running a trapped call. */

static void set_mask(const sigset_t *set)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, set, NULL, _NSIG / 8);
}

/* One trapped call: the program's mask, whether it may be cancelled,
 * and the pins it holds (for the unwinding of a cancellation). */
struct trap_call {
	const sigset_t *mask;
	bool cancellable;	/* entered where cancellation acts at once */
	struct pinset *pins[2];
};

static void call_cancelled(void *arg)
{
	struct trap_call *t = arg;

	for (int i = 0; i < 2; i++)
		if (t->pins[i])
			unpin_all(t->pins[i]);
}

/*
 * The system call as a cancellation point: the handler holds
 * cancellation off (cancel_hold, SIGCANCEL blocked) but for the call
 * itself, when it was entered with cancellation enabled and asynchronous
 * (glibc's read, pread and the like, or a program's own asynchronous
 * type): a thread blocked in read() must still be cancellable.  A
 * cancellation then unwinds from the call (SIGCANCEL, or
 * pthread_setcancelstate for one that came earlier) and call_cancelled
 * drops the pins first.  The trampoline has no unwind information:
 * glibc's unwinder stops there and longjmps to this cleanup buffer, which
 * is what pthread_cleanup_push's C form is for.  SIGCANCEL is blocked
 * again before the cleanup is popped (glibc's SIGCANCEL handler ignores
 * the disabled state).
 */
static long cancellable_call(long nr, const long *a, struct trap_call *t, const sigset_t *blocked)
{
	volatile long ret = -EINTR;

	pthread_cleanup_push(call_cancelled, t);
	set_mask(t->mask);
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	ret = tramp(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	set_mask(blocked);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	pthread_cleanup_pop(0);
	return ret;
}

/* The call itself, with the program's signal mask. */
static long call(long nr, const long *a, struct trap_call *t)
{
	sigset_t blocked;
	long ret;

	upage_async_signals(&blocked);
	if (t->cancellable)
		return cancellable_call(nr, a, t, &blocked);
	set_mask(t->mask);
	ret = tramp(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	set_mask(&blocked);
	return ret;
}

/* Pin an iovec array's buffers, at most MAX_IOV of them and @budget
 * bytes: @out gets the (possibly cut) copy.  Returns the count or -errno. */
static int pin_iov(struct pinset *ps, const struct iovec *uiov, long cnt, bool write,
		   struct iovec *out, size_t budget)
{
	int n = 0, ret;

	if (cnt < 0)
		return -EINVAL;
	for (long i = 0; i < cnt && n < MAX_IOV && budget; i++) {
		struct iovec v = uiov[i];	/* may fault: it is served */

		if (v.iov_len > budget)
			v.iov_len = budget;
		ret = pin_range(ps, (uintptr_t)v.iov_base, v.iov_len, write);
		if (ret)
			return ret;
		out[n++] = v;
		budget -= v.iov_len;
	}
	return n;
}

static long run_iov(const struct trap_desc *d, long nr, long *a, struct trap_call *t,
		    struct pinset *ps)
{
	struct iovec iov[MAX_IOV];
	int n = pin_iov(ps, (const struct iovec *)a[d->a[0].arg], a[d->a[0].len], d->a[0].write,
			iov, pin_limit << PAGE_SHIFT);

	if (n < 0)
		return n;
	a[d->a[0].arg] = (long)iov;
	a[d->a[0].len] = n;
	return call(nr, a, t);
}

static long run_msg(const struct trap_desc *d, long nr, long *a, struct trap_call *t,
		    struct pinset *ps)
{
	struct msghdr *umsg = (struct msghdr *)a[d->a[0].arg];
	bool write = d->a[0].write;
	struct iovec iov[MAX_IOV];
	struct msghdr m = *umsg;	/* may fault: it is served */
	long ret;
	int n;

	ret = pin_range(ps, (uintptr_t)m.msg_name, m.msg_name ? m.msg_namelen : 0, write);
	if (ret == 0)
		ret = pin_range(ps, (uintptr_t)m.msg_control, m.msg_control ? m.msg_controllen : 0,
				write);
	if (ret)
		return ret;
	n = pin_iov(ps, m.msg_iov, (long)m.msg_iovlen, write, iov, pin_limit << PAGE_SHIFT);
	if (n < 0)
		return n;
	m.msg_iov = iov;
	m.msg_iovlen = n;
	a[d->a[0].arg] = (long)&m;
	ret = call(nr, a, t);
	if (write && ret >= 0) {
		umsg->msg_namelen = m.msg_namelen;
		umsg->msg_controllen = m.msg_controllen;
		umsg->msg_flags = m.msg_flags;
	}
	return ret;
}

/* Pin every argument but the chunked one. */
static int pin_args(const struct trap_desc *d, const long *a, struct pinset *ps)
{
	int ret = 0;

	for (int i = 0; i < 3 && ret == 0; i++) {
		const struct trap_arg *t = &d->a[i];
		size_t len;

		if (i == d->chunk)
			continue;
		switch (t->kind) {
		case A_BUF:
			len = (size_t)a[t->len];
			if (len > pin_limit << PAGE_SHIFT)
				len = pin_limit << PAGE_SHIFT;
			ret = pin_range(ps, a[t->arg], len, t->write);
			break;
		case A_FIX:
			ret = pin_range(ps, a[t->arg], t->size, t->write);
			break;
		case A_NBUF:
			len = (size_t)a[t->len] * t->size;
			ret = len > pin_limit << PAGE_SHIFT ? -EINVAL :
							      pin_range(ps, a[t->arg], len, t->write);
			break;
		case A_STR:
			ret = pin_string(ps, a[t->arg]);
			break;
		case A_ADDRW:
			if (a[t->arg] && a[t->len])
				ret = pin_range(ps, a[t->arg], *(volatile socklen_t *)a[t->len],
						true);
			break;
		default:
			break;
		}
	}
	return ret;
}

/* May a read-style call go on with the next chunk after a full one? */
static bool fill_on(const struct trap_desc *d, const long *a)
{
	struct stat st;

	if (d->nr == SYS_recvfrom)
		return a[3] & MSG_WAITALL;
	if (tramp(SYS_fstat, a[0], (long)&st, 0, 0, 0, 0))
		return false;
	return S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
}

static long run_trapped(long nr, const long *args, const sigset_t *mask, bool cancellable)
{
	const struct trap_desc *d = find_desc(nr);
	struct pinset ps = { .n = 0 };
	struct trap_call t = { .mask = mask, .cancellable = cancellable, .pins = { &ps, NULL } };
	long a[6], ret, done = 0;
	const struct trap_arg *c;
	size_t len;

	memcpy(a, args, sizeof(a));
	if (!d || !__atomic_load_n(&upage.active, __ATOMIC_ACQUIRE) || !pins)
		return call(nr, a, &t);
	if (d->a[0].kind == A_IOV) {
		ret = run_iov(d, nr, a, &t, &ps);
		goto out;
	}
	if (d->a[0].kind == A_MSG) {
		ret = run_msg(d, nr, a, &t, &ps);
		goto out;
	}
	ret = pin_args(d, a, &ps);
	if (ret || d->chunk < 0) {
		if (ret == 0)
			ret = call(nr, a, &t);
		goto out;
	}
	c = &d->a[d->chunk];
	len = (size_t)args[c->len];
	for (;;) {
		size_t this = len - done;
		struct pinset cps = { .n = 0 };

		if (this > pin_limit << PAGE_SHIFT)
			this = pin_limit << PAGE_SHIFT;
		ret = pin_range(&cps, args[c->arg] + done, this, c->write);
		if (ret == 0) {
			a[c->arg] = args[c->arg] + done;
			a[c->len] = (long)this;
			if (d->offset)
				a[3] = args[3] + done;
			t.pins[1] = &cps;
			ret = call(nr, a, &t);
			t.pins[1] = NULL;
		}
		unpin_all(&cps);
		if (ret < 0) {
			ret = done ? done : ret;
			break;
		}
		done += ret;
		if ((size_t)done >= len || (size_t)ret < this) {
			ret = done;
			break;
		}
		ret = done;
		if (c->write && !fill_on(d, args))
			break;
	}
out:
	unpin_all(&ps);
	return ret;
}

static void sigsys_entry(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	greg_t *g = uc->uc_mcontext.gregs;
	struct cancel_hold ch;
	long args[6];

	if (si->si_code != SYS_SECCOMP || si->si_errno != TRAP_DATA || !tramp) {
		upage_chain_signal(sig, si, ucp);
		return;
	}
	/* SIGCANCEL is blocked here; nothing pinned or locked is left
	 * behind by a cancellation (see cancel_hold, cancellable_call). */
	cancel_hold(&ch);
	args[0] = g[REG_RDI];
	args[1] = g[REG_RSI];
	args[2] = g[REG_RDX];
	args[3] = g[REG_R10];
	args[4] = g[REG_R8];
	args[5] = g[REG_R9];
	g[REG_RAX] = run_trapped(si->si_syscall, args, &uc->uc_sigmask, cancel_was_async(&ch));
	cancel_resume(&ch);
}

/* ------------------------------------------------------------------ */
/* The filter. */

struct bpf_buf {
	struct sock_filter f[2048];
	unsigned int n;
};

static void emit(struct bpf_buf *b, struct sock_filter ins)
{
	if (b->n < sizeof(b->f) / sizeof(b->f[0]))
		b->f[b->n] = ins;
	b->n++;
}

#define ARG_LO(i)	(offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i)	(ARG_LO(i) + 4)
#define CHECK_LEN	18

/* In the arena?  Jump to @trap (instructions after the last of these
 * CHECK_LEN), else fall through. */
static void emit_arena_check(struct bpf_buf *b, int arg, unsigned int trap)
{
	const struct arena *a = &upage.mm.arena;
	uint32_t b_lo = (uint32_t)a->base, b_hi = (uint32_t)(a->base >> 32);
	uint32_t s_lo = (uint32_t)a->size, s_hi = (uint32_t)((uint64_t)a->size >> 32);

	/* hi' lo' = arg - base (64-bit, in 32-bit halves); in if < size. */
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_HI(arg)));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ST, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(arg)));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, b_lo, 3, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, b_hi + 1));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 2, 0, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, b_hi));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ST, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(arg)));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, b_lo));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ST, 1));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, 0));
	/* hi' > s_hi: out (to the next check, 3 ahead); == : look at lo' */
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, s_hi, 3, 0));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, s_hi, 0, (uint8_t)(trap + 2)));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, 1));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, s_lo, 0, (uint8_t)trap));
}

/* The pointer arguments the filter looks at. */
static int filter_args(const struct trap_desc *d, int *out)
{
	int n = 0;

	for (int i = 0; i < 3; i++) {
		const struct trap_arg *t = &d->a[i];

		if (t->kind == A_NONE)
			continue;
		out[n++] = t->arg;
		if (t->kind == A_ADDRW)
			out[n++] = t->len;
	}
	return n;
}

/* kswapd's pwritev (see "Exec" above): allowed on the swap areas. */
static int swap_fds(int *fds, int max)
{
	int n = 0;

	for (unsigned int type = 0; type < 64 && n < max; type++) {
		struct swap_info_struct *si = swap_info(type);

		if (si && (si->flags & SWP_USED) && si->fd >= 0)
			fds[n++] = si->fd;
	}
	return n;
}

/* ld args[0]; allowed when it is one of @fds. */
static void emit_swap_fds(struct bpf_buf *b, int nfds, const int *fds)
{
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)));
	for (int i = 0; i < nfds; i++) {
		emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)fds[i], 0, 1));
		emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	}
}

static int build_filter(struct bpf_buf *b)
{
	const uint32_t ret_trap = SECCOMP_RET_TRAP | TRAP_DATA;
	int fds[8], nfds = swap_fds(fds, 8);

	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, arch)));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	/* Only calls made by this process's libc: see "Exec" above. */
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, instruction_pointer) + 4));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(libc_start >> 32),
					     1, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, instruction_pointer)));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)libc_start, 1, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)libc_end, 0, 1));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++) {
		const struct trap_desc *d = &descs[i];
		int args[6], n = d->always ? 0 : filter_args(d, args);
		/* block: the checks, ret ALLOW, ret TRAP (or just ret TRAP) */
		unsigned int block = d->always ? 2 * nfds + 2 : n * CHECK_LEN + 2;

		emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						     offsetof(struct seccomp_data, nr)));
		emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)d->nr, 0,
						     (uint8_t)block));
		if (d->always) {
			emit_swap_fds(b, nfds, fds);
			emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret_trap));
			continue;
		}
		for (int k = 0; k < n; k++)
			/* TRAP is after the remaining checks and ret ALLOW. */
			emit_arena_check(b, args[k], (unsigned int)((n - k - 1) * CHECK_LEN + 1));
		emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
		emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret_trap));
	}
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	return b->n <= sizeof(b->f) / sizeof(b->f[0]) ? 0 : -E2BIG;
}

/* ------------------------------------------------------------------ */
/* Start-up. */

static int find_libc_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t probe = (uintptr_t)arg;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		if (probe >= start && probe < start + ph->p_memsz) {
			libc_start = start;
			libc_end = start + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

/* Where libc's system calls are made: the text segment holding read(). */
static int locate_libc(void)
{
	void *probe = dlsym(RTLD_NEXT, "read");

	if (!probe || !dl_iterate_phdr(find_libc_text, probe))
		return -ENOENT;
	if (libc_start >> 32 != (libc_end - 1) >> 32)
		return -ERANGE;	/* straddles a 4 GiB line: the filter's compare is 32-bit */
	return 0;
}

/* The trampoline: a page of its own, outside libc's text, so the filter
 * lets its calls through. */
static int map_trampoline(void)
{
	void *p;

	if (tramp)
		return 0;
	p = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	memcpy(p, tramp_code, sizeof(tramp_code));
	if (sys_mprotect(p, PAGE_SIZE, PROT_READ | PROT_EXEC))
		return -errno;
	tramp = (tramp_fn)p;
	sys_trap_exempt = tramp;
	return 0;
}

static int claim_sigsys(void)
{
	sigset_t mask;

	upage_async_signals(&mask);
	return upage_claim_signal(SIGSYS, sigsys_entry, &mask, SA_NODEFER | SA_RESTART);
}

int syscall_trap_init(void)
{
	struct zone *z = &upage.zone;
	struct bpf_buf *b;
	struct sock_fprog prog;
	unsigned long usable = z->nr_frames;
	int ret;

	ret = locate_libc();
	if (ret) {
		upage_msg("sigsegv engine: cannot locate libc's text for the system call filter: %s",
			  strerrordesc_np(-ret));
		return ret;
	}
	ret = map_trampoline();
	if (ret)
		return ret;
	pins = sys_alloc_pages(PAGE_ALIGN(z->nr_frames * sizeof(*pins)));
	if (!pins)
		return -ENOMEM;
	for (unsigned long i = 0; i < z->nr_frames; i++)
		if (PageFlag(&z->mem_map[i], PG_reserved))
			usable--;
	pin_limit = usable / 8;
	if (pin_limit > 256)
		pin_limit = 256;
	if (pin_limit < 4)
		pin_limit = 4;
	b = sys_alloc_pages(PAGE_ALIGN(sizeof(*b)));
	if (!b)
		return -ENOMEM;
	ret = build_filter(b);
	if (ret == 0)
		ret = claim_sigsys();
	if (ret == 0) {
		prog.len = (unsigned short)b->n;
		prog.filter = b->f;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog))
			ret = -errno;
	}
	sys_free_pages(b, PAGE_ALIGN(sizeof(*b)));
	if (ret)
		upage_msg("sigsegv engine: cannot install the system call filter: %s",
			  strerrordesc_np(-ret));
	return ret;
}

