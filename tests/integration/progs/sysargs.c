// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysargs - system calls whose arguments point into paged-out heap
 * memory: flat pointers (uname, pipe2, socketpair, the futex word and its
 * timeout, nanosleep, sigprocmask's sets, waitpid's status, getdents64,
 * getrusage, sched_getaffinity, prctl's name, getsockopt, select's sets,
 * pselect's signal mask, a raw pselect6's mask structure)
 * and pointers inside structures (readv, writev, preadv and pwritev of
 * 2 MiB, more than the trap pins at once; process_vm_readv; execve's
 * vectors).  Each buffer is written, the
 * heap paged out, then the call made; its result is compared with the
 * same call on a stack buffer (the kernel's answer).  Some buffers
 * straddle a page boundary.
 *
 * usage: sysargs DIR   (run under a cap of a few MiB: it touches 48 MiB)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096
#define HEAP_PAGES	1024	/* 4 MiB: a fresh extent of the paged heap */
#define BIG		(2u << 20)	/* readv and friends */

#include "push_out.h"

static char *heap;
static int errors;

/* A buffer in the heap: page @page, @off bytes before its end (a buffer
 * longer than @off straddles into the next page). */
static void *at(int page, size_t off)
{
	return heap + (size_t)(page + 1) * PAGE - off;
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "sysargs: " __VA_ARGS__);                                  \
			fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));              \
			errors++;                                                                  \
		}                                                                                  \
	} while (0)

static void t_uname(void)
{
	struct utsname mine, *u = at(0, 100);

	uname(&mine);
	push_out();
	CHECK(uname(u) == 0 && memcmp(u, &mine, sizeof(mine)) == 0, "uname into paged-out memory");
}

static void t_pipe_socketpair(void)
{
	int *p = at(1, 4), *sv = at(2, 8);
	char c = 0;

	push_out();
	CHECK(pipe2(p, O_CLOEXEC) == 0 && write(p[1], "x", 1) == 1 && read(p[0], &c, 1) == 1 &&
		      c == 'x',
	      "pipe2 into paged-out memory");
	close(p[0]);
	close(p[1]);
	push_out();
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && write(sv[0], "y", 1) == 1 &&
		      read(sv[1], &c, 1) == 1 && c == 'y',
	      "socketpair into paged-out memory");
	close(sv[0]);
	close(sv[1]);
}

static void t_futex_sleep(void)
{
	uint32_t *w = at(3, 64);
	struct timespec *ts = at(4, 8), *rem = at(5, 16);
	long r;

	*w = 5;
	ts->tv_sec = 0;
	ts->tv_nsec = 1000000;
	push_out();
	/* The kernel reads the word: 5 is not 6. */
	r = syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, 6, ts, NULL, 0);
	CHECK(r == -1 && errno == EAGAIN, "futex on a paged-out word returned %ld", r);
	push_out();
	r = syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, 5, ts, NULL, 0);
	CHECK(r == -1 && errno == ETIMEDOUT, "futex with a paged-out timeout returned %ld", r);
	push_out();
	CHECK(nanosleep(ts, rem) == 0, "nanosleep with a paged-out time");
	push_out();
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, ts, rem);
	CHECK(r == 0, "clock_nanosleep with a paged-out time returned %ld", r);
}

static void t_sigprocmask(void)
{
	sigset_t *set = at(6, 64), *old = at(7, 8), before, now;

	sigprocmask(SIG_SETMASK, NULL, &before);
	sigemptyset(set);
	sigaddset(set, SIGUSR1);
	memset(old, 0x5a, sizeof(*old));
	push_out();
	CHECK(sigprocmask(SIG_BLOCK, set, old) == 0, "sigprocmask with paged-out sets");
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1) == 1, "sigprocmask's paged-out set not applied");
	CHECK(memcmp(&before, old, 8) == 0, "sigprocmask's paged-out old set is wrong");
	sigprocmask(SIG_SETMASK, &before, NULL);
}

static void t_waitpid(void)
{
	int *st = at(8, 2);
	pid_t pid = fork();

	if (pid == 0)
		_exit(42);
	*st = -1;
	push_out();
	CHECK(waitpid(pid, st, 0) == pid && WIFEXITED(*st) && WEXITSTATUS(*st) == 42,
	      "waitpid's paged-out status is %#x", *st);
}

static void t_getdents(const char *dir)
{
	static char mine[8192];
	char *buf = at(9, 100);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	long n, m;

	n = syscall(SYS_getdents64, fd, mine, sizeof(mine));
	lseek(fd, 0, SEEK_SET);
	memset(buf, 0, sizeof(mine));	/* the kernel leaves the padding as it is */
	push_out();
	m = syscall(SYS_getdents64, fd, buf, sizeof(mine));
	CHECK(n > 0 && m == n && memcmp(buf, mine, n) == 0, "getdents64 into paged-out memory: %ld of %ld",
	      m, n);
	close(fd);
}

static void t_rusage_affinity(void)
{
	struct rusage mine, *ru = at(12, 50);
	cpu_set_t set, *cs = at(13, 60);
	long n, m;

	getrusage(RUSAGE_SELF, &mine);
	push_out();
	CHECK(getrusage(RUSAGE_SELF, ru) == 0 && ru->ru_maxrss >= mine.ru_maxrss &&
		      ru->ru_maxrss > 0 && ru->ru_utime.tv_sec >= mine.ru_utime.tv_sec,
	      "getrusage into paged-out memory");
	n = syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
	memset(cs, 0xa5, sizeof(*cs));
	push_out();
	m = syscall(SYS_sched_getaffinity, 0, sizeof(set), cs);
	CHECK(n > 0 && m == n && memcmp(cs, &set, n) == 0, "sched_getaffinity into paged-out memory");
}

static void t_prctl_sockopt(void)
{
	char mine[16], *name = at(14, 6);
	int *val = at(15, 4), s = socket(AF_INET, SOCK_STREAM, 0), rcv;
	socklen_t *len = at(16, 2), l = sizeof(rcv);

	strcpy(name, "sysargs-name");
	push_out();
	CHECK(prctl(PR_SET_NAME, name) == 0, "prctl(PR_SET_NAME) from paged-out memory");
	memset(name, 0, 16);
	prctl(PR_GET_NAME, mine);
	push_out();
	CHECK(prctl(PR_GET_NAME, name) == 0 && strcmp(name, mine) == 0 &&
		      strcmp(mine, "sysargs-name") == 0,
	      "prctl(PR_GET_NAME) into paged-out memory");
	getsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, &l);
	*len = sizeof(int);
	*val = -1;
	push_out();
	CHECK(getsockopt(s, SOL_SOCKET, SO_RCVBUF, val, len) == 0 && *val == rcv && *len == l,
	      "getsockopt into paged-out memory");
	close(s);
}

/* A pipe with one byte ready to read and @set holding its reading end:
 * what the select family's cases wait on.  0, or -1 (counted) with no pipe. */
static int ready_pipe(int p[2], fd_set *set)
{
	if (pipe(p)) {
		fprintf(stderr, "sysargs: pipe: %s\n", strerror(errno));
		errors++;
		return -1;
	}
	if (write(p[1], "z", 1) != 1)
		errors++;
	FD_ZERO(set);
	FD_SET(p[0], set);
	return 0;
}

static void t_select(void)
{
	fd_set *r = at(17, 64);
	struct timeval *tv = at(18, 8);
	int p[2];

	if (ready_pipe(p, r))
		return;
	tv->tv_sec = 1;
	tv->tv_usec = 0;
	push_out();
	CHECK(select(p[0] + 1, r, NULL, NULL, tv) == 1 && FD_ISSET(p[0], r),
	      "select with paged-out sets");
	close(p[0]);
	close(p[1]);
}

/* pselect's signal mask in the heap: glibc passes the kernel a pointer to
 * it inside a structure on its own stack, which the filter cannot see. */
static void t_pselect(void)
{
	sigset_t *mask = at(30, 64);
	struct timespec ts = { .tv_sec = 1 };
	fd_set r;
	int p[2];

	if (ready_pipe(p, &r))
		return;
	sigemptyset(mask);
	sigaddset(mask, SIGUSR1);
	push_out();
	CHECK(pselect(p[0] + 1, &r, NULL, NULL, &ts, mask) == 1 && FD_ISSET(p[0], &r),
	      "pselect with its signal mask paged out");
	close(p[0]);
	close(p[1]);
}

/* A raw pselect6 (syscall(2), as a runtime makes it): its sixth argument,
 * the { mask, size } structure, and the mask both in the heap, each
 * straddling a page; a signal the mask blocks is sent while it waits
 * ready, and must not interrupt it. */
static void t_pselect6_raw(void)
{
	struct sigsz {
		const sigset_t *ss;
		size_t len;
	} *arg = at(31, 8);
	sigset_t *mask = at(32, 4);
	struct timespec ts = { .tv_sec = 1 };
	fd_set r;
	int p[2];
	long ret;

	if (ready_pipe(p, &r))
		return;
	sigemptyset(mask);
	sigaddset(mask, SIGUSR1);
	arg->ss = mask;
	arg->len = _NSIG / 8;
	push_out();
	ret = syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &ts, arg);
	CHECK(ret == 1 && FD_ISSET(p[0], &r), "raw pselect6 with its mask structure paged out");
	/* and a size the kernel refuses is refused as the kernel does */
	arg->len = 4;
	push_out();
	errno = 0;
	ret = syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &ts, arg);
	CHECK(ret == -1 && errno == EINVAL, "raw pselect6 with a bad mask size: EINVAL");
	close(p[0]);
	close(p[1]);
}

/* readv, writev, preadv, pwritev of BIG bytes in two iovecs, one of
 * them straddling pages; the iovec array itself in the heap too. */
static uint8_t pattern(size_t i, int salt)
{
	return (uint8_t)((i * 131 + salt) ^ (i >> 12));
}

static void t_iov(const char *dir)
{
	char path[4096];
	uint8_t *a = malloc(BIG), *b = malloc(BIG + 1);
	struct iovec *iov = at(19, 24);
	int fd;
	ssize_t n;
	size_t bad = BIG;

	snprintf(path, sizeof(path), "%s/sysargs.data", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	for (size_t i = 0; i < BIG; i++)
		a[i] = pattern(i, 1);
	iov[0].iov_base = a;
	iov[0].iov_len = BIG / 2 + 123;
	iov[1].iov_base = a + BIG / 2 + 123;
	iov[1].iov_len = BIG / 2 - 123;
	push_out();
	n = writev(fd, iov, 2);
	CHECK(n == (ssize_t)BIG, "writev of %u from paged-out memory: %zd", BIG, n);
	memset(b, 0, BIG + 1);
	iov[0].iov_base = b + 1;
	iov[0].iov_len = 777;
	iov[1].iov_base = b + 1 + 777;
	iov[1].iov_len = BIG - 777;
	lseek(fd, 0, SEEK_SET);
	push_out();
	n = readv(fd, iov, 2);
	CHECK(n == (ssize_t)BIG, "readv of %u into paged-out memory: %zd", BIG, n);
	for (size_t i = 0; i < BIG && bad == BIG; i++)
		if (b[i + 1] != pattern(i, 1))
			bad = i;
	CHECK(bad == BIG, "readv into paged-out memory: byte %zu differs", bad);

	for (size_t i = 0; i < BIG; i++)
		a[i] = pattern(i, 2);
	iov[0].iov_base = a;
	iov[0].iov_len = BIG;
	push_out();
	n = pwritev(fd, iov, 1, 4096);
	CHECK(n == (ssize_t)BIG, "pwritev of %u from paged-out memory: %zd", BIG, n);
	iov[0].iov_base = b;
	iov[0].iov_len = BIG;
	push_out();
	n = preadv(fd, iov, 1, 4096);
	CHECK(n == (ssize_t)BIG, "preadv of %u into paged-out memory: %zd", BIG, n);
	bad = BIG;
	for (size_t i = 0; i < BIG && bad == BIG; i++)
		if (b[i] != pattern(i, 2))
			bad = i;
	CHECK(bad == BIG, "preadv into paged-out memory: byte %zu differs", bad);
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)BIG, "preadv/pwritev moved the file offset");
	close(fd);
	free(a);
	free(b);
}

/* process_vm_readv of 2 MiB from this process's static memory (not
 * paged) into paged-out heap, through iovecs in the heap. */
static uint8_t remote[BIG];

static void t_process_vm(void)
{
	uint8_t *b = malloc(BIG);
	struct iovec *l = at(20, 8), *r = at(21, 16);
	size_t bad = BIG;
	ssize_t n;

	for (size_t i = 0; i < BIG; i++)
		remote[i] = pattern(i, 3);
	memset(b, 0, BIG);
	l[0].iov_base = b;
	l[0].iov_len = BIG;
	r[0].iov_base = remote;
	r[0].iov_len = BIG;
	push_out();
	n = process_vm_readv(getpid(), l, 1, r, 1, 0);
	CHECK(n == (ssize_t)BIG, "process_vm_readv of %u into paged-out memory: %zd", BIG, n);
	for (size_t i = 0; i < BIG && bad == BIG; i++)
		if (b[i] != pattern(i, 3))
			bad = i;
	CHECK(bad == BIG, "process_vm_readv into paged-out memory: byte %zu differs", bad);
	free(b);
}

/* execve with its argv, envp and their strings in paged-out heap. */
static void t_execve(void)
{
	char **argv = at(22, 8), **envp = at(23, 16), *s = at(24, 3);
	pid_t pid;
	int st = 0;

	strcpy(s, "/bin/sh");
	strcpy(s + 8, "-c");
	strcpy(s + 11, "exit $SYSARGS_STATUS");
	strcpy(s + 40, "SYSARGS_STATUS=7");
	argv[0] = s;
	argv[1] = s + 8;
	argv[2] = s + 11;
	argv[3] = NULL;
	envp[0] = s + 40;
	envp[1] = NULL;
	pid = fork();
	if (pid == 0) {
		push_out();
		execve(s, argv, envp);
		fprintf(stderr, "sysargs: execve from paged-out memory: %s\n", strerror(errno));
		_exit(99);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "execve from paged-out memory: status %#x", st);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	heap = malloc(HEAP_PAGES * PAGE);
	if (!heap)
		return 2;
	memset(heap, 0x33, HEAP_PAGES * PAGE);
	t_uname();
	t_pipe_socketpair();
	t_futex_sleep();
	t_sigprocmask();
	t_waitpid();
	t_getdents(argv[1]);
	t_rusage_affinity();
	t_prctl_sockopt();
	t_select();
	t_pselect();
	t_pselect6_raw();
	t_iov(argv[1]);
	t_process_vm();
	t_execve();
	if (errors)
		fprintf(stderr, "sysargs: %d failed\n", errors);
	return errors ? 1 : 0;
}
