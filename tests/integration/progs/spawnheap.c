// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawnheap - posix_spawn and posix_spawnp whose argv, envp, file actions
 * (an open and a chdir, their paths malloc'd) and environ (setenv'd) all
 * live in the heap, paged out at the moment of the call: a buffer larger
 * than the cap is streamed through between the set-up and each call.
 * Each child (sh) writes its arguments, a variable of envp and its
 * working directory to the file its file actions opened; the parent
 * checks the child's status and the file's contents.
 *
 * usage: spawnheap DIR SIZE_MIB ROUNDS   (exit 0: every child as expected)
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *heap_str(const char *s)
{
	char *p = malloc(strlen(s) + 1);

	if (!p)
		exit(2);
	return strcpy(p, s);
}

/* Stream @n bytes through: everything allocated before is paged out. */
static void stream(uint64_t *b, size_t n, uint64_t salt)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n / 8; i += 512)
			b[i] += i ^ salt;
}

static int check_file(const char *path, const char *want)
{
	char got[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "spawnheap: %s: %s\n", path, strerror(errno));
		return 1;
	}
	n = read(fd, got, sizeof(got) - 1);
	close(fd);
	got[n < 0 ? 0 : n] = 0;
	if (strcmp(got, want)) {
		fprintf(stderr, "spawnheap: %s holds \"%s\", not \"%s\"\n", path, got, want);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t size;
	int rounds, bad = 0;
	uint64_t *buf;
	char dir[4096], pad[3000];

	if (argc != 4) {
		fprintf(stderr, "usage: spawnheap DIR SIZE_MIB ROUNDS\n");
		return 2;
	}
	size = strtoull(argv[2], NULL, 10) << 20;
	rounds = atoi(argv[3]);
	if (!realpath(argv[1], dir))
		return 2;
	/* The first megabytes malloc hands out may come from memory the
	 * pager does not manage (jemalloc's first extent): used up first. */
	for (int i = 0; i < 3072; i++)
		memset(malloc(4096), 1, 4096);
	/* environ in the heap: setenv reallocates the vector and the strings. */
	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = 0;
	for (int i = 0; i < 40; i++) {
		char name[32];

		snprintf(name, sizeof(name), "SPAWNHEAP_PAD%d", i);
		setenv(name, pad, 1);
	}
	setenv("PATH", "/usr/bin:/bin", 1);
	buf = malloc(size);
	if (!buf)
		return 2;
	for (int r = 0; r < rounds; r++) {
		char tmp[4096 + 64], want[8192];
		char **cargv = malloc(5 * sizeof(char *)), **cenvp = malloc(3 * sizeof(char *));
		posix_spawn_file_actions_t fa;
		posix_spawnattr_t *attr = malloc(sizeof(*attr));
		char *out, *cwd, *var;
		int status;
		pid_t pid;

		snprintf(tmp, sizeof(tmp), "%s/out.%d", dir, r);
		out = heap_str(tmp);
		cwd = heap_str(dir);
		snprintf(tmp, sizeof(tmp), "SPAWNHEAP_VAR=round-%d-%s", r, pad + 2900);
		var = heap_str(tmp);
		cargv[0] = heap_str("sh");
		cargv[1] = heap_str("-c");
		cargv[2] = heap_str("printf '%s %s %s %s' \"$0\" \"$1\" \"$SPAWNHEAP_VAR\" \"$(pwd)\"");
		snprintf(tmp, sizeof(tmp), "arg-%d", r);
		cargv[3] = heap_str(tmp);
		cargv[4] = NULL;
		cenvp[0] = var;
		cenvp[1] = heap_str("LC_ALL=C");
		cenvp[2] = NULL;
		if (posix_spawn_file_actions_init(&fa) ||
		    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC,
						     0600) ||
		    posix_spawn_file_actions_addchdir_np(&fa, cwd) || posix_spawnattr_init(attr))
			return 2;
		stream(buf, size, (uint64_t)r);
		if (r % 2)
			bad = posix_spawnp(&pid, "sh", &fa, attr, cargv, cenvp);
		else
			bad = posix_spawn(&pid, "/bin/sh", &fa, attr, cargv, cenvp);
		if (bad) {
			fprintf(stderr, "spawnheap: round %d: posix_spawn%s: %s\n", r,
				r % 2 ? "p" : "", strerror(bad));
			return 1;
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "spawnheap: round %d: the child's status is %#x%s\n", r,
				status, WIFSIGNALED(status) ? " (killed by a signal)" : "");
			return 1;
		}
		/* "$0 $1": sh's $0 is arg-N (the first after -c's string). */
		snprintf(want, sizeof(want), "arg-%d  round-%d-%s %s", r, r, pad + 2900, dir);
		if (check_file(out, want))
			return 1;
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(attr);
		for (int i = 0; cargv[i]; i++)
			free(cargv[i]);
		for (int i = 0; cenvp[i]; i++)
			free(cenvp[i]);
		free(cargv);
		free(cenvp);
		free(out);
		free(cwd);
		free(attr);
	}
	printf("spawnheap: %d children as expected\n", rounds);
	return 0;
}
