// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clone.c - a child made by the clone system call itself, not by fork():
 * glibc's clone() wrapper, and syscall(SYS_clone), syscall(SYS_clone3)
 * and syscall(SYS_fork), which sandboxes and language runtimes use to
 * pass flags fork() does not take.  None of them runs fork handlers, so
 * left alone the child would keep the parent's pager without its
 * registrations (zeros for the pages on swap under uffd) or its private
 * copy (the sigsegv engine's arena is a shared memfd: the child's writes
 * would land in the parent).
 *
 * So a clone without CLONE_VM (a new address space: a fork by another
 * name) takes fork's path (fork.c): the prepare handler in the parent,
 * the raw call, then the parent's handler there and the child's in the
 * child, which gives it a pager of its own before it runs a single
 * instruction of the program's.  A clone with CLONE_VM (a thread, vfork,
 * posix_spawn) shares the parent's memory and its pager, and passes
 * untouched.
 *
 * The child's first steps.  The child may be given a stack of the
 * program's, which may be in the arena and on swap; the child must not
 * touch it before its pager serves it.  So the call is made here, in
 * clone_raw (assembly), which keeps everything it needs in the registers
 * the kernel copies to the child, runs the child's handler on a stack of
 * its own (clone_stack: outside the arena, private to the child, which
 * is single-threaded then), and only then returns to the program's
 * stack: to the function clone() was given (then exit, as glibc's clone
 * does: exit_group, since the child now has upage's threads too, where
 * glibc's child was alone and its exit ended the process), or, for
 * syscall(), by the return syscall() itself would make on that stack.  CLONE_SETTLS is applied by hand after the handler, so
 * that upage's thread-local state stays the parent's copy until then.
 *
 * Refused, loudly, with EINVAL (the kernel's answer to a combination it
 * does not support): CLONE_FILES without CLONE_VM (the child's handler
 * replaces upage's descriptors, which would be the parent's too), and
 * CLONE_CLEAR_SIGHAND under an engine that serves faults in a signal
 * handler (the child could not take a single fault).  A raw `syscall`
 * instruction in the program's own code is not seen (as by the system
 * call trap, syscall_filter.c).
 *
 * Locking: fork.c's, around the call.
 */
#include "autoconfig.h"

#include <dlfcn.h>
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fault.h"
#include "fork.h"
#include "runtime.h"
#include "sys.h"

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif

/* What clone_raw makes and what its child does next; the offsets are
 * the assembly's. */
struct raw_clone {
	long nr;		/*  0: SYS_clone, SYS_clone3 or SYS_fork */
	long a[5];		/*  8: its arguments */
	int (*fn)(void *);	/* 48: clone()'s function, or NULL: return 0 */
	void *arg;		/* 56: its argument */
	long settls;		/* 64: CLONE_SETTLS taken out of the call ... */
	long tls;		/* 72: ... and applied in the child */
};

_Static_assert(__builtin_offsetof(struct raw_clone, fn) == 48, "clone_raw's offsets");
_Static_assert(__builtin_offsetof(struct raw_clone, tls) == 72, "clone_raw's offsets");

#define CLONE_STACK	(64 << 10)

/* The child's stack while its handler runs; the parent never uses it. */
__attribute__((aligned(16))) char clone_stack[CLONE_STACK];

long clone_raw(struct raw_clone *rc);
void clone_child(void);

/*
 * clone_raw(rc): the system call, with rc in %r9, which the kernel keeps
 * for the child.  The parent returns the call's result.  The child runs
 * clone_child on clone_stack, sets its TLS if asked, and then calls
 * rc->fn(rc->arg) on its own stack and exits with its value, or returns
 * 0 from that stack.
 */
__asm__(".text\n"
	".p2align 4\n"
	".globl clone_raw\n"
	".hidden clone_raw\n"
	".type clone_raw, @function\n"
	"clone_raw:\n"
	"	mov %rdi, %r9\n"
	"	mov 0(%r9), %rax\n"
	"	mov 8(%r9), %rdi\n"
	"	mov 16(%r9), %rsi\n"
	"	mov 24(%r9), %rdx\n"
	"	mov 32(%r9), %r10\n"
	"	mov 40(%r9), %r8\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	lea clone_stack+65536(%rip), %r11\n"
	"	mov %rsp, -8(%r11)\n"
	"	mov %r9, -16(%r11)\n"
	"	lea -16(%r11), %rsp\n"
	"	call clone_child\n"
	"	lea clone_stack+65536(%rip), %r11\n"
	"	mov -16(%r11), %r9\n"
	"	mov -8(%r11), %rsp\n"
	"	cmpq $0, 64(%r9)\n"
	"	je 2f\n"
	"	mov $158, %eax\n"		/* arch_prctl(ARCH_SET_FS, tls) */
	"	mov $0x1002, %edi\n"
	"	mov 72(%r9), %rsi\n"
	"	syscall\n"
	"2:	mov 48(%r9), %rax\n"
	"	test %rax, %rax\n"
	"	jz 3f\n"
	"	mov 56(%r9), %rdi\n"
	"	and $-16, %rsp\n"
	"	xor %ebp, %ebp\n"
	"	call *%rax\n"
	"	mov %eax, %edi\n"
	"	mov $231, %eax\n"		/* exit_group(fn's value): see above */
	"	syscall\n"
	"	hlt\n"
	"3:	xor %eax, %eax\n"
	"1:	ret\n"
	".size clone_raw, .-clone_raw\n");

_Static_assert(CLONE_STACK == 65536, "clone_raw's stack size");

/* On clone_stack, in the child: fork's child handler. */
void clone_child(void)
{
	upage_fork_child();
}

/* The flags a clone may not have here; -EINVAL with one message. */
static int refused(unsigned long long flags)
{
	static int said;
	const char *why = NULL;

	if (flags & CLONE_FILES)
		why = "CLONE_FILES without CLONE_VM (the child's pager would close the parent's "
		      "descriptors)";
	else if ((flags & CLONE_CLEAR_SIGHAND) && upage.mm.engine->user_faults_only)
		why = "CLONE_CLEAR_SIGHAND under an engine that serves faults in a signal handler";
	if (!why)
		return 0;
	if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		upage_msg("clone with %s: not supported, failing with EINVAL", why);
	return -EINVAL;
}

/* The raw call between fork's handlers; the child returns 0 here only
 * when it has no stack of its own (fork style). */
static long clone_around(struct raw_clone *rc)
{
	long ret;

	upage_fork_prepare();
	ret = clone_raw(rc);
	if (ret != 0)
		upage_fork_parent();
	return ret;
}

static long result(long ret)
{
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

/* libc's clone(), looked up at load time (a thread serving faults must
 * never call dlsym: ownfd.c); libc's syscall() is sys_syscall. */
typedef int (*clone_fn)(int (*)(void *), void *, int, void *, ...);
static clone_fn real_clone;

__attribute__((constructor)) static void clone_resolve(void)
{
	real_clone = (clone_fn)dlsym(RTLD_NEXT, "clone");
}

/* A new address space made by clone or clone3 while upage pages this
 * one? */
static bool forks(unsigned long long flags)
{
	return __atomic_load_n(&upage.active, __ATOMIC_ACQUIRE) && !(flags & CLONE_VM);
}

/* syscall(SYS_clone3, args, size) without CLONE_VM. */
static long raw_clone3(const struct clone_args *args, size_t size)
{
	struct clone_args copy;
	struct raw_clone rc = { .nr = SYS_clone3, .a = { (long)&copy, (long)size } };
	long ret;

	if (size < CLONE_ARGS_SIZE_VER0 || size > sizeof(copy))
		return sys_syscall(SYS_clone3, args, size);	/* the kernel's answer */
	memset(&copy, 0, sizeof(copy));
	memcpy(&copy, args, size);
	ret = refused(copy.flags);
	if (ret)
		return result(ret);
	if (copy.flags & CLONE_SETTLS) {
		copy.flags &= ~(unsigned long long)CLONE_SETTLS;
		rc.settls = 1;
		rc.tls = (long)copy.tls;
	}
	return result(clone_around(&rc));
}

/* Six words read whatever the call takes, as sys_syscall (sys.c). */
EXPORT long syscall(long nr, ...)
{
	long a[6];
	va_list ap;

	va_start(ap, nr);
	sys_args(ap, a);
	va_end(ap);
	if (nr == SYS_clone && forks((unsigned long)a[0])) {
		struct raw_clone rc = { .nr = SYS_clone, .a = { a[0], a[1], a[2], a[3], a[4] } };
		long ret = refused((unsigned long)a[0]);

		if (ret)
			return result(ret);
		if (a[0] & CLONE_SETTLS) {
			rc.a[0] &= ~(long)CLONE_SETTLS;
			rc.settls = 1;
			rc.tls = a[4];
		}
		return result(clone_around(&rc));
	}
	if (nr == SYS_clone3 && a[0] && (size_t)a[1] >= CLONE_ARGS_SIZE_VER0 &&
	    forks(((const struct clone_args *)a[0])->flags))
		return raw_clone3((const struct clone_args *)a[0], (size_t)a[1]);
	if (nr == SYS_fork && forks(0)) {
		struct raw_clone rc = { .nr = SYS_fork };

		return result(clone_around(&rc));
	}
	return sys_syscall6(nr, a);
}

EXPORT int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	struct raw_clone rc;
	void *ptid, *tls, *ctid;
	va_list ap;
	long ret;

	va_start(ap, arg);
	ptid = va_arg(ap, void *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, void *);
	va_end(ap);
	if (!real_clone)
		clone_resolve();
	if (!forks((unsigned int)flags))
		return real_clone(fn, stack, flags, arg, ptid, tls, ctid);
	if (!fn || !stack)
		return (int)result(-EINVAL);	/* glibc's own check */
	ret = refused((unsigned int)flags);
	if (ret)
		return (int)result(ret);
	rc = (struct raw_clone){
		.nr = SYS_clone,
		.a = { (long)((unsigned int)flags & ~(unsigned int)CLONE_SETTLS),
		       (long)((uintptr_t)stack & ~(uintptr_t)15), (long)ptid, (long)ctid, 0 },
		.fn = fn,
		.arg = arg,
		.settls = flags & CLONE_SETTLS ? 1 : 0,
		.tls = (long)tls,
	};
	return (int)result(clone_around(&rc));
}
