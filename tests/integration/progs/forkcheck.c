// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * forkcheck - fork without exec under a cap: the child sees every byte the
 * parent had, including pages paged out at the moment of the fork; then
 * parent and child write their own patterns and each sees only its own
 * (copy-on-write).  A parent thread keeps writing its own buffer while the
 * fork happens.  posix_spawn of a program works too.
 *
 * usage: forkcheck SIZE_MIB
 */
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static size_t n;

static uint64_t word(uint64_t salt, size_t i)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ salt;

	return x ^ (x >> 27);
}

static void fill(uint64_t *b, size_t len, uint64_t salt)
{
	for (size_t i = 0; i < len; i++)
		b[i] = word(salt, i);
}

static int check(const uint64_t *b, size_t len, uint64_t salt, const char *who)
{
	for (size_t i = 0; i < len; i++)
		if (b[i] != word(salt, i)) {
			fprintf(stderr, "forkcheck: %s: word %zu is %#llx, expected %#llx\n", who, i,
				(unsigned long long)b[i], (unsigned long long)word(salt, i));
			return 1;
		}
	return 0;
}

static uint64_t *side;
static volatile int stop;

/* Keeps writing during the fork: its pages are dirty and moving. */
static void *writer(void *unused)
{
	size_t len = n / 4;

	(void)unused;

	for (uint64_t round = 1; !stop; round++)
		fill(side, len, round);
	return NULL;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
	uint64_t *buf;
	pthread_t t;
	pid_t pid, spawned;
	int status, errors = 0;
	char *spawn_argv[] = { "true", NULL };

	n = (mib << 20) / 8;
	buf = malloc(n * 8);
	side = malloc(n / 4 * 8);
	if (!buf || !side)
		return 2;
	fill(buf, n, 1);
	pthread_create(&t, NULL, writer, NULL);
	usleep(100000);

	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		if (check(buf, n, 1, "child before writing"))
			_exit(1);
		fill(buf, n, 2);
		if (check(buf, n, 2, "child after writing"))
			_exit(1);
		_exit(0);
	}
	fill(buf, n, 3);
	errors += check(buf, n, 3, "parent after the fork");
	stop = 1;
	pthread_join(t, NULL);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "forkcheck: the child failed (status %#x)\n", status);
		errors++;
	}
	errors += check(buf, n, 3, "parent after the child");
	if (posix_spawnp(&spawned, "true", NULL, NULL, spawn_argv, environ) ||
	    waitpid(spawned, &status, 0) != spawned || status) {
		fprintf(stderr, "forkcheck: posix_spawn failed\n");
		errors++;
	}
	if (errors)
		return 1;
	printf("forkcheck: parent and child each saw all %zu MiB as written\n", mib);
	return 0;
}
