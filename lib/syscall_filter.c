// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscall_filter.c - the system calls the trap takes (one table) and the
 * seccomp filter built from it.
 *
 * A seccomp filter (installed unprivileged: PR_SET_NO_NEW_PRIVS, then
 * SECCOMP_SET_MODE_FILTER) returns SECCOMP_RET_TRAP for a system call one
 * of whose arguments points into the arena.  A filter sees a call's six
 * argument values, not what they point to, and the arena is one range:
 * comparing the arguments against its bounds catches every direct pointer
 * into the arena, for every system call at once.  The table (descs[]) says
 * which arguments of a known call are pointers, so that only those are
 * compared (the others may hold anything), and how long each buffer is;
 * a call it does not know has all six compared.  Calls whose pointers hang
 * off a structure the filter cannot read (readv, writev and the p*v
 * family, recvmsg, sendmsg, recvmmsg, sendmmsg, process_vm_readv and
 * _writev, vmsplice, futex_waitv) are trapped always, and so are
 * io_uring_setup, _enter and _register (their buffers hang off the rings:
 * syscall_uring.c), made from libc, from liburing, which makes its
 * calls from its own text, or from the program's text.  Calls that take
 * arena addresses as addresses (mmap, mprotect, madvise, clone's stack, ...) and
 * frequent calls that take no pointers are never trapped (never[]).
 *
 * Exec: a seccomp filter cannot be removed and survives execve, into
 * processes that may not run upage (or not yet: the dynamic loader runs
 * first).  So the filter traps only calls whose instruction pointer lies
 * in this process's libc text (every call of the program and of libc,
 * fread's read included, is made there): an exec'd process has its libc
 * elsewhere, and its calls pass the inherited filter untouched.  Raw
 * `syscall` instructions in a program's own code are not covered, but
 * for io_uring's (a static liburing) and a Go program's, whose runtime
 * makes all its calls so (locate_program): its text is trapped as libc's,
 * but for two calls it makes with every signal blocked (emit_go_calls).
 * The trap's trampoline is a page outside libc, so its calls pass too.
 * PR_SET_NO_NEW_PRIVS also means exec'd set-user-ID programs do not gain
 * privileges.  kswapd writes swap clusters with pwritev, every signal
 * blocked (a trap there would kill the process): it calls through the
 * trampoline (sys_pwritev), which covers a forked child's new swap area
 * too; the always-trapped calls are also let through on the descriptors
 * the caller names (the swap areas open at start-up).
 *
 * Locking: none; the table is constant and the filter is built once.
 */
#include "autoconfig.h"

#include "syscall_filter.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "pgtable.h"
#include "sys.h"

#define BUF(i, l, w)	{ .kind = A_BUF, .arg = (i), .len = (l), .write = (w) }
#define FIX(i, s, w)	{ .kind = A_FIX, .arg = (i), .write = (w), .size = (s) }
#define NBUF(i, l, s)	{ .kind = A_NBUF, .arg = (i), .len = (l), .write = true, .size = (s) }
#define STR(i)		{ .kind = A_STR, .arg = (i) }
#define IOV(i, l, w)	{ .kind = A_IOV, .arg = (i), .len = (l), .write = (w) }
#define MSG(i, w)	{ .kind = A_MSG, .arg = (i), .write = (w) }
#define MMSG(i, l, w)	{ .kind = A_MMSG, .arg = (i), .len = (l), .write = (w) }
#define ADDRW(i, l)	{ .kind = A_ADDRW, .arg = (i), .len = (l), .write = true }
#define FDSET(i)	{ .kind = A_FDSET, .arg = (i), .len = 0, .write = true }
#define IOC(i, c)	{ .kind = A_IOC, .arg = (i), .len = (c), .write = true }
#define EXEC(v, e)	{ .kind = A_EXEC, .arg = (v), .len = (e) }
#define RIOV(i, l, w)	{ .kind = A_RIOV, .arg = (i), .len = (l), .write = (w) }
#define FUTV(i, l)	{ .kind = A_FUTV, .arg = (i), .len = (l), .write = true }
#define SIGSZ(i)	{ .kind = A_SIGSZ, .arg = (i) }

/* A_FIX only for the operations @o (OP(n) | ...): trap_arg.ops */
#define OP(n)		(1ull << (n))
#define FIXOP(i, s, w, o) { .kind = A_FIX, .arg = (i), .write = (w), .size = (s), .ops = (o) }

#define READS	true	/* the kernel writes the buffer: the call reads into it */
#define WRITES	false	/* the kernel only reads it */

#define TIMESPEC	16	/* struct timespec, struct timeval */
#define RUSAGE		sizeof(struct rusage)
#define SOCKLEN		sizeof(socklen_t)

static const struct trap_desc descs[] = {
	{ .nr = SYS_read, .chunked = true, .a = { BUF(1, 2, READS) } },
	{ .nr = SYS_write, .chunked = true, .a = { BUF(1, 2, WRITES) } },
	{ .nr = SYS_pread64, .chunked = true, .offset = true, .a = { BUF(1, 2, READS) } },
	{ .nr = SYS_pwrite64, .chunked = true, .offset = true, .a = { BUF(1, 2, WRITES) } },
	{ .nr = SYS_recvfrom, .chunked = true,
	  .a = { BUF(1, 2, READS), ADDRW(4, 5), FIX(5, SOCKLEN, READS) } },
	{ .nr = SYS_sendto, .chunked = true, .a = { BUF(1, 2, WRITES), BUF(4, 5, WRITES) } },
	{ .nr = SYS_readv, .always = true, .a = { IOV(1, 2, READS) } },
	{ .nr = SYS_writev, .always = true, .a = { IOV(1, 2, WRITES) } },
	{ .nr = SYS_preadv, .always = true, .offset = true, .a = { IOV(1, 2, READS) } },
	{ .nr = SYS_pwritev, .always = true, .offset = true, .a = { IOV(1, 2, WRITES) } },
	{ .nr = SYS_preadv2, .always = true, .offset = true, .a = { IOV(1, 2, READS) } },
	{ .nr = SYS_pwritev2, .always = true, .offset = true, .a = { IOV(1, 2, WRITES) } },
	{ .nr = SYS_vmsplice, .always = true, .a = { IOV(1, 2, WRITES) } },
	{ .nr = SYS_recvmsg, .always = true, .a = { MSG(1, READS) } },
	{ .nr = SYS_sendmsg, .always = true, .a = { MSG(1, WRITES) } },
	{ .nr = SYS_recvmmsg, .always = true, .a = { MMSG(1, 2, READS), FIX(4, TIMESPEC, WRITES) } },
	{ .nr = SYS_sendmmsg, .always = true, .a = { MMSG(1, 2, WRITES) } },
	/* Not always: posix_spawn's child runs execve with every handler
	 * reset, where a trap would kill it.  So only vectors in the arena
	 * are seen, not a vector elsewhere holding strings in the arena. */
	{ .nr = SYS_execve, .a = { STR(0), EXEC(1, 2) } },
	{ .nr = SYS_execveat, .a = { STR(1), EXEC(2, 3) } },
	{ .nr = SYS_process_vm_readv, .always = true, .a = { RIOV(1, 2, READS) } },
	{ .nr = SYS_process_vm_writev, .always = true, .a = { RIOV(1, 2, WRITES) } },
	{ .nr = SYS_getdents64, .a = { BUF(1, 2, READS) } },
	{ .nr = SYS_getrandom, .a = { BUF(0, 1, READS) } },
	{ .nr = SYS_getcwd, .a = { BUF(0, 1, READS) } },
	{ .nr = SYS_readlink, .a = { STR(0), BUF(1, 2, READS) } },
	{ .nr = SYS_readlinkat, .a = { STR(1), BUF(2, 3, READS) } },
	{ .nr = SYS_fstat, .a = { FIX(1, sizeof(struct stat), READS) } },
	{ .nr = SYS_stat, .a = { STR(0), FIX(1, sizeof(struct stat), READS) } },
	{ .nr = SYS_lstat, .a = { STR(0), FIX(1, sizeof(struct stat), READS) } },
	{ .nr = SYS_newfstatat, .a = { STR(1), FIX(2, sizeof(struct stat), READS) } },
	{ .nr = SYS_statx, .a = { STR(1), FIX(4, 256, READS) } },
	{ .nr = SYS_open, .a = { STR(0) } },
	{ .nr = SYS_openat, .a = { STR(1) } },
	{ .nr = SYS_access, .a = { STR(0) } },
	{ .nr = SYS_faccessat, .a = { STR(1) } },
	{ .nr = SYS_faccessat2, .a = { STR(1) } },
	{ .nr = SYS_unlink, .a = { STR(0) } },
	{ .nr = SYS_unlinkat, .a = { STR(1) } },
	{ .nr = SYS_mkdir, .a = { STR(0) } },
	{ .nr = SYS_rename, .a = { STR(0), STR(1) } },
	{ .nr = SYS_poll, .a = { NBUF(0, 1, 8) } },
	{ .nr = SYS_ppoll, .a = { NBUF(0, 1, 8), FIX(2, TIMESPEC, WRITES), FIX(3, 8, WRITES) } },
	{ .nr = SYS_epoll_wait, .a = { NBUF(1, 2, 12) } },
	{ .nr = SYS_epoll_pwait, .a = { NBUF(1, 2, 12), FIX(4, 8, WRITES) } },
	{ .nr = SYS_epoll_ctl, .a = { FIX(3, 12, WRITES) } },
	{ .nr = SYS_select, .a = { FDSET(1), FDSET(2), FDSET(3), FIX(4, TIMESPEC, READS) } },
	/* The mask's structure is seen when it lies in the arena (glibc's
	 * pselect passes a copy on its stack: signals.c). */
	{ .nr = SYS_pselect6, .a = { FDSET(1), FDSET(2), FDSET(3), FIX(4, TIMESPEC, READS),
				     SIGSZ(5) } },
	{ .nr = SYS_uname, .a = { FIX(0, sizeof(struct utsname), READS) } },
	{ .nr = SYS_pipe, .a = { FIX(0, 2 * sizeof(int), READS) } },
	{ .nr = SYS_pipe2, .a = { FIX(0, 2 * sizeof(int), READS) } },
	{ .nr = SYS_socketpair, .a = { FIX(3, 2 * sizeof(int), READS) } },
	/* The word (written: a wait's compare is atomic), the timeout of a
	 * wait, the second word of a requeue or wake_op. */
	{ .nr = SYS_futex, .op_arg = 1, .op_mask = 0x7f /* FUTEX_CMD_MASK */,
	  .a = { FIX(0, 4, READS),
		 FIXOP(3, TIMESPEC, WRITES, OP(FUTEX_WAIT) | OP(FUTEX_LOCK_PI) |
			OP(FUTEX_WAIT_BITSET) | OP(FUTEX_WAIT_REQUEUE_PI) | OP(FUTEX_LOCK_PI2)),
		 FIXOP(4, 4, READS, OP(FUTEX_REQUEUE) | OP(FUTEX_CMP_REQUEUE) |
			OP(FUTEX_WAKE_OP) | OP(FUTEX_CMP_REQUEUE_PI) | OP(FUTEX_WAIT_REQUEUE_PI)) } },
	/* The futex words hang off the waiters: trapped always. */
	{ .nr = SYS_futex_waitv, .always = true, .a = { FUTV(0, 1), FIX(3, TIMESPEC, WRITES) } },
	{ .nr = SYS_nanosleep, .a = { FIX(0, TIMESPEC, WRITES), FIX(1, TIMESPEC, READS) } },
	{ .nr = SYS_clock_nanosleep, .a = { FIX(2, TIMESPEC, WRITES), FIX(3, TIMESPEC, READS) } },
	{ .nr = SYS_clock_gettime, .a = { FIX(1, TIMESPEC, READS) } },
	{ .nr = SYS_gettimeofday, .a = { FIX(0, TIMESPEC, READS) } },
	{ .nr = SYS_rt_sigaction, .a = { FIX(1, 32 + 8, WRITES), FIX(2, 32 + 8, READS) } },
	{ .nr = SYS_sigaltstack, .a = { FIX(0, sizeof(stack_t), WRITES),
					FIX(1, sizeof(stack_t), READS) } },
	{ .nr = SYS_wait4, .a = { FIX(1, sizeof(int), READS), FIX(3, RUSAGE, READS) } },
	{ .nr = SYS_waitid, .a = { FIX(2, sizeof(siginfo_t), READS), FIX(4, RUSAGE, READS) } },
	{ .nr = SYS_getrusage, .a = { FIX(1, RUSAGE, READS) } },
	{ .nr = SYS_sched_getaffinity, .a = { BUF(2, 1, READS) } },
	{ .nr = SYS_sched_setaffinity, .a = { BUF(2, 1, WRITES) } },
	{ .nr = SYS_accept, .a = { ADDRW(1, 2), FIX(2, SOCKLEN, READS) } },
	{ .nr = SYS_accept4, .a = { ADDRW(1, 2), FIX(2, SOCKLEN, READS) } },
	{ .nr = SYS_getsockname, .a = { ADDRW(1, 2), FIX(2, SOCKLEN, READS) } },
	{ .nr = SYS_getpeername, .a = { ADDRW(1, 2), FIX(2, SOCKLEN, READS) } },
	{ .nr = SYS_getsockopt, .a = { ADDRW(3, 4), FIX(4, SOCKLEN, READS) } },
	{ .nr = SYS_setsockopt, .a = { BUF(3, 4, WRITES) } },
	{ .nr = SYS_bind, .a = { BUF(1, 2, WRITES) } },
	{ .nr = SYS_connect, .a = { BUF(1, 2, WRITES) } },
	{ .nr = SYS_fcntl, .op_arg = 1,
	  .a = { FIXOP(2, sizeof(struct flock), READS,
		     OP(F_GETLK) | OP(F_SETLK) | OP(F_SETLKW) | OP(F_OFD_GETLK) | OP(F_OFD_SETLK) |
		     OP(F_OFD_SETLKW) | OP(F_GETOWN_EX) | OP(F_SETOWN_EX)) } },
	{ .nr = SYS_prctl, .a = { FIX(1, 16, READS) } },
	{ .nr = SYS_ioctl, .a = { IOC(2, 1) } },
	{ .nr = SYS_timerfd_settime, .a = { FIX(2, 2 * TIMESPEC, WRITES),
					    FIX(3, 2 * TIMESPEC, READS) } },
	{ .nr = SYS_timerfd_gettime, .a = { FIX(1, 2 * TIMESPEC, READS) } },
	{ .nr = SYS_copy_file_range, .a = { FIX(1, 8, READS), FIX(3, 8, READS) } },
	{ .nr = SYS_splice, .a = { FIX(1, 8, READS), FIX(3, 8, READS) } },
	{ .nr = SYS_sendfile, .a = { FIX(2, 8, READS) } },
	{ .nr = SYS_mincore, .a = { FIX(2, 1, READS) } },
};

/*
 * Calls the filter never traps: those that take an address in the arena
 * as an address, not as memory the kernel reads or writes (a trap would
 * touch the very pages they change, or, for clone and rt_sigreturn, run
 * them on the wrong stack), and frequent calls that take no pointer at
 * all, whose unused argument registers may hold anything.
 */
static const int never[] = {
	SYS_mmap, SYS_munmap, SYS_mprotect, SYS_madvise, SYS_mremap, SYS_msync, SYS_brk,
	SYS_mlock, SYS_mlock2, SYS_munlock, SYS_mlockall, SYS_munlockall, SYS_pkey_mprotect,
	SYS_remap_file_pages, SYS_mbind, SYS_shmat, SYS_shmdt, SYS_process_madvise,
	SYS_rt_sigreturn, SYS_clone, SYS_clone3, SYS_fork, SYS_vfork, SYS_exit, SYS_exit_group,
	SYS_set_robust_list, SYS_set_tid_address, SYS_arch_prctl, SYS_rseq, SYS_userfaultfd,
	/* glibc's new thread sets its mask from its descriptor, at the top
	 * of a stack that may be in the heap, with every signal blocked
	 * (a trap there kills); a program's sigprocmask and pthread_sigmask
	 * pass copies (signals.c). */
	SYS_rt_sigprocmask,
	SYS_close, SYS_close_range, SYS_dup, SYS_dup2, SYS_dup3, SYS_lseek, SYS_fsync,
	SYS_fdatasync, SYS_ftruncate, SYS_fallocate, SYS_fadvise64, SYS_kill, SYS_tkill,
	SYS_tgkill, SYS_getpid, SYS_gettid, SYS_getppid, SYS_sched_yield, SYS_listen,
	SYS_shutdown, SYS_socket, SYS_fchmod, SYS_fchown, SYS_flock, SYS_umask, SYS_setsid,
	SYS_alarm, SYS_pause, SYS_getuid, SYS_geteuid, SYS_getgid, SYS_getegid, SYS_eventfd2,
	SYS_epoll_create1, SYS_timerfd_create, SYS_memfd_create, SYS_sync, SYS_syncfs,
	SYS_membarrier, SYS_sched_getscheduler, SYS_getpgrp, SYS_setpgid, SYS_getpgid,
};

#define NR_DESCS	(sizeof(descs) / sizeof(descs[0]))

const struct trap_desc *trap_desc(long nr)
{
	for (size_t i = 0; i < NR_DESCS; i++)
		if (descs[i].nr == nr)
			return &descs[i];
	return NULL;
}

/* What the filter compares against: set once, by syscall_filter_install. */
static uintptr_t arena_base;
static size_t arena_size;
static uintptr_t libc_start, libc_end;	/* libc's executable segment */
static uintptr_t uring_start, uring_end;	/* liburing's, or 0 */
static uintptr_t prog_start, prog_end;	/* the program's own text */
static bool prog_is_go;			/* ... which is a Go program's */

struct bpf_buf {
	struct sock_filter f[BPF_MAXINSNS];
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

/* The 64-bit word at @lo (seccomp_data) in [@base, @base + @size)?  Jump
 * to @trap (instructions after the last of these CHECK_LEN), else fall
 * through. */
static void emit_range_check(struct bpf_buf *b, uint32_t lo, uintptr_t base, size_t size,
			     unsigned int trap)
{
	uint32_t b_lo = (uint32_t)base, b_hi = (uint32_t)(base >> 32);
	uint32_t s_lo = (uint32_t)size, s_hi = (uint32_t)((uint64_t)size >> 32);

	/* hi' lo' = word - base (64-bit, in 32-bit halves); in if < size. */
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, lo + 4));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ST, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, lo));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, b_lo, 3, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, b_hi + 1));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 2, 0, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, b_hi));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ST, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, lo));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, b_lo));
	emit(b, (struct sock_filter)BPF_STMT(BPF_ST, 1));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, 0));
	/* hi' > s_hi: out (to the next check, 3 ahead); == : look at lo' */
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, s_hi, 3, 0));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, s_hi, 0, (uint8_t)(trap + 2)));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_MEM, 1));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, s_lo, 0, (uint8_t)trap));
}

/* Argument @arg in the arena?  As emit_range_check. */
static void emit_arena_check(struct bpf_buf *b, int arg, unsigned int trap)
{
	emit_range_check(b, ARG_LO(arg), arena_base, arena_size, trap);
}

/* An argument the filter compares: when @ops (trap_arg.ops) says so. */
struct fcheck {
	int arg;
	uint64_t ops;
};

/* The pointer arguments the filter looks at, each once. */
static int filter_args(const struct trap_desc *d, struct fcheck *out)
{
	uint64_t ops[6] = { 0 };
	unsigned int seen = 0, always = 0;
	int n = 0;

	for (int i = 0; i < TRAP_ARGS; i++) {
		const struct trap_arg *t = &d->a[i];

		if (t->kind == A_NONE)
			continue;
		seen |= 1u << t->arg;
		if (t->ops)
			ops[t->arg] |= t->ops;
		else
			always |= 1u << t->arg;
		if (t->kind == A_ADDRW || t->kind == A_EXEC) {
			seen |= 1u << t->len;
			always |= 1u << t->len;
		}
	}
	for (int i = 0; i < 6; i++)
		if (seen & (1u << i))
			out[n++] = (struct fcheck){ i, always & (1u << i) ? 0 : ops[i] };
	return n;
}

static unsigned int popcount64(uint64_t x)
{
	return (unsigned int)__builtin_popcountll(x);
}

/* How many instructions emit_check emits for @c. */
static unsigned int check_len(const struct trap_desc *d, const struct fcheck *c)
{
	if (!c->ops)
		return CHECK_LEN;
	return 1 + (d->op_mask ? 1 : 0) + popcount64(c->ops) + 1 + CHECK_LEN;
}

/* emit_arena_check, guarded by the operation when @c has one: jump to
 * @trap (instructions after this check) when it applies and the argument
 * lies in the arena, else fall through. */
static void emit_check(struct bpf_buf *b, const struct trap_desc *d, const struct fcheck *c,
		       unsigned int trap)
{
	unsigned int m = popcount64(c->ops), i = 0;

	if (c->ops) {
		emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(d->op_arg)));
		if (d->op_mask)
			emit(b, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, d->op_mask));
		for (unsigned int op = 0; op < 64; op++)
			if (c->ops & (1ull << op)) {
				/* to the check, past the other ops and the ja */
				emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, op,
								     (uint8_t)(m - i), 0));
				i++;
			}
		emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, CHECK_LEN, 0, 0));
	}
	emit_arena_check(b, c->arg, trap);
}

/* ld nr first: allowed when it is one of never[]. */
static void emit_never(struct bpf_buf *b)
{
	const unsigned int k = sizeof(never) / sizeof(never[0]);

	for (unsigned int i = 0; i < k; i++)
		emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)never[i],
						     (uint8_t)(k - i), 0));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

/* ld args[0]; allowed when it is one of @fds (the swap areas: see "Exec"
 * above). */
static void emit_exempt_fds(struct bpf_buf *b, int nfds, const int *fds)
{
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)));
	for (int i = 0; i < nfds; i++) {
		emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)fds[i], 0, 1));
		emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	}
}

#define IP_LO	offsetof(struct seccomp_data, instruction_pointer)
#define IP_HI	(IP_LO + 4)

/*
 * The calls a Go program makes itself with every signal blocked (in its
 * signal handlers, around its threads' start, and in a child between
 * fork and exec), where a trap would kill it: sigaltstack and
 * rt_sigaction are let through untrapped (their structures are the
 * runtime's, nothing the program filled).  But rt_sigaction setting
 * SIGSYS, SIGBUS or SIGSEGV from Go's text answers 0 and changes nothing:
 * with cgo the runtime sets its handlers through libc (sigaction.c keeps
 * upage's), and only a forked child resets them with its own call before
 * execve, which is trapped (its argv is in the heap) and must still find
 * upage's handler there (else SIGSYS kills the child: exec failed).
 */
#define SA_OFF(i)	(offsetof(struct seccomp_data, args) + 8 * (i))

static void emit_go_calls(struct bpf_buf *b)
{
	const uint32_t ld_abs = BPF_LD | BPF_W | BPF_ABS, jeq = BPF_JMP | BPF_JEQ | BPF_K;

	/* i0..i13; i12 ret 0, i13 ret ALLOW, then the table */
	emit(b, (struct sock_filter)BPF_STMT(ld_abs, offsetof(struct seccomp_data, nr)));
	emit(b, (struct sock_filter)BPF_JUMP(jeq, SYS_sigaltstack, 11, 0));
	emit(b, (struct sock_filter)BPF_JUMP(jeq, SYS_rt_sigaction, 1, 0));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 10, 0, 0));
	emit(b, (struct sock_filter)BPF_STMT(ld_abs, SA_OFF(0)));
	emit(b, (struct sock_filter)BPF_JUMP(jeq, SIGSYS, 2, 0));
	emit(b, (struct sock_filter)BPF_JUMP(jeq, SIGBUS, 1, 0));
	emit(b, (struct sock_filter)BPF_JUMP(jeq, SIGSEGV, 0, 5));
	emit(b, (struct sock_filter)BPF_STMT(ld_abs, SA_OFF(1)));
	emit(b, (struct sock_filter)BPF_JUMP(jeq, 0, 0, 2));
	emit(b, (struct sock_filter)BPF_STMT(ld_abs, SA_OFF(1) + 4));
	emit(b, (struct sock_filter)BPF_JUMP(jeq, 0, 1, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}
#define GO_CALLS_LEN	14

/* Allowed unless the instruction pointer lies in libc's text, or in a Go
 * program's own (its runtime makes its system calls there, not in libc)
 * for a call other than emit_go_calls's; else on to the table, nr to be
 * loaded again. */
static void emit_text_check(struct bpf_buf *b)
{
	/* past: [Go check] ALLOW [Go calls] */
	emit_range_check(b, IP_LO, libc_start, libc_end - libc_start,
			 prog_is_go ? CHECK_LEN + 1 + GO_CALLS_LEN : 1);
	if (prog_is_go)
		emit_range_check(b, IP_LO, prog_start, prog_end - prog_start, 1);
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	if (prog_is_go)
		emit_go_calls(b);
}

/* ld nr first: io_uring's calls are trapped when made from libc, from
 * liburing (which makes its own) or from the program's own text (a
 * static liburing, a raw syscall), else allowed; any other call falls
 * through, nr still loaded. */
static void emit_uring(struct bpf_buf *b)
{
	const uint32_t ret_trap = SECCOMP_RET_TRAP | TRAP_DATA;
	unsigned int more = (uring_end ? CHECK_LEN : 0) + (prog_end ? CHECK_LEN : 0);
	unsigned int block = CHECK_LEN + more + 2;

	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_io_uring_setup, 2, 0));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_io_uring_enter, 1, 0));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_io_uring_register, 0,
					     (uint8_t)block));
	/* Each check jumps past the ones after it and ret ALLOW, to TRAP. */
	emit_range_check(b, IP_LO, libc_start, libc_end - libc_start, more + 1);
	if (uring_end)
		emit_range_check(b, IP_LO, uring_start, uring_end - uring_start,
				 (prog_end ? CHECK_LEN : 0) + 1);
	if (prog_end)
		emit_range_check(b, IP_LO, prog_start, prog_end - prog_start, 1);
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret_trap));
}

static int build_filter(struct bpf_buf *b, const int *fds, int nfds)
{
	const uint32_t ret_trap = SECCOMP_RET_TRAP | TRAP_DATA;

	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, arch)));
	emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, nr)));
	emit_uring(b);
	/* Only calls made by this process's libc (or Go runtime): see
	 * "Exec" above. */
	emit_text_check(b);
	emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, nr)));
	emit_never(b);
	for (size_t i = 0; i < NR_DESCS; i++) {
		const struct trap_desc *d = &descs[i];
		struct fcheck args[6];
		int n = d->always ? 0 : filter_args(d, args);
		unsigned int len[6], total = 0, block;

		for (int k = 0; k < n; k++)
			total += len[k] = check_len(d, &args[k]);
		/* block: the checks, ret ALLOW, ret TRAP (or just ret TRAP) */
		block = d->always ? 2 * (unsigned int)nfds + 2 : total + 2;

		emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						     offsetof(struct seccomp_data, nr)));
		emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)d->nr, 0,
						     (uint8_t)block));
		if (d->always) {
			emit_exempt_fds(b, nfds, fds);
			emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret_trap));
			continue;
		}
		for (int k = 0; k < n; k++) {
			/* TRAP is after the remaining checks and ret ALLOW. */
			total -= len[k];
			emit_check(b, d, &args[k], total + 1);
		}
		emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
		emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret_trap));
	}
	/* Any other call: trapped when any of its six arguments lies in the
	 * arena. */
	for (int k = 0; k < 6; k++)
		emit_arena_check(b, k, (unsigned int)((6 - k - 1) * CHECK_LEN + 1));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret_trap));
	return b->n <= sizeof(b->f) / sizeof(b->f[0]) ? 0 : -E2BIG;
}

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
	if ((libc_end - 1) >> 32 > (libc_start >> 32) + 1)
		return -ERANGE;	/* more than 4 GiB of text: not a libc */
	return 0;
}

static int find_uring_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	if (!info->dlpi_name || !strstr(info->dlpi_name, "/liburing.so"))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			uring_start = info->dlpi_addr + ph->p_vaddr;
			uring_end = uring_start + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

/* Where liburing makes its io_uring calls, when the program has it (a
 * liburing opened later with dlopen is not seen). */
static void locate_liburing(void)
{
	dl_iterate_phdr(find_uring_text, NULL);
}

/* Does this segment of notes hold Go's build ID (owner "Go", type 4; the
 * Go linker counts the name's padding in its size)? */
static bool go_note(const char *p, size_t len)
{
	while (len >= 12) {
		const uint32_t *h = (const uint32_t *)p;
		size_t sz = 12 + ((h[0] + 3) & ~3u) + ((h[1] + 3) & ~3u);

		if ((h[0] == 3 || h[0] == 4) && h[2] == 4 && memcmp(p + 12, "Go", 3) == 0)
			return true;
		if (sz > len)
			break;
		p += sz;
		len -= sz;
	}
	return false;
}

/* The first object dl_iterate_phdr names is the program. */
static int find_program_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_NOTE &&
		    go_note((const char *)(info->dlpi_addr + ph->p_vaddr), ph->p_filesz))
			prog_is_go = true;
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && !prog_end) {
			prog_start = info->dlpi_addr + ph->p_vaddr;
			prog_end = prog_start + ph->p_memsz;
		}
	}
	if (!prog_end)
		prog_is_go = false;
	return 1;
}

/*
 * The program's own text: where a statically linked liburing, or a
 * program's own `syscall` instruction, makes its io_uring calls; and
 * where a Go program (cgo: the kind upage can be preloaded into) makes
 * all of its calls, with raw syscall instructions, so that its file and
 * network I/O into its heap would fail with EFAULT were only libc's
 * calls trapped.  Trapped there too, it lies in an exec'd program's way
 * only if that one is loaded at the same address (a non-PIE program)
 * and makes such a call without upage.
 */
static void locate_program(void)
{
	dl_iterate_phdr(find_program_text, NULL);
}

bool program_is_go(void)
{
	locate_program();
	return prog_is_go;
}

/* How many seccomp filters this process carries already (its ancestors'
 * survive execve), from /proc/self/status; -1 if unknown. */
int syscall_filters_inherited(void)
{
	return (int)sys_read_number("/proc/self/status", "Seccomp_filters:", -1);
}

int syscall_filter_install(uintptr_t base, size_t size, const int *fds, int nr_fds)
{
	struct bpf_buf *b;
	struct sock_fprog prog;
	int ret;

	arena_base = base;
	arena_size = size;
	ret = locate_libc();
	if (ret)
		return ret;
	locate_liburing();
	locate_program();
	b = sys_alloc_pages(PAGE_ALIGN(sizeof(*b)));
	if (!b)
		return -ENOMEM;
	ret = build_filter(b, fds, nr_fds);
	if (ret == 0) {
		prog.len = (unsigned short)b->n;
		prog.filter = b->f;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    sys_syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog))
			ret = -errno;
	}
	sys_free_pages(b, PAGE_ALIGN(sizeof(*b)));
	return ret;
}
