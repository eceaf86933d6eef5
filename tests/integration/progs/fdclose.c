// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fdclose - what daemons do to their descriptors at start, on a heap that
 * is paged out: write SIZE MiB, then MODE, then read every page back, write
 * it again (new swap-outs) and read it back once more.  Exit 0 when all is
 * intact, 1 at the first wrong word, 2 when a call failed.
 *
 * usage: fdclose MODE SIZE_MIB
 *   closefrom    closefrom(3)
 *   close_range  close_range(3, ~0U, 0)
 *   close_loop   close() of every number from 3 to the soft RLIMIT_NOFILE
 *   dup2         dup2() of /dev/null over every number up to the limit
 *   dup3         the same with dup3(O_CLOEXEC)
 *   raise        setrlimit: the soft RLIMIT_NOFILE raised to half the
 *                hard one, then dup2 over every number up to it
 *   dupfd        fcntl(F_DUPFD) and fcntl(F_DUPFD_CLOEXEC) until EMFILE
 *   fork         a forked child calls closefrom(3), then reads and writes
 *                the heap it inherited (the parent waits for it)
 *   raw          syscall(SYS_close_range, 3, ~0U, 0): no libc function
 *   nofile       print how many descriptors open() gets before EMFILE,
 *                and the limits getrlimit shows
 * dup2, dup3 and raise print "fds N failed M": the numbers filled, and the
 * dup2 calls that failed (EMFILE only: any other error is a failure);
 * closefrom, close_range, close_loop and dupfd print "fds N".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t pattern(uint64_t i, uint64_t round)
{
	uint64_t x = (i + round * 0x1000193) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29) ^ 0x5555aaaa5555aaaaULL;
}

static void fill(uint64_t *buf, size_t n, uint64_t round)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(i, round);
}

static int check(const uint64_t *buf, size_t n, uint64_t round, const char *when)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != pattern(i, round)) {
			fprintf(stderr, "fdclose: %s: word %zu is %#llx, wrote %#llx\n", when, i,
				(unsigned long long)buf[i], (unsigned long long)pattern(i, round));
			return 1;
		}
	}
	return 0;
}

static long soft_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	return (long)rl.rlim_cur;
}

/* dup2 or dup3 of /dev/null over every number from 3 up to the limit:
 * each succeeds without upage; EMFILE is counted (upage's descriptors
 * may have had to take numbers below the limit), anything else fails. */
static int dup_over_all(bool three)
{
	long limit = soft_limit(), n = 0, failed = 0;
	int src = open("/dev/null", O_RDONLY);

	if (src < 0)
		return -1;
	for (long fd = 3; fd < limit; fd++) {
		if (fd == src)
			continue;
		if ((three ? dup3(src, (int)fd, O_CLOEXEC) : dup2(src, (int)fd)) == fd) {
			n++;
			continue;
		}
		if (errno != EMFILE) {
			fprintf(stderr, "fdclose: dup%d(%d, %ld): %s\n", three ? 3 : 2, src, fd,
				strerror(errno));
			return -1;
		}
		failed++;
	}
	printf("fds %ld failed %ld\n", n + 1, failed);
	closefrom(3);
	return 0;
}

/* The soft limit raised past upage's numbers, then every number used. */
static int raise_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	rl.rlim_cur = rl.rlim_max / 2;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("fdclose: setrlimit");
		return -1;
	}
	return dup_over_all(false);
}

/* fcntl F_DUPFD until EMFILE, then close them one by one. */
static int dupfd_all(void)
{
	int src = open("/dev/null", O_RDONLY), fd, last = src;
	long n = 1;

	if (src < 0)
		return -1;
	for (;;) {
		fd = fcntl(src, n % 2 ? F_DUPFD : F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			break;
		last = fd > last ? fd : last;
		n++;
	}
	if (errno != EMFILE) {
		fprintf(stderr, "fdclose: F_DUPFD: %s (EMFILE expected)\n", strerror(errno));
		return -1;
	}
	printf("fds %ld\n", n);
	for (fd = 3; fd <= last; fd++)
		close(fd);
	return 0;
}

static int close_loop(void)
{
	long limit = soft_limit();

	for (long fd = 3; fd < limit; fd++)
		close((int)fd);
	printf("fds 0\n");
	return 0;
}

/* How many descriptors the program gets, and the limits it is shown. */
static int nofile(void)
{
	struct rlimit rl;
	long n = 0;

	while (open("/dev/null", O_RDONLY) >= 0)
		n++;
	if (errno != EMFILE) {
		fprintf(stderr, "fdclose: open: %s (EMFILE expected)\n", strerror(errno));
		return -1;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("opened %ld soft %llu hard %llu\n", n, (unsigned long long)rl.rlim_cur,
	       (unsigned long long)rl.rlim_max);
	return 0;
}

static uint64_t *heap;
static size_t heap_words;

/* sshd's way: fork, then the child closes everything and goes on. */
static int fork_closefrom(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		closefrom(3);
		if (check(heap, heap_words, 0, "in the child after closefrom"))
			_exit(1);
		fill(heap, heap_words, 2);
		_exit(check(heap, heap_words, 2, "in the child, written again"));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "fdclose: the child failed (status %#x)\n", status);
		return -1;
	}
	printf("fds 0\n");
	return 0;
}

static int run_mode(const char *mode)
{
	if (strcmp(mode, "closefrom") == 0) {
		closefrom(3);
		printf("fds 0\n");
		return 0;
	}
	if (strcmp(mode, "close_range") == 0) {
		if (close_range(3, ~0U, 0)) {
			perror("fdclose: close_range");
			return -1;
		}
		printf("fds 0\n");
		return 0;
	}
	if (strcmp(mode, "close_loop") == 0)
		return close_loop();
	if (strcmp(mode, "dup2") == 0)
		return dup_over_all(false);
	if (strcmp(mode, "dup3") == 0)
		return dup_over_all(true);
	if (strcmp(mode, "fork") == 0)
		return fork_closefrom();
	if (strcmp(mode, "raise") == 0)
		return raise_limit();
	if (strcmp(mode, "dupfd") == 0)
		return dupfd_all();
	if (strcmp(mode, "raw") == 0) {
		syscall(SYS_close_range, 3, ~0U, 0);
		printf("fds 0\n");
		fflush(stdout);
		return 0;
	}
	if (strcmp(mode, "nofile") == 0)
		return nofile();
	fprintf(stderr, "fdclose: unknown mode %s\n", mode);
	return -1;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 2 ? strtoul(argv[2], NULL, 0) : 48;
	size_t n = mib * (1 << 20) / sizeof(uint64_t);
	uint64_t *buf;

	if (argc < 2) {
		fprintf(stderr, "usage: fdclose MODE SIZE_MIB\n");
		return 2;
	}
	buf = malloc(n * sizeof(uint64_t));
	if (!buf) {
		fprintf(stderr, "fdclose: malloc of %zu MiB failed\n", mib);
		return 2;
	}
	fill(buf, n, 0);
	heap = buf;
	heap_words = n;
	if (run_mode(argv[1]))
		return 2;
	if (check(buf, n, 0, "after the descriptors were closed"))
		return 1;
	fill(buf, n, 1);
	if (check(buf, n, 1, "written again and read back"))
		return 1;
	free(buf);
	printf("fdclose %s: %zu MiB intact\n", argv[1], mib);
	return 0;
}
