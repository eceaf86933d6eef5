// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscall_filter.c - the system calls the trap takes (one table) and the
 * seccomp filter built from it.
 *
 * A seccomp filter (installed unprivileged: PR_SET_NO_NEW_PRIVS, then
 * SECCOMP_SET_MODE_FILTER) returns SECCOMP_RET_TRAP for the system calls
 * that take user buffers when a buffer argument lies in the arena (read,
 * write, pread64, pwrite64, recvfrom, sendto, getdents64, getrandom, the
 * stat family and the calls taking a path), and always for those whose
 * buffers hang off a structure the filter cannot read (readv, writev,
 * preadv(2), pwritev(2), recvmsg, sendmsg).  A filter sees a call's six
 * argument values, not what they point to: comparing each pointer
 * argument against the arena's bounds catches every direct pointer into
 * the arena at once.
 *
 * Exec: a seccomp filter cannot be removed and survives execve, into
 * processes that may not run upage (or not yet: the dynamic loader runs
 * first).  So the filter traps only calls whose instruction pointer lies
 * in this process's libc text (every call of the program and of libc,
 * fread's read included, is made there): an exec'd process has its libc
 * elsewhere, and its calls pass the inherited filter untouched.  Raw
 * `syscall` instructions in a program's own code are not covered.  The
 * trap's trampoline is a page outside libc, so its calls pass too.
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
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pgtable.h"
#include "sys.h"

#define BUF(i, l, w)	{ .kind = A_BUF, .arg = (i), .len = (l), .write = (w) }
#define FIX(i, s, w)	{ .kind = A_FIX, .arg = (i), .write = (w), .size = (s) }
#define NBUF(i, l, s)	{ .kind = A_NBUF, .arg = (i), .len = (l), .write = true, .size = (s) }
#define STR(i)		{ .kind = A_STR, .arg = (i) }
#define IOV(i, l, w)	{ .kind = A_IOV, .arg = (i), .len = (l), .write = (w) }
#define MSG(i, w)	{ .kind = A_MSG, .arg = (i), .write = (w) }
#define ADDRW(i, l)	{ .kind = A_ADDRW, .arg = (i), .len = (l), .write = true }

#define READS	true	/* the kernel writes the buffer: the call reads into it */
#define WRITES	false	/* the kernel only reads it */

static const struct trap_desc descs[] = {
	{ .nr = SYS_read, .chunked = true, .a = { BUF(1, 2, READS) } },
	{ .nr = SYS_write, .chunked = true, .a = { BUF(1, 2, WRITES) } },
	{ .nr = SYS_pread64, .chunked = true, .offset = true, .a = { BUF(1, 2, READS) } },
	{ .nr = SYS_pwrite64, .chunked = true, .offset = true, .a = { BUF(1, 2, WRITES) } },
	{ .nr = SYS_recvfrom, .chunked = true,
	  .a = { BUF(1, 2, READS), ADDRW(4, 5), FIX(5, sizeof(socklen_t), READS) } },
	{ .nr = SYS_sendto, .chunked = true, .a = { BUF(1, 2, WRITES), BUF(4, 5, WRITES) } },
	{ .nr = SYS_readv, .always = true, .a = { IOV(1, 2, READS) } },
	{ .nr = SYS_writev, .always = true, .a = { IOV(1, 2, WRITES) } },
	{ .nr = SYS_preadv, .always = true, .a = { IOV(1, 2, READS) } },
	{ .nr = SYS_pwritev, .always = true, .a = { IOV(1, 2, WRITES) } },
	{ .nr = SYS_preadv2, .always = true, .a = { IOV(1, 2, READS) } },
	{ .nr = SYS_pwritev2, .always = true, .a = { IOV(1, 2, WRITES) } },
	{ .nr = SYS_recvmsg, .always = true, .a = { MSG(1, READS) } },
	{ .nr = SYS_sendmsg, .always = true, .a = { MSG(1, WRITES) } },
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
	{ .nr = SYS_ppoll, .a = { NBUF(0, 1, 8) } },
	{ .nr = SYS_epoll_wait, .a = { NBUF(1, 2, 12) } },
	{ .nr = SYS_epoll_pwait, .a = { NBUF(1, 2, 12) } },
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
	uint32_t b_lo = (uint32_t)arena_base, b_hi = (uint32_t)(arena_base >> 32);
	uint32_t s_lo = (uint32_t)arena_size, s_hi = (uint32_t)((uint64_t)arena_size >> 32);

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

static int build_filter(struct bpf_buf *b, const int *fds, int nfds)
{
	const uint32_t ret_trap = SECCOMP_RET_TRAP | TRAP_DATA;

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
	for (size_t i = 0; i < NR_DESCS; i++) {
		const struct trap_desc *d = &descs[i];
		int args[6], n = d->always ? 0 : filter_args(d, args);
		/* block: the checks, ret ALLOW, ret TRAP (or just ret TRAP) */
		unsigned int block = d->always ? 2 * nfds + 2 : n * CHECK_LEN + 2;

		emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						     offsetof(struct seccomp_data, nr)));
		emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)d->nr, 0,
						     (uint8_t)block));
		if (d->always) {
			emit_exempt_fds(b, nfds, fds);
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
	b = sys_alloc_pages(PAGE_ALIGN(sizeof(*b)));
	if (!b)
		return -ENOMEM;
	ret = build_filter(b, fds, nr_fds);
	if (ret == 0) {
		prog.len = (unsigned short)b->n;
		prog.filter = b->f;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog))
			ret = -errno;
	}
	sys_free_pages(b, PAGE_ALIGN(sizeof(*b)));
	return ret;
}
