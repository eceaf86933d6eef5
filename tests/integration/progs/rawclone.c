// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rawclone - children made by the clone system call itself, which runs no
 * fork handlers: syscall(SYS_clone, SIGCHLD, 0, ...), syscall(SYS_fork),
 * syscall(SYS_clone3) and glibc's clone() with a stack in the heap, each
 * while the heap is paged out.  The child must see the parent's memory as
 * it was at the call (and page it in and out on its own), and its writes
 * must stay its own; a CLONE_VM | CLONE_VFORK child shares the memory.
 * Each case prints one line, so the transcript under upage can be
 * compared with the kernel's own; the program also fails on a difference
 * from what the kernel documents.
 *
 * usage: rawclone         (run under a cap of a few MiB: it touches 48 MiB)
 *        rawclone files   (a clone with CLONE_FILES but not CLONE_VM: prints
 *                          its result, which upage refuses)
 */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "rawclone"
#include "transcript.h"

#define HEAP	(16 * MIB)
#define STACK	(256 << 10)

static uint64_t *heap;

static void fill(unsigned seed)
{
	for (size_t i = 0; i < HEAP / 8; i++)
		heap[i] = word(i, seed);
}

static int holds(unsigned seed)
{
	for (size_t i = 0; i < HEAP / 8; i++)
		if (heap[i] != word(i, seed))
			return 0;
	return 1;
}

/* The child's part: 0 when it saw the parent's data, wrote its own, and
 * kept it through paging of its own. */
static int child_part(void)
{
	if (!holds(1))
		return 3;
	fill(2);
	push_out();
	return holds(2) ? 0 : 4;
}

static int child_fn(void *arg)
{
	(void)arg;
	return child_part();
}

static const char *status(long pid)
{
	static char buf[64];
	int st;

	if (pid < 0) {
		snprintf(buf, sizeof(buf), "failed: %s", strerror(errno));
		return buf;
	}
	if (waitpid((pid_t)pid, &st, 0) != pid)
		snprintf(buf, sizeof(buf), "waitpid: %s", strerror(errno));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	return buf;
}

/* One child made by @how; then the parent's memory must be its own. */
static void one(const char *name, long (*how)(void))
{
	char line[256], want[256];
	const char *st;
	long pid;

	fill(1);
	push_out();
	fflush(stdout);
	pid = how();
	if (pid == 0)
		_exit(child_part());
	st = status(pid);
	push_out();
	snprintf(line, sizeof(line), "%s: child %s, parent %s", name, st,
		 holds(1) ? "kept its data" : "lost its data");
	snprintf(want, sizeof(want), "%s: child exit 0, parent kept its data", name);
	expect(line, want);
}

static long by_clone(void)
{
	return syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

static long by_fork(void)
{
	return syscall(SYS_fork);
}

static long by_clone3(void)
{
	struct clone_args args = { .exit_signal = SIGCHLD };

	return syscall(SYS_clone3, &args, sizeof(args));
}

static char *heap_stack;

static long by_clone_fn(void)
{
	return clone(child_fn, heap_stack + STACK, SIGCHLD, NULL);
}

static int vfork_fn(void *arg)
{
	(void)arg;
	heap[HEAP / 16] = 42;	/* shared with the parent */
	return 0;
}

int main(int argc, char **argv)
{
	char line[256];
	long pid;

	heap = malloc(HEAP);
	heap_stack = malloc(STACK);
	memset(heap_stack, 0, STACK);
	if (argc == 2 && !strcmp(argv[1], "files")) {
		fill(1);
		pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			_exit(child_part());
		printf("files: %s\n", status(pid));
		return 0;
	}
	one("clone", by_clone);
	one("fork", by_fork);
	one("clone3", by_clone3);
	one("clone()", by_clone_fn);

	fill(1);
	push_out();
	pid = clone(vfork_fn, heap_stack + STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
	snprintf(line, sizeof(line), "vfork: child %s, shared write %s", status(pid),
		 heap[HEAP / 16] == 42 ? "seen" : "lost");
	expect(line, "vfork: child exit 0, shared write seen");
	return errors ? 1 : 0;
}
