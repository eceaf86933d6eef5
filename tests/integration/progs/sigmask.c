// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sigmask - a program that blocks SIGSEGV, SIGBUS and SIGSYS (or every
 * signal) still has its paged-out heap served, system calls on it
 * included, in the main thread, in a thread that blocked everything and in
 * a signal handler whose sa_mask is full; the masks it reads back are the
 * ones it set; a real fault with SIGSEGV blocked still kills, as the
 * kernel's; a SIGSEGV sent with raise() while blocked waits until
 * unblocked.
 *
 * usage: sigmask SIZE_MIB   (run under a cap well below SIZE_MIB)
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t *buf;
static size_t n;

static uint64_t word(size_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL;
}

static int check(const char *who)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != word(i)) {
			fprintf(stderr, "sigmask: %s: word %zu is %#llx\n", who, i,
				(unsigned long long)buf[i]);
			return 1;
		}
	return 0;
}

/* read(2) into the heap, page after page (paged out: the trap serves it). */
static int pipe_through(const char *who)
{
	int fds[2];
	int errors = 0;

	if (pipe(fds))
		return 1;
	for (size_t off = 0; off < n * 8; off += 1 << 20) {
		char *dst = (char *)buf + off;
		uint64_t w[4];

		memcpy(w, dst, sizeof(w));
		if (write(fds[1], w, sizeof(w)) != sizeof(w) || read(fds[0], dst, sizeof(w)) != sizeof(w)) {
			fprintf(stderr, "sigmask: %s: read into the heap failed: %m\n", who);
			errors++;
			break;
		}
	}
	close(fds[0]);
	close(fds[1]);
	return errors;
}

static void *blocked_thread(void *arg)
{
	sigset_t all, now;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	pthread_sigmask(SIG_SETMASK, NULL, &now);
	if (sigismember(&now, SIGSEGV) != 1 || sigismember(&now, SIGSYS) != 1) {
		fprintf(stderr, "sigmask: the thread's mask does not show SIGSEGV and SIGSYS\n");
		return (void *)1;
	}
	return (void *)(intptr_t)(check("thread, every signal blocked") +
				  pipe_through("thread, every signal blocked"));
}

static volatile int handler_errors = -1;

static void on_usr1(int sig)
{
	(void)sig;
	handler_errors = check("SIGUSR1 handler with a full sa_mask");
}

static volatile int segv_seen;

static void on_segv(int sig)
{
	(void)sig;
	segv_seen++;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 48;
	sigset_t set, old, now;
	struct sigaction sa = { .sa_handler = on_usr1 };
	pthread_t t;
	void *tret;
	pid_t pid;
	int status, errors = 0;

	n = (mib << 20) / 8;
	buf = malloc(n * 8);
	if (!buf)
		return 2;
	for (size_t i = 0; i < n; i++)
		buf[i] = word(i);

	/* Block the signals upage needs; the heap is still served. */
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigaddset(&set, SIGBUS);
	sigaddset(&set, SIGSYS);
	if (sigprocmask(SIG_BLOCK, &set, &old))
		return 2;
	sigprocmask(SIG_BLOCK, NULL, &now);
	if (sigismember(&now, SIGSEGV) != 1 || sigismember(&now, SIGBUS) != 1 ||
	    sigismember(&now, SIGSYS) != 1) {
		fprintf(stderr, "sigmask: the mask read back does not show what was blocked\n");
		errors++;
	}
	errors += check("main, SIGSEGV SIGBUS SIGSYS blocked") +
		  pipe_through("main, SIGSEGV SIGBUS SIGSYS blocked");

	/* A thread with every signal blocked. */
	if (pthread_create(&t, NULL, blocked_thread, NULL) || pthread_join(t, &tret))
		return 2;
	errors += tret != NULL;

	/* A handler whose sa_mask blocks everything. */
	sigfillset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	if (handler_errors != 0) {
		fprintf(stderr, "sigmask: the SIGUSR1 handler saw %d errors\n", handler_errors);
		errors++;
	}

	/* A SIGSEGV raised while blocked waits for the unblock. */
	sa.sa_handler = on_segv;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	raise(SIGSEGV);
	if (segv_seen) {
		fprintf(stderr, "sigmask: a blocked SIGSEGV was delivered\n");
		errors++;
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if (segv_seen != 1) {
		fprintf(stderr, "sigmask: the SIGSEGV raised while blocked was not delivered at the unblock (%d)\n",
			segv_seen);
		errors++;
	}
	sigprocmask(SIG_BLOCK, NULL, &now);
	if (sigismember(&now, SIGSEGV) == 1) {
		fprintf(stderr, "sigmask: SIGSEGV still shows blocked\n");
		errors++;
	}

	/* A real fault with SIGSEGV blocked kills, handler or not. */
	pid = fork();
	if (pid == 0) {
		volatile int *volatile bad = (int *)16;

		sigprocmask(SIG_BLOCK, &set, NULL);
		*bad = 1;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != SIGSEGV) {
		fprintf(stderr, "sigmask: a fault with SIGSEGV blocked did not kill (status %#x)\n",
			status);
		errors++;
	}
	errors += check("at the end");
	if (errors)
		return 1;
	printf("sigmask: %zu MiB served with SIGSEGV, SIGBUS and SIGSYS blocked\n", mib);
	return 0;
}
