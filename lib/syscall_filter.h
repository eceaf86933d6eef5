/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscall_filter.h - which system calls the trap takes, and the seccomp
 * filter that sends them to it (syscall_filter.c).
 *
 * One table: a row per system call that takes user memory, saying where
 * each buffer is among the call's arguments, how long it is and whether
 * the kernel writes it.  The filter is built from the table, and the
 * SIGSYS runner (syscall_trap.c) reads the same row to bring the buffers
 * in before it runs the call.
 */
#ifndef UPAGE_SYSCALL_FILTER_H
#define UPAGE_SYSCALL_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SECCOMP_RET_DATA of upage's traps ("UP"): si_errno of their SIGSYS. */
#define TRAP_DATA	0x5550

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
	A_FDSET,	/* an fd_set of args[len] descriptors (select) */
	A_IOC,		/* ioctl's argument: _IOC_SIZE(args[len]) bytes, else a page */
	A_MMSG,		/* struct mmsghdr[args[len]] */
	A_EXEC,		/* execve's argv at args[arg], envp at args[len] */
	A_FUTV,		/* futex_waitv's waiters at args[arg] (args[len] of them) */
	A_RIOV,		/* process_vm_*'s iovec at args[arg] (args[len] of them), and
			 * the remote one at args[arg + 2] (args[len + 2]) */
	A_SIGSZ,	/* pselect6's { const sigset_t *, size_t } at args[arg] */
};

struct trap_arg {
	uint8_t kind;	/* enum arg_kind */
	uint8_t arg;	/* the argument holding the pointer */
	uint8_t len;	/* the argument holding the length (A_BUF, A_NBUF, A_IOV) */
	bool write;	/* the kernel writes it */
	uint16_t size;	/* bytes (A_FIX) or bytes per element (A_NBUF) */
	/* A pointer only for these operations (bit n: args[op_arg] & op_mask
	 * is n), or 0: always.  Elsewhere the argument is a number, or the
	 * call does not take it and its register holds anything. */
	uint64_t ops;
};

struct trap_desc {
	int nr;
	bool always;	/* the filter cannot see the buffers: trap always */
	bool chunked;	/* a[0] may be cut into chunks (read/write style) */
	bool offset;	/* args[3] is a file offset to advance (pread) */
	uint8_t op_arg;	/* the argument saying the operation (trap_arg.ops) */
	uint8_t op_mask;	/* its bits that do, or 0: all */
	struct trap_arg a[5];
};

#define TRAP_ARGS	5

/* Is @t a pointer for this call of @d's (trap_arg.ops)? */
static inline bool trap_arg_applies(const struct trap_desc *d, const struct trap_arg *t,
				    const long *args)
{
	unsigned long op = (unsigned long)args[d->op_arg];

	if (!t->ops)
		return true;
	if (d->op_mask)
		op &= d->op_mask;
	return op < 64 && (t->ops & (1ull << op));
}

/*
 * The row of system call @nr, or NULL: a call the table does not know,
 * trapped when any of its six arguments lies in the arena, whose
 * arguments the runner brings in a page at a time (a call the filter
 * never traps has no row either: syscall_never_trapped).
 */
const struct trap_desc *trap_desc(long nr);

/*
 * Install the filter, for this process and every thread it has: a call of
 * the table made from libc's text traps when one of its buffers lies in
 * [@arena_base, @arena_base + @arena_size) (always, for the calls whose
 * buffers the filter cannot see, but on the @nr_fds descriptors @fds).
 * Returns 0 or a negative errno (-ENOENT: libc's text not found).
 */
int syscall_filter_install(uintptr_t arena_base, size_t arena_size, const int *fds, int nr_fds);

/*
 * Is the program a Go program (its ELF holds Go's build ID)?  Its runtime
 * makes its system calls itself, madvise among them.  Call at start-up
 * (dl_iterate_phdr), not from a fault.
 */
bool program_is_go(void);

/* Seccomp filters the process carries already (inherited across execve), or -1. */
int syscall_filters_inherited(void);

#endif /* UPAGE_SYSCALL_FILTER_H */
