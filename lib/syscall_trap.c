// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscall_trap.c - system calls on paged-out memory, for the engines
 * that serve faults in the faulting thread: the SIGSYS runner.
 *
 * The kernel does not raise SIGSEGV for a PROT_NONE page it touches on a
 * system call's behalf, nor SIGBUS for a missing page of a user-mode-only
 * userfaultfd: read(2) into such a buffer fails with EFAULT.  So the
 * system calls that take user buffers are trapped (syscall_filter.c: the
 * table of them and the seccomp filter) and run here, in the SIGSYS
 * handler of the thread that made them.
 *
 * The SIGSYS handler makes the buffers resident by touching them from
 * user mode (a read, or a `lock or $0` for the buffers the kernel may
 * write, which faults them in through the engine), pins them, runs the
 * call through the trampoline with the program's signal mask, unpins, and
 * stores the result in the ucontext's RAX.  What it brings in is the
 * table's (syscall_filter.c) for the calls it knows: the buffers' lengths,
 * and the pointers inside structures decoded (iovecs, msghdr and mmsghdr,
 * execve's vectors, copied out; select's sets).  A call it does not know
 * has the page each arena argument points at brought in, and is run again
 * with more pages on EFAULT (run_generic).
 *
 * Large calls run in chunks of at most pin_limit pages (an eighth of the
 * frames, at most 1 MiB), so a buffer larger than the cap still works:
 * read and write style calls, and readv, writev, the p*v family and
 * process_vm_readv/_writev over their iovecs.  A regular file, or recv
 * with MSG_WAITALL, is filled chunk after chunk as one call would; a pipe
 * or socket returns after the first chunk, a short count the caller must
 * already expect.  recvmsg and sendmsg are cut to pin_limit bytes (a short
 * count too).
 *
 * Pinning is the page layer's (pin_page, PagePinned in page_alloc.h): a
 * pinned page is never deactivated, so it stays mapped, with its
 * protection, until the call returns.
 *
 * Locking: the handler runs with every asynchronous signal blocked while
 * it pins or unpins (it takes mmap_lock, then page_table_lock, as a
 * fault does) and with the program's own mask during the call itself.
 * Pins are taken and dropped under page_table_lock.
 */
#include "autoconfig.h"

#include "syscall_trap.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include "memory.h"
#include "mlock.h"
#include "mm.h"
#include "swap_state.h"
#include "swapfile.h"
#include "syscall_filter.h"
#include "syscall_uring.h"
#include "trap_pins.h"
#include "sys.h"
#include "signals.h"

#define MAX_IOV		64
#define MAX_PINS	TRAP_MAX_PINS

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

/* ------------------------------------------------------------------ */
/* Pins. */

static unsigned long pin_limit;	/* pages one call may pin */

static struct mm_struct *trap_mm;	/* whose arena the runner serves */

/* ------------------------------------------------------------------ */
/* Running a trapped call. */

static void set_mask(const sigset_t *set)
{
	tramp(SYS_rt_sigprocmask, SIG_SETMASK, (long)set, 0, _NSIG / 8, 0, 0);
}

/* One trapped call: the program's mask, whether it may be cancelled,
 * and the pins it holds (for the unwinding of a cancellation). */
struct trap_call {
	const sigset_t *mask;
	bool cancellable;	/* entered where cancellation acts at once */
	struct trap_pins *pins[2];
};

static void call_cancelled(void *arg)
{
	struct trap_call *t = arg;

	for (int i = 0; i < 2; i++)
		if (t->pins[i])
			trap_unpin_locked(t->pins[i]);
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

static bool fill_on(const struct trap_desc *d, const long *a);

/*
 * Bytes [@skip, @skip + @budget) of the iovec array @uiov (@cnt of them)
 * as at most MAX_IOV iovecs in @out; *@bytes gets how many bytes that is
 * (less than @budget at the array's end or past MAX_IOV iovecs).
 * Returns the count.
 */
static int iov_slice(const struct iovec *uiov, long cnt, size_t skip, size_t budget,
		     struct iovec *out, size_t *bytes)
{
	int n = 0;

	*bytes = 0;
	for (long i = 0; i < cnt && n < MAX_IOV && budget; i++) {
		struct iovec v = uiov[i];	/* may fault: it is served */

		if (v.iov_len <= skip) {
			skip -= v.iov_len;
			continue;
		}
		v.iov_base = (char *)v.iov_base + skip;
		v.iov_len -= skip;
		skip = 0;
		if (v.iov_len > budget)
			v.iov_len = budget;
		out[n++] = v;
		budget -= v.iov_len;
		*bytes += v.iov_len;
	}
	return n;
}

static int pin_iov(struct trap_pins *ps, const struct iovec *iov, int n, bool write)
{
	int ret = 0;

	for (int i = 0; i < n && ret == 0; i++)
		ret = trap_pin_span(ps, (uintptr_t)iov[i].iov_base, iov[i].iov_len, write);
	return ret == -EFAULT ? 0 : ret;	/* the kernel says EFAULT itself */
}

static size_t iov_total(const struct iovec *uiov, long cnt)
{
	size_t total = 0;

	for (long i = 0; i < cnt; i++)
		total += uiov[i].iov_len;	/* may fault: it is served */
	return total;
}

/*
 * readv, writev and the p*v family, vmsplice, process_vm_readv and
 * _writev: the iovecs' bytes in chunks of at most pin_limit pages, each
 * pinned while its call runs, and the calls' counts added up, as read(2)
 * is (run_trapped).  process_vm_* cut their remote iovecs to the same
 * bytes.  The kernel checks the counts and lengths itself: a call whose
 * arguments it would refuse is run once, as it is.
 */
static long run_iov(const struct trap_desc *d, long nr, long *a, struct trap_call *t)
{
	const struct trap_arg *c = &d->a[0];
	const struct iovec *uiov = (const struct iovec *)a[c->arg];
	const struct iovec *riov = (const struct iovec *)a[c->arg + 2];
	long cnt = a[c->len], rcnt = a[c->len + 2];
	bool remote = c->kind == A_RIOV;
	struct iovec iov[MAX_IOV], rv[MAX_IOV];
	long args[6], ret = 0;
	size_t total, done = 0;

	if (cnt <= 0 || cnt > IOV_MAX || (remote && (rcnt <= 0 || rcnt > IOV_MAX)))
		return call(nr, a, t);
	memcpy(args, a, sizeof(args));
	total = iov_total(uiov, cnt);
	if (total > SSIZE_MAX)
		return call(nr, a, t);
	do {
		struct trap_pins ps = { .n = 0 };
		size_t this, rthis;
		int n = iov_slice(uiov, cnt, done, pin_limit << PAGE_SHIFT, iov, &this), rn = 0;

		if (remote) {
			rn = iov_slice(riov, rcnt, done, this, rv, &rthis);
			if (rthis < this)
				n = iov_slice(uiov, cnt, done, rthis, iov, &this);
			a[c->arg + 2] = (long)rv;
			a[c->len + 2] = rn;
		}
		ret = pin_iov(&ps, iov, n, c->write);
		if (ret == 0) {
			a[c->arg] = (long)iov;
			a[c->len] = n;
			if (d->offset && args[3] != -1)
				a[3] = args[3] + (long)done;
			t->pins[1] = &ps;
			ret = call(nr, a, t);
			t->pins[1] = NULL;
		}
		trap_unpin_locked(&ps);
		if (ret < 0)
			return done ? (long)done : ret;
		done += (size_t)ret;
		if ((size_t)ret < this || !this)
			break;
		/* After a full chunk a read goes on only where one call would
		 * have filled on (a file, not a pipe or a socket). */
		if (c->write && !remote && nr != SYS_vmsplice && !fill_on(d, args))
			break;
	} while (done < total);
	return (long)done;
}

static int pin_msghdr(struct trap_pins *ps, const struct msghdr *m, bool write, struct iovec *iov,
		      int *n)
{
	size_t bytes;
	int ret;

	ret = trap_pin_span(ps, (uintptr_t)m->msg_name, m->msg_name ? m->msg_namelen : 0, write);
	if (ret == 0)
		ret = trap_pin_span(ps, (uintptr_t)m->msg_control,
				m->msg_control ? m->msg_controllen : 0, write);
	if (ret == -EFAULT)
		ret = 0;
	if (ret)
		return ret;
	*n = iov_slice(m->msg_iov, (long)m->msg_iovlen, 0, pin_limit << PAGE_SHIFT, iov, &bytes);
	return pin_iov(ps, iov, *n, write);
}

/* recvmsg and sendmsg: the message's buffers pinned, its iovecs cut to
 * pin_limit pages (a datagram is not cut in two calls; a stream gets the
 * short count it must expect). */
static long run_msg(const struct trap_desc *d, long nr, long *a, struct trap_call *t,
		    struct trap_pins *ps)
{
	struct msghdr *umsg = (struct msghdr *)a[d->a[0].arg];
	bool write = d->a[0].write;
	struct iovec iov[MAX_IOV];
	struct msghdr m = *umsg;	/* may fault: it is served */
	long ret;
	int n;

	ret = pin_msghdr(ps, &m, write, iov, &n);
	if (ret)
		return ret;
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

/* recvmmsg and sendmmsg: every message's structure and buffers pinned
 * where they are, as many messages as the pins allow (at least one; the
 * call's count says how many went). */
static long run_mmsg(const struct trap_desc *d, long nr, long *a, struct trap_call *t,
		     struct trap_pins *ps)
{
	struct mmsghdr *um = (struct mmsghdr *)a[d->a[0].arg];
	bool write = d->a[0].write;
	unsigned int vlen = (unsigned int)a[d->a[0].len], i;

	if (vlen > IOV_MAX)
		vlen = IOV_MAX;
	for (i = 0; i < vlen; i++) {
		struct msghdr m;
		int ret;

		ret = trap_pin_span(ps, (uintptr_t)&um[i], sizeof(um[i]), true);
		if (ret == 0) {
			m = um[i].msg_hdr;
			ret = trap_pin_span(ps, (uintptr_t)m.msg_name,
					m.msg_name ? m.msg_namelen : 0, write);
		}
		if (ret == 0)
			ret = trap_pin_span(ps, (uintptr_t)m.msg_control,
					m.msg_control ? m.msg_controllen : 0, write);
		for (size_t k = 0; ret == 0 && k < m.msg_iovlen; k++) {
			struct iovec v = m.msg_iov[k];	/* may fault: it is served */

			ret = trap_pin_span(ps, (uintptr_t)v.iov_base, v.iov_len, write);
		}
		if (ret == -EFAULT)
			break;	/* the kernel says so, at this message */
		if (ret) {
			if (i == 0)
				return ret ? ret : -ENOMEM;
			break;
		}
	}
	if (i < vlen && i > 0)
		a[d->a[0].len] = i;
	return call(nr, a, t);
}

/*
 * execve and execveat: argv and envp copied out of the arena, with their
 * strings, into pages of upage's own (a new program starts from them; on
 * failure they are freed).
 */
static size_t vec_bytes(char *const *v, long *count)
{
	size_t bytes = 0;
	long n = 0;

	for (; v && v[n]; n++)	/* may fault: it is served */
		bytes += strlen(v[n]) + 1;
	*count = n;
	return bytes + (size_t)(n + 1) * sizeof(char *);
}

static char **vec_copy(char *const *v, long n, char **out, char **strs)
{
	for (long i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;

		memcpy(*strs, v[i], len);
		out[i] = *strs;
		*strs += len;
	}
	out[n] = NULL;
	return out;
}

static long run_exec(const struct trap_desc *d, long nr, long *a, struct trap_call *t,
		     struct trap_pins *ps)
{
	char *const *argv = (char *const *)a[d->a[1].arg], *const *envp =
		(char *const *)a[d->a[1].len];
	long argc, envc;
	size_t abytes = vec_bytes(argv, &argc), ebytes = vec_bytes(envp, &envc);
	size_t len = PAGE_ALIGN(abytes + ebytes);
	char **block, *strs;
	long ret;

	if (trap_pin_string(ps, a[d->a[0].arg]) == -E2BIG)
		return -E2BIG;
	block = sys_alloc_pages(len);
	if (!block)
		return -ENOMEM;
	strs = (char *)(block + argc + 1 + envc + 1);
	if (argv)
		a[d->a[1].arg] = (long)vec_copy(argv, argc, block, &strs);
	if (envp)
		a[d->a[1].len] = (long)vec_copy(envp, envc, block + argc + 1, &strs);
	ret = call(nr, a, t);
	sys_free_pages(block, len);
	return ret;
}

/* pselect6's sixth argument: the { mask, size } structure and the mask
 * (the kernel refuses a size other than 8 itself). */
static int pin_sigsz(struct trap_pins *ps, uintptr_t p)
{
	const struct {
		const void *ss;
		size_t len;
	} *m = (const void *)p;
	int ret;

	if (!p)
		return 0;
	ret = trap_pin_span(ps, p, sizeof(*m), false);
	if (ret == 0 && m->ss)
		ret = trap_pin_span(ps, (uintptr_t)m->ss, m->len < 128 ? m->len : 128, false);
	return ret;
}

/* Pin every argument but the chunked one.  A pointer the kernel would
 * refuse (-EFAULT from a pin) is left to the kernel: the call may not
 * use that argument as a pointer at all. */
static int pin_args(const struct trap_desc *d, const long *a, struct trap_pins *ps)
{
	int ret = 0;

	for (int i = 0; i < TRAP_ARGS && ret == 0; i++) {
		const struct trap_arg *t = &d->a[i];
		size_t len;

		if ((i == 0 && d->chunked) || !trap_arg_applies(d, t, a))
			continue;
		switch (t->kind) {
		case A_BUF:
			len = (size_t)a[t->len];
			if (len > pin_limit << PAGE_SHIFT)
				len = pin_limit << PAGE_SHIFT;
			ret = trap_pin_span(ps, a[t->arg], len, t->write);
			break;
		case A_FIX:
			ret = trap_pin_span(ps, a[t->arg], t->size, t->write);
			break;
		case A_NBUF:
			len = (size_t)a[t->len] * t->size;
			ret = len > pin_limit << PAGE_SHIFT ? -EINVAL :
							      trap_pin_span(ps, a[t->arg], len, t->write);
			break;
		case A_FDSET:
			len = a[t->len] > 0 && a[t->len] <= 1 << 20 ?
				      ((size_t)a[t->len] + 63) / 64 * 8 : 0;
			ret = trap_pin_span(ps, a[t->arg], len, t->write);
			break;
		case A_IOC:
			len = _IOC_SIZE((unsigned long)a[t->len]);
			ret = trap_pin_span(ps, a[t->arg], len ? len : sizeof(long), t->write);
			break;
		case A_STR:
			ret = trap_pin_string(ps, a[t->arg]);
			break;
		case A_SIGSZ:
			ret = pin_sigsz(ps, (uintptr_t)a[t->arg]);
			break;
		case A_ADDRW:
			if (a[t->arg] && a[t->len])
				ret = trap_pin_span(ps, a[t->arg], *(volatile socklen_t *)a[t->len],
						true);
			break;
		default:
			break;
		}
		if (ret == -EFAULT)
			ret = 0;
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

#define GENERIC_PAGES	16

/*
 * A call the table does not know (prctl, msgsnd, a driver's ioctl, ...),
 * trapped for an argument in the arena: the page each such argument
 * points at is pinned (for writing where the mapping allows), and on
 * EFAULT the call is run again with twice as many pages, up to
 * GENERIC_PAGES (a call failing with EFAULT has done nothing).
 */
static long run_generic(long nr, long *a, struct trap_call *t)
{
	long ret = -EFAULT;

	for (size_t pages = 1; pages <= GENERIC_PAGES; pages *= 2) {
		struct trap_pins ps = { .n = 0 };
		int err = 0;

		for (int i = 0; i < 6 && !err; i++) {
			uintptr_t p = (uintptr_t)a[i];

			if (!arena_contains(&trap_mm->arena, p))
				continue;
			for (size_t k = 0; k < pages && !err; k++)
				err = trap_pin_page(&ps, (p & PAGE_MASK) + (k << PAGE_SHIFT), true);
			if (err == -EFAULT)
				err = 0;	/* the end of its mapping */
		}
		t->pins[1] = &ps;
		ret = err ? err : call(nr, a, t);
		t->pins[1] = NULL;
		trap_unpin_locked(&ps);
		if (ret != -EFAULT)
			break;
	}
	return ret;
}

/* futex_waitv: the waiters' array and each waiter's futex word pinned
 * (the kernel checks the count and the flags itself). */
static long run_futv(const struct trap_desc *d, long nr, long *a, struct trap_call *t,
		     struct trap_pins *ps)
{
	const struct futex_waitv *w = (const struct futex_waitv *)a[d->a[0].arg];
	unsigned long n = (unsigned long)a[d->a[0].len];
	int ret = 0;

	if (w && n > 0 && n <= FUTEX_WAITV_MAX) {
		ret = trap_pin_span(ps, (uintptr_t)w, n * sizeof(*w), false);
		for (unsigned long i = 0; i < n && (ret == 0 || ret == -EFAULT); i++)
			ret = trap_pin_span(ps, (uintptr_t)w[i].uaddr, sizeof(uint32_t), true);
		if (ret == 0 || ret == -EFAULT)
			ret = trap_pin_span(ps, a[d->a[1].arg], d->a[1].size, false);
	}
	if (ret && ret != -EFAULT)
		return ret;
	return call(nr, a, t);
}

/* syscall_uring.c's way to run a call. */
static long run_call(long nr, long *a, void *t)
{
	return call(nr, a, t);
}

static long run_trapped(long nr, const long *args, const sigset_t *mask, bool cancellable)
{
	const struct trap_desc *d = trap_desc(nr);
	struct trap_pins ps = { .n = 0 };
	struct trap_call t = { .mask = mask, .cancellable = cancellable, .pins = { &ps, NULL } };
	long a[6], ret, done = 0;
	const struct trap_arg *c;
	size_t len;

	memcpy(a, args, sizeof(a));
	if (!__atomic_load_n(&trap_mm, __ATOMIC_ACQUIRE))
		return call(nr, a, &t);
	if (uring_call(nr))
		return uring_run(trap_mm, nr, a, run_call, &t);
	if (!d)
		return run_generic(nr, a, &t);
	switch (d->a[0].kind) {
	case A_IOV:
	case A_RIOV:
		return run_iov(d, nr, a, &t);
	case A_MSG:
		ret = run_msg(d, nr, a, &t, &ps);
		goto out;
	case A_FUTV:
		ret = run_futv(d, nr, a, &t, &ps);
		goto out;
	case A_MMSG:
		ret = trap_pin_span(&ps, a[d->a[1].arg], d->a[1].size, false);	/* the timeout */
		ret = ret && ret != -EFAULT ? ret : run_mmsg(d, nr, a, &t, &ps);
		goto out;
	default:
		break;
	}
	if (d->a[1].kind == A_EXEC) {
		ret = run_exec(d, nr, a, &t, &ps);
		goto out;
	}
	ret = pin_args(d, a, &ps);
	if (ret || !d->chunked) {
		if (ret == 0)
			ret = call(nr, a, &t);
		goto out;
	}
	c = &d->a[0];
	len = (size_t)args[c->len];
	for (;;) {
		size_t this = len - done;
		struct trap_pins cps = { .n = 0 };

		if (this > pin_limit << PAGE_SHIFT)
			this = pin_limit << PAGE_SHIFT;
		ret = trap_pin_span(&cps, args[c->arg] + done, this, c->write);
		if (ret == -EFAULT)
			ret = 0;
		if (ret == 0) {
			a[c->arg] = args[c->arg] + done;
			a[c->len] = (long)this;
			if (d->offset)
				a[3] = args[3] + done;
			t.pins[1] = &cps;
			ret = call(nr, a, &t);
			t.pins[1] = NULL;
		}
		trap_unpin_locked(&cps);
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
	trap_unpin_locked(&ps);
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
	if (sys_own_thread) {
		/* upage's own thread: not the program's buffers. */
		g[REG_RAX] = tramp(si->si_syscall, g[REG_RDI], g[REG_RSI], g[REG_RDX],
				   g[REG_R10], g[REG_R8], g[REG_R9]);
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
/* Start-up. */

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
	return upage_claim_signal(SIGSYS, sigsys_entry, &mask, SA_NODEFER | SA_RESTART | SA_ONSTACK);
}

/* kswapd's pwritev (see "Exec" in syscall_filter.c): allowed on the
 * swap areas. */
static int swap_fds(int *fds, int max)
{
	int n = 0;

	for (unsigned int type = 0; type < MAX_SWAPFILES && n < max; type++) {
		struct swap_info_struct *si = swap_info(type);

		if (si && (si->flags & SWP_USED) && si->fd >= 0)
			fds[n++] = si->fd;
	}
	return n;
}

static void say_why_no_filter(int err)
{
	int inherited = err == -ENOMEM ? syscall_filters_inherited() : 0;

	if (err == -ENOENT)
		upage_msg("cannot locate libc's text for the system call filter");
	else if (inherited > 0)
		/* The kernel allows 32768 instructions over all of a process's
		 * filters, and each upage process down a chain of execs adds
		 * its own (an exec'd process keeps its ancestors'). */
		upage_msg("cannot install the system call filter: the %d seccomp filters this process "
			  "inherited (each program of a chain of execs under upage adds one) leave the "
			  "kernel no room for another",
			  inherited);
	else
		upage_msg("cannot install the system call filter: %s", strerrordesc_np(-err));
}

int syscall_trap_init(struct mm_struct *mm)
{
	const struct arena *a = &mm->arena;
	int fds[8], nfds = swap_fds(fds, 8);
	int ret;

	ret = map_trampoline();
	if (ret)
		return ret;
	/* the frames in service now (zone_cap.c may change it later) */
	pin_limit = mm->zone->cap_frames / 8;
	if (pin_limit > 256)
		pin_limit = 256;
	if (pin_limit < 4)
		pin_limit = 4;
	ret = claim_sigsys();
	if (ret == 0)
		ret = syscall_filter_install(a->base, a->size, fds, nfds);
	if (ret) {
		say_why_no_filter(ret);
		return ret;
	}
	trap_pins_init(mm);
	__atomic_store_n(&trap_mm, mm, __ATOMIC_RELEASE);
	return 0;
}

