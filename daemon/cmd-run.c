// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-run.c - `upage run`: run a program with its heap paged by upage.
 *
 * Each flag sets one UPAGE_* variable.  Before anything runs, the
 * environment the program will see goes through the library's own
 * config_load, so a value the library would refuse is refused here, with
 * exit status 2 and one line naming the flag.  Then libupage.so goes in
 * front of LD_PRELOAD and the program replaces this process.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cmd.h"

#ifndef BUILDDIR
#error "BUILDDIR (the build tree, from Makefile.am) is not defined"
#endif
#ifndef PKGLIBDIR
#error "PKGLIBDIR (where libupage.so is installed, from Makefile.am) is not defined"
#endif

#define EXIT_EXEC	127	/* the program could not be run, as the shell says */

static int cmd_run_exec(int argc, char **argv);

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "[--max-rss SIZE] [--max-rss-ceiling SIZE] [--swap PATH [--swap-force]]\n"
		 "                 [--engine auto|uffd|uffd-sigbus|sigsegv] [--zswap SIZE|PERCENT]\n"
		 "                 [--zswap-compressor lz4|zstd] [--report FILE] [--arena-size SIZE]\n"
		 "                 [--summary] [--no-latency] [--verbose] [--no-inherit] [--] PROG [ARGS]",
	.summary = "run a program with its heap paged by upage, under a resident cap",
	.exec = cmd_run_exec,
};

struct run_flag {
	const char *flag;	/* long option, without "--" */
	const char *var;	/* the variable it sets */
	const char *arg;	/* its argument in --help, or NULL: none */
	bool path;		/* made absolute: the program may chdir before exit */
	const char *help;
	const char *value;	/* what a flag without argument sets */
};

static const struct run_flag run_flags[] = {
	{ "max-rss", "UPAGE_MAX_RSS", "SIZE", false,
	  "resident cap, K/M/G/T suffixes (default: half the RAM, at most 4G)", NULL },
	{ "max-rss-ceiling", "UPAGE_MAX_RSS_CEILING", "SIZE", false,
	  "the highest upage set or upaged may raise the cap to\n"
	  "                         (default: the larger of the cap and the default cap)", NULL },
	{ "swap", "UPAGE_SWAP", "PATH", true,
	  "swap device, directory or new file (default: $TMPDIR, else /tmp;\n"
	  "                         /var/tmp when that is RAM-backed), or\n"
	  "                         memcached:HOST:PORT,HOST:PORT,... (two copies of each page)", NULL },
	{ "swap-force", "UPAGE_SWAP_FORCE", NULL, false,
	  "use the swap device or file even if it holds a file system (overwritten)", "1" },
	{ "engine", "UPAGE_ENGINE", "ENGINE", false,
	  "auto, uffd, uffd-sigbus or sigsegv (default: auto)", NULL },
	{ "zswap", "UPAGE_ZSWAP", "SIZE|PERCENT", false,
	  "compressed pool in front of swap, part of the cap: 64M, 25% (default: none)", NULL },
	{ "zswap-compressor", "UPAGE_ZSWAP_COMPRESSOR", "ALG", false,
	  "the pool's compressor: lz4 or zstd (default: lz4)", NULL },
	{ "report", "UPAGE_REPORT", "FILE", true, "write a JSON report there at exit (%p: the pid)", NULL },
	{ "arena-size", "UPAGE_ARENA_SIZE", "SIZE", false,
	  "address space reserved for the heap (default: 4G)", NULL },
	{ "summary", "UPAGE_SUMMARY", NULL, false,
	  "at exit, print a latency table and a swap-in histogram on stderr", "1" },
	{ "verbose", "UPAGE_VERBOSE", NULL, false, "print the values in force at start-up", "1" },
	{ "no-latency", "UPAGE_LATENCY", NULL, false,
	  "do not measure latencies (the report's latency_ns is null)", "0" },
	{ "no-inherit", "UPAGE_INHERIT", NULL, false,
	  "programs PROG executes run without upage (default: with it, each capped)", "0" },
};

#define NR_FLAGS	(sizeof(run_flags) / sizeof(run_flags[0]))
#define FLAG_VAL(i)	(256 + (int)(i))	/* getopt_long's return for run_flags[i] */

/* What the flags set: NULL when not given.  Read by run_getenv. */
static const char *flag_value[NR_FLAGS];
static char flag_abspath[NR_FLAGS][PATH_MAX];

/* The environment the program will see: the flags over our own. */
static const char *run_getenv(const char *name)
{
	for (size_t i = 0; i < NR_FLAGS; i++)
		if (flag_value[i] && strcmp(run_flags[i].var, name) == 0)
			return flag_value[i];
	return getenv(name);
}

static void help(void)
{
	printf("usage: upage run %s\n\nRun PROG with its heap paged by upage.\n\n",
	       cmd_run_entry.usage);
	for (size_t i = 0; i < NR_FLAGS; i++) {
		char left[40];

		snprintf(left, sizeof(left), "--%s%s%s", run_flags[i].flag,
			 run_flags[i].arg ? " " : "", run_flags[i].arg ? run_flags[i].arg : "");
		printf("  %-22s %s\n  %-22s (sets %s)\n", left, run_flags[i].help, "",
		       run_flags[i].var);
	}
	printf("\nUPAGE_LIBRARY, when set, is the libupage.so to preload.\n");
}

/* A relative path made absolute, when it fits; else left as given. */
static const char *absolute(size_t i, const char *path)
{
	char cwd[PATH_MAX];
	int n;

	if (!path[0] || path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	if (strncmp(path, "memcached:", 10) == 0)
		return path;	/* a pool of servers, not a file */
	n = snprintf(flag_abspath[i], sizeof(flag_abspath[i]), "%s/%s", cwd, path);
	if (n < 0 || n >= (int)sizeof(flag_abspath[i]))
		return path;
	return flag_abspath[i];
}

/*
 * config_load names the variable; the user typed a flag.  Print its
 * message with each variable a flag set replaced by that flag, so
 * UPAGE_MAX_RSS="12Q": ... reads --max-rss="12Q": ...
 */
static void config_error(const char *err)
{
	char line[1024];
	size_t n = 0;

	for (const char *p = err; *p && n < sizeof(line) - 1;) {
		size_t i;

		for (i = 0; i < NR_FLAGS; i++) {
			size_t len = strlen(run_flags[i].var);

			if (flag_value[i] && strncmp(p, run_flags[i].var, len) == 0 &&
			    p[len] != '_' && (p[len] < 'A' || p[len] > 'Z'))
				break;
		}
		if (i == NR_FLAGS) {
			line[n++] = *p++;
			continue;
		}
		n += snprintf(line + n, sizeof(line) - n, "--%s", run_flags[i].flag);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		p += strlen(run_flags[i].var);
	}
	line[n] = '\0';
	fprintf(stderr, "upage run: %s\n", line);
}

/* Is the running binary inside the build tree (libtool's wrapper or not)? */
static bool running_from_builddir(void)
{
	char exe[PATH_MAX], dir[PATH_MAX];
	const char *tree = BUILDDIR;
	ssize_t n;
	size_t len;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return false;
	exe[n] = '\0';
	/* /proc/self/exe has no symbolic links: compare with the real path */
	if (realpath(BUILDDIR, dir))
		tree = dir;
	len = strlen(tree);
	while (len > 1 && tree[len - 1] == '/')
		len--;
	return strncmp(exe, tree, len) == 0 && exe[len] == '/';
}

/*
 * The library to preload: $UPAGE_LIBRARY, else the build tree's when this
 * binary runs from it, else the installed one.  0, or -errno after a
 * message.
 */
static int find_library(char *lib, size_t len)
{
	const char *env = getenv("UPAGE_LIBRARY");
	const char *built = BUILDDIR "/lib/.libs/" LIBRARY_NAME;
	const char *installed = PKGLIBDIR "/" LIBRARY_NAME;
	char real[PATH_MAX];

	if (env && env[0]) {
		if (!realpath(env, real) || access(real, R_OK) < 0) {
			fprintf(stderr, "upage run: UPAGE_LIBRARY=\"%s\": %s\n", env,
				strerror(errno));
			return -ENOENT;
		}
		snprintf(lib, len, "%s", real);
	} else if (running_from_builddir() && access(built, R_OK) == 0) {
		snprintf(lib, len, "%s", built);
	} else if (access(installed, R_OK) == 0) {
		snprintf(lib, len, "%s", installed);
	} else {
		fprintf(stderr, "upage run: cannot find %s (looked for %s); set UPAGE_LIBRARY\n",
			LIBRARY_NAME, installed);
		return -ENOENT;
	}
	/* ld.so splits LD_PRELOAD at spaces and colons */
	if (strpbrk(lib, " :")) {
		fprintf(stderr, "upage run: %s: a space or colon in the path breaks LD_PRELOAD\n",
			lib);
		return -EINVAL;
	}
	return 0;
}

/* Put @lib in front of LD_PRELOAD, keeping what was there. */
static int preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *val;
	int ret;

	if (old && old[0])
		ret = asprintf(&val, "%s:%s", lib, old);
	else
		ret = asprintf(&val, "%s", lib);
	if (ret < 0)
		return -ENOMEM;
	ret = setenv("LD_PRELOAD", val, 1) ? -errno : 0;
	free(val);
	return ret;
}

static int cmd_run_exec(int argc, char **argv)
{
	struct option longopts[NR_FLAGS + 2];
	struct upage_config cfg;
	char err[512], lib[PATH_MAX];
	int c;

	for (size_t i = 0; i < NR_FLAGS; i++)
		longopts[i] = (struct option){ run_flags[i].flag,
					       run_flags[i].arg ? required_argument : no_argument,
					       NULL, FLAG_VAL(i) };
	longopts[NR_FLAGS] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[NR_FLAGS + 1] = (struct option){ NULL, 0, NULL, 0 };

	/* "+": stop at PROG, whose own options are its business */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c >= FLAG_VAL(0) && c < FLAG_VAL(NR_FLAGS)) {
			size_t i = c - FLAG_VAL(0);

			if (!run_flags[i].arg)
				flag_value[i] = run_flags[i].value;
			else if (run_flags[i].path)
				flag_value[i] = absolute(i, optarg);
			else
				flag_value[i] = optarg;
			continue;
		}
		switch (c) {
		case 'h':
			help();
			return 0;
		case ':':
			fprintf(stderr, "upage run: %s needs a value\n", argv[optind - 1]);
			return cmd_usage(&cmd_run_entry);
		default:
			if (optopt >= FLAG_VAL(0))
				fprintf(stderr, "upage run: %s: --%s takes no value\n",
					argv[optind - 1], run_flags[optopt - FLAG_VAL(0)].flag);
			else if (optopt)
				fprintf(stderr, "upage run: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "upage run: unknown option %s\n", argv[optind - 1]);
			return cmd_usage(&cmd_run_entry);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "upage run: no program to run\n");
		return cmd_usage(&cmd_run_entry);
	}

	/* The library's own check, on the environment the program will get. */
	if (config_load(&cfg, run_getenv, err, sizeof(err))) {
		config_error(err);
		return CMD_EXIT_USAGE;
	}

	if (find_library(lib, sizeof(lib)))
		return 1;
	for (size_t i = 0; i < NR_FLAGS; i++) {
		if (flag_value[i] && setenv(run_flags[i].var, flag_value[i], 1)) {
			fprintf(stderr, "upage run: cannot set %s: %s\n", run_flags[i].var,
				strerror(errno));
			return 1;
		}
	}
	if (preload(lib)) {
		fprintf(stderr, "upage run: cannot set LD_PRELOAD: %s\n", strerror(ENOMEM));
		return 1;
	}
	if (cfg.verbose)
		fprintf(stderr, "upage run: preloading %s into %s\n", lib, argv[optind]);

	/* The report's owner is the process PROG becomes (report.c). */
	unsetenv("UPAGE_REPORT_OWNER");
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "upage run: cannot run %s: %s\n", argv[optind], strerror(errno));
	return EXIT_EXEC;
}
