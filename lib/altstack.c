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
 *
 * Stacks in the arena (pthread_attr_setstack, makecontext on malloc'd
 * memory): a fault on a paged-out page of the stack a thread runs on
 * needs its handler's frame elsewhere, or the kernel kills the thread.
 * So under those engines every thread (the main thread at start-up, each
 * new one through the interposed pthread_create) gets an alternate stack
 * of upage's, outside the arena, when it has none, and upage's handlers
 * are installed with SA_ONSTACK (Go and cgo require it of every handler).
 * The program never sees it: sigaltstack reads it back as disabled, a
 * stack the program sets replaces it, and disabling the program's puts
 * upage's back.  Not covered: a program's own handler for another signal
 * delivered while the thread runs on a paged-out page of its stack (the
 * kernel cannot write the frame and kills the thread); and a thread
 * started on a stack of the program's in the heap (pthread_attr_setstack)
 * still dies of SIGSEGV (SI_KERNEL: a frame the kernel could not write)
 * once its stack is paged out, under both engines, cause not found yet.
 */
#include "autoconfig.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "signals.h"
#include "sys.h"
#include "runtime.h"

static TLS stack_t prog_stack;	/* what the program set, when substituted */
static TLS void *own_stack;	/* upage's when the program set none: OWN_STACK bytes */
static TLS void *sub_stack;	/* the kernel's: upage's, outside the arena */
static TLS size_t sub_size;
static pthread_key_t sub_key;
static pthread_once_t sub_once = PTHREAD_ONCE_INIT;

#define OWN_STACK	(256 * 1024)	/* the SIGSYS runner and a nested fault */

/* Never through the system call trap: a sigaltstack run in the SIGSYS
 * handler would be undone by its sigreturn (the frame keeps the stack of
 * the moment), and a thread on a stack in the arena passes pointers into
 * it. */
static int kernel_sigaltstack(const stack_t *ss, stack_t *old)
{
	long ret;

	if (!sys_trap_exempt)
		return (int)syscall(SYS_sigaltstack, ss, old);
	ret = sys_trap_exempt(SYS_sigaltstack, (long)ss, (long)old, 0, 0, 0, 0);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return 0;
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
	if (!sub_stack && !own_stack)
		return;
	kernel_sigaltstack(&off, NULL);
	release_sub_stack();
	if (own_stack)
		sys_munmap(own_stack, OWN_STACK);
	own_stack = NULL;
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

/* Give the thread upage's own alternate stack (see "Stacks in the arena"
 * above), or put it back. */
static void set_own_stack(void)
{
	stack_t k = { .ss_size = OWN_STACK };

	if (!own_stack) {
		void *p = sys_mmap(NULL, OWN_STACK, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

		if (p == MAP_FAILED)
			return;
		own_stack = p;
		pthread_once(&sub_once, make_key);
		pthread_setspecific(sub_key, p);	/* for the destructor to run */
	}
	k.ss_sp = own_stack;
	kernel_sigaltstack(&k, NULL);
}

void upage_thread_altstack(void)
{
	stack_t cur;

	if (!substituted() || kernel_sigaltstack(NULL, &cur) || !(cur.ss_flags & SS_DISABLE))
		return;
	set_own_stack();
}

struct thread_start {
	void *(*fn)(void *);
	void *arg;
};

static void *thread_start(void *p)
{
	struct thread_start ts = *(struct thread_start *)p;

	free(p);
	upage_thread_altstack();
	return ts.fn(ts.arg);
}

/*
 * A stack of the program's in the arena: the new thread starts on its top
 * before it has upage's alternate stack, and a fault there could not be
 * served, so the top is brought in first (a write from here).
 */
#define STACK_TOP	(64 * 1024)

static void prefault_stack_top(const pthread_attr_t *attr)
{
	void *addr = NULL;
	size_t size = 0;
	uintptr_t top, low;

	if (!attr || pthread_attr_getstack(attr, &addr, &size) || !addr ||
	    !arena_contains(&upage.mm.arena, (uintptr_t)addr))
		return;
	top = (uintptr_t)addr + size;
	low = size > STACK_TOP ? top - STACK_TOP : (uintptr_t)addr;
	for (uintptr_t a = low & ~(uintptr_t)(PAGE_SIZE - 1); a < top; a += PAGE_SIZE)
		__asm__ volatile("lock orb $0, %0" : "+m"(*(volatile char *)a));
}

EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
			  void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	struct thread_start *ts;
	int ret;

	if (!real)
		real = dlsym(RTLD_NEXT, "pthread_create");
	if (!real)
		return ENOSYS;
	if (!substituted())
		return real(thread, attr, fn, arg);
	prefault_stack_top(attr);
	ts = malloc(sizeof(*ts));
	if (!ts)
		return EAGAIN;
	*ts = (struct thread_start){ fn, arg };
	ret = real(thread, attr, thread_start, ts);
	if (ret)
		free(ts);
	return ret;
}

EXPORT int sigaltstack(const stack_t *ss, stack_t *old)
{
	stack_t was;
	bool was_sub, was_own;
	int ret = 0;

	if (!substituted())
		return kernel_sigaltstack(ss, old);
	if (kernel_sigaltstack(NULL, &was))
		return -1;
	was_sub = sub_stack && was.ss_sp == sub_stack;
	was_own = own_stack && was.ss_sp == own_stack && !(was.ss_flags & SS_DISABLE);
	if (ss && !(ss->ss_flags & SS_DISABLE) &&
	    arena_contains(&upage.mm.arena, (uintptr_t)ss->ss_sp)) {
		if (was.ss_flags & SS_ONSTACK) {
			errno = EPERM;	/* as the kernel: not while running on it */
			return -1;
		}
		ret = set_substitute(ss);
	} else if (ss) {
		ret = kernel_sigaltstack(ss, NULL);
		if (ret == 0) {
			release_sub_stack();
			if ((ss->ss_flags & SS_DISABLE) && own_stack)
				set_own_stack();
		}
	}
	if (ret == 0 && old) {
		*old = was;
		if (was_sub) {
			old->ss_sp = prog_stack.ss_sp;
			old->ss_size = prog_stack.ss_size;
		} else if (was_own) {
			*old = (stack_t){ .ss_flags = was.ss_flags & SS_ONSTACK ? SS_ONSTACK :
										SS_DISABLE };
		}
	}
	return ret;
}
