// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_upaged_conf.c - upaged.conf and its drop-ins (daemon/upaged-conf.c):
 * what each section sets, drop-ins overriding in name order, the rule a
 * process gets, and one message with file and line for each kind of bad
 * line.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "upaged-conf.h"

#define M	(1ULL << 20)

static char dir[PATH_MAX], conf[PATH_MAX + 16];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "expected to write %s", path);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/upaged-conf.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	cr_assert_not_null(mkdtemp(dir), "expected a temporary directory");
	snprintf(conf, sizeof(conf), "%s/upaged.conf", dir);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0, "expected %s removed", dir);
}

TestSuite(upaged_conf, .init = setup, .fini = teardown);

static void expect_error(const char *text, const char *want)
{
	struct upaged_conf c;
	char err[512], line[PATH_MAX + 64];

	write_file(conf, text);
	cr_assert_eq(upaged_conf_load(&c, conf, true, err, sizeof(err)), -1,
		     "expected [%s] refused", text);
	snprintf(line, sizeof(line), "%s:%s", conf, want);
	cr_assert(strncmp(err, line, strlen(line)) == 0, "expected \"%s...\", got \"%s\"", line,
		  err);
}

Test(upaged_conf, sections_and_keys)
{
	struct upaged_conf c;
	char err[512];

	write_file(conf, "# comment\n[Budget]\nMemory=512M\nInterval=2s\nStallThreshold=10%\n"
			 "[Default]\nMinRSS=8M\n[User:alice]\nMaxRSS=1G\nWeight=300\n"
			 "[Command:python3]\nMaxRSS=256M\n"
			 "[Swap:disk]\nPath=/var/lib/upage/swap\nSize=2G\nPriority=5\n"
			 "[Swap:fast]\nPath=/srv/swap\nSize=1G\nExtentSize=128M\n");
	cr_assert_eq(upaged_conf_load(&c, conf, true, err, sizeof(err)), 0, "got: %s", err);
	cr_assert_eq(c.budget, 512 * M, "expected the budget");
	cr_assert_float_eq(c.interval, 2.0, 1e-9, "expected the interval");
	cr_assert_float_eq(c.stall_threshold, 0.10, 1e-9, "expected the threshold");
	cr_assert_eq(c.nr_swap, 2, "expected two areas");
	cr_assert_eq(c.swap[0].extent_size, CONF_EXTENT_DEFAULT, "expected the default extent");
	cr_assert_eq(c.swap[1].extent_size, 128 * M, "expected ExtentSize=");
	cr_assert_eq(c.swap[1].prio, 10, "expected the default priority 10");
	cr_assert_str_eq(c.swap[0].path, "/var/lib/upage/swap", "expected its path");
	cr_assert_eq(c.swap[0].size, 2048 * M, "expected its size");
	cr_assert_eq(c.swap[0].prio, 5, "expected its priority");
	cr_assert_eq(upaged_conf_match(&c, "alice", "python3")->max_rss, 256 * M,
		     "expected the command's rule first");
	cr_assert_eq(upaged_conf_match(&c, "alice", "sort")->weight, 300,
		     "expected the user's rule next");
	cr_assert_eq(upaged_conf_match(&c, "bob", "sort")->min_rss, 8 * M,
		     "expected the default last");
}

Test(upaged_conf, a_percentage_of_ram)
{
	struct upaged_conf c;
	char err[512];
	uint64_t ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);

	write_file(conf, "[Budget]\nMemory=50%\n");
	cr_assert_eq(upaged_conf_load(&c, conf, true, err, sizeof(err)), 0, "got: %s", err);
	cr_assert_eq(c.budget_percent, 50, "expected 50%%");
	cr_assert_eq(c.budget, ram / 100 * 50, "expected half the RAM");
}

Test(upaged_conf, drop_ins_override_in_name_order)
{
	struct upaged_conf c;
	char err[512], d[PATH_MAX + 32], f[PATH_MAX + 64];

	write_file(conf, "[Budget]\nMemory=1G\nInterval=3\n");
	snprintf(d, sizeof(d), "%s.d", conf);
	cr_assert_eq(mkdir(d, 0755), 0, "expected %s", d);
	snprintf(f, sizeof(f), "%s/20-late.conf", d);
	write_file(f, "[Budget]\nMemory=2G\n");
	snprintf(f, sizeof(f), "%s/10-early.conf", d);
	write_file(f, "[Budget]\nMemory=3G\n");
	snprintf(f, sizeof(f), "%s/ignored.txt", d);
	write_file(f, "garbage\n");
	cr_assert_eq(upaged_conf_load(&c, conf, true, err, sizeof(err)), 0, "got: %s", err);
	cr_assert_eq(c.budget, 2048 * M, "expected the last drop-in to win, got %lu", c.budget);
	cr_assert_float_eq(c.interval, 3.0, 1e-9, "expected the main file's interval kept");
	cr_assert_eq(c.nr_files, 3, "expected 3 files read");
}

Test(upaged_conf, a_missing_default_file_is_no_error)
{
	struct upaged_conf c;
	char err[512];

	cr_assert_eq(upaged_conf_load(&c, conf, false, err, sizeof(err)), 0, "got: %s", err);
	cr_assert_eq(c.budget, 0, "expected no budget");
	cr_assert_eq(upaged_conf_load(&c, conf, true, err, sizeof(err)), -1,
		     "expected a named file to be needed");
}

Test(upaged_conf, bad_lines_name_file_line_and_what)
{
	expect_error("[Budget]\nMemory=lots\n", "2: Memory=lots");
	expect_error("[Budget]\nMemory=150%\n", "2: Memory=150%");
	expect_error("[Budget]\nInterval=0\n", "2: Interval=0");
	expect_error("\n[Budget]\nColour=red\n", "3: [Budget] has no key Colour");
	expect_error("[Nonsense]\nA=1\n", "2: unknown section [Nonsense]");
	expect_error("Memory=1G\n", "1: Memory= is outside every section");
	expect_error("[Budget\nMemory=1G\n", "1: not a [Section]");
	expect_error("[User:]\nMaxRSS=1G\n", "2: unknown section [User:]");
	expect_error("[Command:x]\nWeight=0\n", "2: Weight=0");
	expect_error("[Swap:a]\nPath=relative\n", "2: Path=relative");
	expect_error("[Swap:a]\nPriority=5\n", " [Swap:a] has no Path=");
	expect_error("[Swap:a]\nPath=/x\n", " [Swap:a] has no Size=");
	expect_error("[Swap:a]\nPath=/x\nSize=8M\nExtentSize=16M\n",
		     " [Swap:a] ExtentSize= is larger than Size=");
}
