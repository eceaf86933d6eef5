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
 * which first takes it from the kernel; a thread on a stack in the arena
 * keeps it to the end, see "Thread descriptors").
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
 * kernel cannot write the frame and kills the thread).  A thread on a
 * stack of the program's in the arena keeps the top of it pinned, and
 * the part its exit runs on (see "Thread descriptors" below).
 *
 * Locking: pins_lock protects pins_list and its records' flags; the rest
 * is per thread.
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

#include "runtime.h"
#include "signals.h"
#include "syscall_trap.h"
#include "sys.h"

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
		return (int)sys_syscall(SYS_sigaltstack, ss, old);
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
static bool hand_over_stacks(void);

static void drop_sub_stack(void *unused)
{
	stack_t off = { .ss_flags = SS_DISABLE };

	(void)unused;
	if (!sub_stack && !own_stack)
		return;
	if (hand_over_stacks())
		return;	/* a thread on a stack in the arena: see "Thread descriptors" */
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

/*
 * Thread descriptors.  A stack of the program's in the arena
 * (pthread_attr_setstack): glibc
 * keeps the thread's descriptor at its top, and the kernel reads and
 * writes three of its fields in kernel mode, which under these engines
 * cannot fault a page in: the rseq area (on every return to user mode
 * after a preemption: a paged-out page is a SIGSEGV of SI_KERNEL, the
 * thread dies), the robust futex list, and the tid the kernel clears at
 * exit to wake pthread_join (a join would never return).  So the top of
 * such a stack is pinned (PagePinned: reclaim leaves it mapped, with its
 * protection) from before the thread starts: STACK_TOP bytes until the
 * thread has its alternate stack (a fault before that has nowhere else
 * for its frame), then the DESC_TOP bytes that hold the descriptor
 * (glibc places it at the very top, the static TLS below it), until
 * pthread_join returns, with EXIT_PINS of the stack around the frame of
 * its last destructor (pins_exit), or until a detached thread is seen gone (its tid
 * no longer exists: reap_gone, at the next pthread_create, join or
 * detach).  Such a thread also keeps upage's alternate stacks until then:
 * its exit runs on its own stack after its destructors, and a fault there
 * needs the alternate stack for its frame.
 */
#define STACK_TOP	(64 * 1024)
#define DESC_TOP	(8 * 1024)

struct stack_pins {
	pthread_t thread;	/* set by the creator, under pins_lock */
	pid_t tid;		/* set by the thread, under pins_lock */
	bool created;		/* thread is set */
	bool detached;		/* reaped once its tid is gone */
	bool exited;		/* its destructors have run */
	uintptr_t low, top;	/* the stack */
	void *own_stack;	/* the thread's alternate stacks, handed over at exit */
	void *sub_stack;
	size_t sub_size;
	struct trap_pins start;	/* STACK_TOP less DESC_TOP: until the altstack */
	struct trap_pins desc;	/* DESC_TOP: until joined */
	struct stack_pins *next;
};

static pthread_mutex_t pins_lock = PTHREAD_MUTEX_INITIALIZER;	/* pins_list, the flags */
static struct stack_pins *pins_list;
static pthread_key_t pins_key;
static pthread_once_t pins_once = PTHREAD_ONCE_INIT;

static TLS struct stack_pins *my_pins;	/* this thread's, if on a stack in the arena */

/* The thread is gone: its pins and its alternate stacks go. */
static void free_pins(struct stack_pins *sp)
{
	trap_unpin_all(&sp->start);
	trap_unpin_all(&sp->desc);
	if (sp->own_stack)
		sys_munmap(sp->own_stack, OWN_STACK);
	if (sp->sub_stack)
		sys_munmap(sp->sub_stack, sp->sub_size);
	sys_free_pages(sp, PAGE_ALIGN(sizeof(*sp)));
}

/* At exit, a thread on a stack in the arena keeps its alternate stacks
 * enabled and hands them to its record.  True if it did. */
static bool hand_over_stacks(void)
{
	struct stack_pins *sp = my_pins;

	if (!sp)
		return false;
	pthread_mutex_lock(&pins_lock);
	if (own_stack)
		sp->own_stack = own_stack;
	if (sub_stack) {
		sp->sub_stack = sub_stack;
		sp->sub_size = sub_size;
	}
	pthread_mutex_unlock(&pins_lock);
	own_stack = sub_stack = NULL;
	return true;
}

/* Take @sp out of pins_list.  pins_lock held. */
static void unlink_pins(struct stack_pins *sp)
{
	for (struct stack_pins **pp = &pins_list; *pp; pp = &(*pp)->next)
		if (*pp == sp) {
			*pp = sp->next;
			return;
		}
}

/* pins_lock held. */
static struct stack_pins *find_pins(pthread_t thread)
{
	for (struct stack_pins *sp = pins_list; sp; sp = sp->next)
		if (sp->created && pthread_equal(sp->thread, thread))
			return sp;
	return NULL;
}

/*
 * The thread's destructors run: what is left of its exit (glibc's
 * start_thread, a lazy binding's resolver saving the vector registers)
 * runs with every signal blocked, where a fault kills, on the stack
 * around here.  EXIT_PINS bytes each side of this frame are pinned too.
 */
#define EXIT_PINS	(16 * 1024)

static void pins_exit(void *arg)
{
	struct stack_pins *sp = arg;
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	uintptr_t lo = here - EXIT_PINS < sp->low || here < EXIT_PINS ? sp->low : here - EXIT_PINS;
	uintptr_t hi = here + EXIT_PINS > sp->top ? sp->top : here + EXIT_PINS;

	if (here >= sp->low && here < sp->top)
		trap_pin_range(&sp->start, (void *)lo, hi - lo, true);
	pthread_mutex_lock(&pins_lock);
	sp->exited = true;
	pthread_mutex_unlock(&pins_lock);
}

/* Free the records of detached threads that are gone. */
static void reap_gone(void)
{
	struct stack_pins *gone = NULL, **pp;
	pid_t pid = getpid();

	pthread_mutex_lock(&pins_lock);
	for (pp = &pins_list; *pp;) {
		struct stack_pins *sp = *pp;

		if (sp->detached && sp->exited && sp->tid &&
		    sys_syscall(SYS_tgkill, pid, sp->tid, 0) && errno == ESRCH) {
			*pp = sp->next;
			sp->next = gone;
			gone = sp;
		} else {
			pp = &sp->next;
		}
	}
	pthread_mutex_unlock(&pins_lock);
	while (gone) {
		struct stack_pins *next = gone->next;

		free_pins(gone);
		gone = next;
	}
}

static void make_pins_key(void)
{
	pthread_key_create(&pins_key, pins_exit);
}

/* Pin the top of @attr's stack when it lies in the arena; NULL if not. */
static struct stack_pins *pin_stack_top(const pthread_attr_t *attr)
{
	void *addr = NULL;
	size_t size = 0, start;
	uintptr_t top;
	struct stack_pins *sp;
	int detach = PTHREAD_CREATE_JOINABLE;

	if (!attr || pthread_attr_getstack(attr, &addr, &size) || !addr ||
	    !arena_contains(&upage.mm.arena, (uintptr_t)addr))
		return NULL;
	sp = sys_alloc_pages(PAGE_ALIGN(sizeof(*sp)));
	if (!sp)
		return NULL;
	pthread_once(&pins_once, make_pins_key);
	top = (uintptr_t)addr + size;
	sp->low = (uintptr_t)addr;
	sp->top = top;
	start = size > STACK_TOP ? STACK_TOP : size;
	pthread_attr_getdetachstate(attr, &detach);
	sp->detached = detach == PTHREAD_CREATE_DETACHED;
	if (trap_pin_range(&sp->desc, (void *)(top - (start < DESC_TOP ? start : DESC_TOP)),
			   start < DESC_TOP ? start : DESC_TOP, true) ||
	    (start > DESC_TOP &&
	     trap_pin_range(&sp->start, (void *)(top - start), start - DESC_TOP, true)))
		upage_msg("cannot hold the top of a thread's stack at %p resident: the thread may "
			  "die once it is paged out", (void *)top);
	pthread_mutex_lock(&pins_lock);
	sp->next = pins_list;
	pins_list = sp;
	pthread_mutex_unlock(&pins_lock);
	return sp;
}

/* pthread_create failed, or the thread was joined: its pins go. */
static void drop_pins(struct stack_pins *sp)
{
	pthread_mutex_lock(&pins_lock);
	unlink_pins(sp);
	pthread_mutex_unlock(&pins_lock);
	free_pins(sp);
}

struct thread_start {
	void *(*fn)(void *);
	void *arg;
	struct stack_pins *pins;
};

static void *thread_start(void *p)
{
	struct thread_start ts = *(struct thread_start *)p;

	free(p);
	upage_thread_altstack();
	if (ts.pins) {
		/* Faults have upage's alternate stack now: only the
		 * descriptor stays pinned. */
		trap_unpin_all(&ts.pins->start);
		pthread_mutex_lock(&pins_lock);
		ts.pins->tid = (pid_t)sys_syscall(SYS_gettid);
		pthread_mutex_unlock(&pins_lock);
		my_pins = ts.pins;
		pthread_setspecific(pins_key, ts.pins);
	}
	return ts.fn(ts.arg);
}

EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
			  void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	struct thread_start *ts;
	struct stack_pins *sp;
	int ret;

	if (!real)
		real = dlsym(RTLD_NEXT, "pthread_create");
	if (!real)
		return ENOSYS;
	if (!substituted())
		return real(thread, attr, fn, arg);
	if (pins_list)
		reap_gone();
	ts = malloc(sizeof(*ts));
	if (!ts)
		return EAGAIN;
	sp = pin_stack_top(attr);
	*ts = (struct thread_start){ fn, arg, sp };
	ret = real(thread, attr, thread_start, ts);
	if (ret) {
		free(ts);
		if (sp)
			drop_pins(sp);
	} else if (sp) {
		pthread_mutex_lock(&pins_lock);
		sp->thread = *thread;
		sp->created = true;
		pthread_mutex_unlock(&pins_lock);
	}
	return ret;
}

/* @thread was joined: the kernel has cleared its tid, its pins go. */
static void joined(pthread_t thread)
{
	struct stack_pins *sp;

	pthread_mutex_lock(&pins_lock);
	sp = find_pins(thread);
	if (sp)
		unlink_pins(sp);
	pthread_mutex_unlock(&pins_lock);
	if (sp)
		free_pins(sp);
}

#define NEXT(fn) static __typeof__(fn) *real;	\
	if (!real)				\
		real = dlsym(RTLD_NEXT, #fn);	\
	if (!real)				\
		return ENOSYS

EXPORT int pthread_join(pthread_t thread, void **ret)
{
	int err;

	NEXT(pthread_join);
	err = real(thread, ret);
	if (err == 0 && pins_list) {
		joined(thread);
		reap_gone();
	}
	return err;
}

EXPORT int pthread_tryjoin_np(pthread_t thread, void **ret)
{
	int err;

	NEXT(pthread_tryjoin_np);
	err = real(thread, ret);
	if (err == 0 && pins_list)
		joined(thread);
	return err;
}

EXPORT int pthread_timedjoin_np(pthread_t thread, void **ret, const struct timespec *abstime)
{
	int err;

	NEXT(pthread_timedjoin_np);
	err = real(thread, ret, abstime);
	if (err == 0 && pins_list)
		joined(thread);
	return err;
}

EXPORT int pthread_clockjoin_np(pthread_t thread, void **ret, clockid_t clock,
				const struct timespec *abstime)
{
	int err;

	NEXT(pthread_clockjoin_np);
	err = real(thread, ret, clock, abstime);
	if (err == 0 && pins_list)
		joined(thread);
	return err;
}

/* A detached thread's record is reaped once its tid is gone. */
EXPORT int pthread_detach(pthread_t thread)
{
	struct stack_pins *sp = NULL;
	int err;

	NEXT(pthread_detach);
	if (pins_list) {
		pthread_mutex_lock(&pins_lock);
		sp = find_pins(thread);
		if (sp)
			sp->detached = true;
		pthread_mutex_unlock(&pins_lock);
		reap_gone();
	}
	err = real(thread);
	return err;
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
