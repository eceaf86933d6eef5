// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * altstack.c - alternate signal stacks in the arena, under the engines
 * that serve only user-mode faults (the SIGSEGV engine, uffd-sigbus).
 *
 * The kernel writes a signal's frame onto the alternate stack, in kernel
 * mode.  Under those engines a paged-out page of the arena fails that
 * write (PROT_NONE, or a user-mode-only userfaultfd), which is not a
 * fault upage could serve: the kernel kills the thread.  (Under the
 * handler-thread engine the write faults to a handler like any other, so
 * nothing is needed there.)  So when a thread asks for
 * an alternate stack in the arena, the kernel is given one of upage's of
 * the same size, outside the arena, and the program reads back its own
 * in sigaltstack's old value.  The handler runs on other memory than the
 * program gave, which it cannot tell unless it compares addresses.
 *
 * Per thread, as the kernel's: the substitute is this thread's (TLS), and
 * is unmapped when replaced or when the thread exits (a key destructor,
 * which first takes it from the kernel).
 */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys.h"
#include "runtime.h"

static TLS stack_t prog_stack;	/* what the program set, when substituted */
static TLS void *sub_stack;	/* the kernel's: upage's, outside the arena */
static TLS size_t sub_size;
static pthread_key_t sub_key;
static pthread_once_t sub_once = PTHREAD_ONCE_INIT;

static int kernel_sigaltstack(const stack_t *ss, stack_t *old)
{
	return (int)syscall(SYS_sigaltstack, ss, old);
}

static void release_sub_stack(void)
{
	if (sub_stack)
		sys_munmap(sub_stack, sub_size);
	sub_stack = NULL;
}

/* At thread exit: the kernel must not keep a stack that is unmapped. */
static void drop_sub_stack(void *unused)
{
	stack_t off = { .ss_flags = SS_DISABLE };

	(void)unused;
	if (!sub_stack)
		return;
	kernel_sigaltstack(&off, NULL);
	release_sub_stack();
}

static void make_key(void)
{
	pthread_key_create(&sub_key, drop_sub_stack);
}

static bool substituted(void)
{
	return upage.active && upage.mm.engine->user_faults_only;
}

/* Give the kernel a stack of upage's in place of the program's @ss. */
static int set_substitute(const stack_t *ss)
{
	void *p = sub_stack;
	stack_t k = *ss;

	if (!p || sub_size != ss->ss_size) {
		p = sys_mmap(NULL, ss->ss_size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (p == MAP_FAILED)
			return -1;
	}
	k.ss_sp = p;
	if (kernel_sigaltstack(&k, NULL)) {
		if (p != sub_stack)
			sys_munmap(p, ss->ss_size);
		return -1;
	}
	if (p != sub_stack)
		release_sub_stack();
	sub_stack = p;
	sub_size = ss->ss_size;
	prog_stack = *ss;
	pthread_once(&sub_once, make_key);
	pthread_setspecific(sub_key, p);	/* for the destructor to run */
	return 0;
}

EXPORT int sigaltstack(const stack_t *ss, stack_t *old)
{
	stack_t was;
	bool was_sub;
	int ret = 0;

	if (!substituted())
		return kernel_sigaltstack(ss, old);
	if (kernel_sigaltstack(NULL, &was))
		return -1;
	was_sub = sub_stack && was.ss_sp == sub_stack;
	if (ss && !(ss->ss_flags & SS_DISABLE) &&
	    arena_contains(&upage.mm.arena, (uintptr_t)ss->ss_sp)) {
		if (was.ss_flags & SS_ONSTACK) {
			errno = EPERM;	/* as the kernel: not while running on it */
			return -1;
		}
		ret = set_substitute(ss);
	} else if (ss) {
		ret = kernel_sigaltstack(ss, NULL);
		if (ret == 0)
			release_sub_stack();
	}
	if (ret == 0 && old) {
		*old = was;
		if (was_sub) {
			old->ss_sp = prog_stack.ss_sp;
			old->ss_size = prog_stack.ss_size;
		}
	}
	return ret;
}
