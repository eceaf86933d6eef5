// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * untraced.c - upage's own tasks, out of a tracer's reach.
 *
 * `strace -f` stops every thread of the program at each system call and
 * reads the call's buffers with process_vm_readv.  A buffer on swap makes
 * that read fault, and the kernel lets it wait for the userfaultfd handler
 * (process_vm_readv's pin_user_pages_remote allows the retry); but the
 * handler is a thread of the program, which strace has stopped and will
 * not resume while it waits in process_vm_readv: strace and the program
 * hang for good.  kswapd, stopped in the middle of a write-out with its
 * pages locked, can hang the handler the same way.
 *
 * So these two run as tasks that share the program's memory and
 * descriptors (CLONE_VM | CLONE_FILES | CLONE_FS) but not its thread
 * group, created with CLONE_UNTRACED: a tracer that follows the program's
 * clones does not attach them, and `strace -p` / `gdb -p` attach only
 * what /proc/PID/task lists, which is the thread group.  Each such task
 * needs glibc's thread-local storage (errno, and upage's own): it borrows
 * that of a host thread, a pthread that creates the task with CLONE_SETTLS
 * pointing at its own TLS and then parks for ever in a raw futex wait,
 * never touching its TLS again.  The task:
 *  - dies with the program: PR_SET_PDEATHSIG (SIGKILL when the host, so
 *    the process, goes), and no exit signal, so the program's wait()
 *    never sees it (the kernel gives it SIGCHLD if it is reparented);
 *  - kills the program if it crashes itself (its own signal table: a
 *    copy, not shared), rather than leave faults unserved;
 *  - signals the program's threads with untraced_tgid(), not getpid(),
 *    which is its own pid.
 * `ps` shows each as a process of its own, named like the thread it
 * replaces.
 */
#include "autoconfig.h"

#include "untraced.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pgtable.h"
#include "sys.h"

#define TASK_STACK	(1UL << 20)	/* the handler's fault path, with room */
#define HOST_STACK	(64UL << 10)	/* the host only parks */

struct untraced {
	void *(*fn)(void *);
	void *arg;
	const char *name;
	pid_t tgid;
	int ret;		/* the host's clone: 0, -errno */
	int done;		/* set once ret is */
};

static pid_t program_tgid;

pid_t untraced_tgid(void)
{
	pid_t t = __atomic_load_n(&program_tgid, __ATOMIC_RELAXED);

	return t ? t : getpid();
}

/* The task died of a fault of its own: the program cannot be paged. */
static void task_crashed(int sig)
{
	static const char msg[] = "upage: a pager task crashed: the program is killed\n";
	ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);

	(void)ignored;
	sys_syscall(SYS_kill, untraced_tgid(), SIGKILL);
	sys_syscall(SYS_exit, 128 + sig);
}

static int task_main(void *p)
{
	struct untraced *u = p;
	static const int sync_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa = { .sa_handler = task_crashed };
	sigset_t crash;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != u->tgid)
		sys_syscall(SYS_exit, 0);	/* the program went before the prctl */
	prctl(PR_SET_NAME, u->name);
	sigemptyset(&crash);
	for (size_t i = 0; i < sizeof(sync_sigs) / sizeof(sync_sigs[0]); i++) {
		sys_syscall(SYS_rt_sigaction, sync_sigs[i], &sa, NULL, _NSIG / 8);
		sigaddset(&crash, sync_sigs[i]);
	}
	sys_syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &crash, NULL, _NSIG / 8);
	u->fn(u->arg);
	sys_syscall(SYS_exit, 0);
	return 0;
}

/* A futex wait that never returns and never touches errno (the TLS is
 * the task's now); every signal is blocked here. */
static __attribute__((noreturn)) void park(void)
{
	static int never;

	for (;;) {
		long nr = SYS_futex, op = FUTEX_WAIT_PRIVATE, val = 0;
		long ret;

		__asm__ volatile("xor %%r10, %%r10\n\tsyscall"
				 : "=a"(ret)
				 : "0"(nr), "D"(&never), "S"(op), "d"(val)
				 : "rcx", "r10", "r11", "memory");
		(void)ret;
	}
}

static void *host(void *p)
{
	struct untraced *u = p;
	void *tls;
	char *stack;
	int pid;

	__asm__("mov %%fs:0, %0" : "=r"(tls));
	stack = sys_mmap(NULL, TASK_STACK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		u->ret = -ENOMEM;
	} else {
		sys_mprotect(stack, PAGE_SIZE, PROT_NONE);	/* a guard page */
		pid = clone(task_main, stack + TASK_STACK,
			    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_UNTRACED |
				    CLONE_SETTLS,
			    u, NULL, tls, NULL);
		u->ret = pid < 0 ? -errno : 0;
	}
	__atomic_store_n(&u->done, 1, __ATOMIC_RELEASE);
	if (u->ret)
		return NULL;
	park();
}

int untraced_start(void *(*fn)(void *), void *arg, const char *name)
{
	static struct untraced tasks[8];
	static int nr_tasks;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 100000 };
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t thread;
	struct untraced *u;
	int ret;

	/* A forked child starts again with its own tasks. */
	if (program_tgid != getpid())
		nr_tasks = 0;
	if (nr_tasks == (int)(sizeof(tasks) / sizeof(tasks[0])))
		return -ENOSPC;
	program_tgid = getpid();
	u = &tasks[nr_tasks++];
	*u = (struct untraced){ .fn = fn, .arg = arg, .name = name, .tgid = program_tgid };
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, HOST_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Every signal blocked: in the host, and in the task it creates. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -sys_pthread_create(&thread, &attr, host, u);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (ret)
		return ret;
	while (!__atomic_load_n(&u->done, __ATOMIC_ACQUIRE))
		nanosleep(&ts, NULL);
	return u->ret;
}
