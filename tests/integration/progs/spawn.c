// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawn - programs started by a paged program: each of vfork + execve,
 * posix_spawn and system() runs this program again as a child that fills
 * and verifies its own buffer and says whether upage pages it; the
 * parent's buffer, larger than the cap, is verified after each.
 *
 * usage: spawn SIZE_MIB           (the parent)
 *        spawn child SIZE_MIB     (a child: prints "child N under upage: yes|no"
 *                                  and "child N LD_PRELOAD=...")
 */
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static uint64_t word(uint64_t salt, size_t i)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ salt;

	return x ^ (x >> 29);
}

/* Fill @mib MiB with a pattern, then read it back twice. */
static int fill_and_check(uint64_t *b, size_t mib, uint64_t salt, const char *who)
{
	size_t n = (mib << 20) / 8;

	for (size_t i = 0; i < n; i++)
		b[i] = word(salt, i);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (b[i] != word(salt, i)) {
				fprintf(stderr, "spawn: %s: word %zu is wrong\n", who, i);
				return 1;
			}
	return 0;
}

static int check(const uint64_t *b, size_t mib, uint64_t salt, const char *who)
{
	size_t n = (mib << 20) / 8;

	for (size_t i = 0; i < n; i++)
		if (b[i] != word(salt, i)) {
			fprintf(stderr, "spawn: %s: word %zu is wrong\n", who, i);
			return 1;
		}
	return 0;
}

/* Is libupage.so mapped into this process? */
static int under_upage(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "/libupage.so") != NULL;
	fclose(f);
	return found;
}

static int child(size_t mib)
{
	uint64_t *b = malloc(mib << 20);

	if (!b || fill_and_check(b, mib, getpid(), "child"))
		return 1;
	printf("child %d under upage: %s\n", (int)getpid(), under_upage() ? "yes" : "no");
	printf("child %d LD_PRELOAD=%s\n", (int)getpid(),
	       getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "");
	free(b);
	return 0;
}

static int wait_ok(pid_t pid, const char *how)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "spawn: the child started by %s failed\n", how);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t mib, child_mib;
	char self[4096], arg[32], cmd[4200];
	char *cargv[] = { self, "child", arg, NULL };
	uint64_t *buf;
	ssize_t len;
	pid_t pid;
	int errors = 0;

	if (argc == 3 && strcmp(argv[1], "child") == 0)
		return child(strtoul(argv[2], NULL, 0));
	mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 48;
	child_mib = mib / 2;
	snprintf(arg, sizeof(arg), "%zu", child_mib);
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		return 2;
	self[len] = '\0';
	buf = malloc(mib << 20);
	if (!buf || fill_and_check(buf, mib, 1, "parent"))
		return 1;
	fflush(stdout);

	pid = vfork();
	if (pid == 0) {
		execve(self, cargv, environ);
		_exit(127);
	}
	errors += wait_ok(pid, "vfork");
	errors += check(buf, mib, 1, "parent after vfork");

	if (posix_spawn(&pid, self, NULL, NULL, cargv, environ))
		pid = -1;
	errors += wait_ok(pid, "posix_spawn");
	errors += check(buf, mib, 1, "parent after posix_spawn");

	snprintf(cmd, sizeof(cmd), "'%s' child %s", self, arg);
	if (system(cmd) != 0) {
		fprintf(stderr, "spawn: the child started by system() failed\n");
		errors++;
	}
	errors += check(buf, mib, 1, "parent after system");
	if (errors)
		return 1;
	printf("parent %d: %zu MiB intact after three children\n", (int)getpid(), mib);
	return 0;
}
