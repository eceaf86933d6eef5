// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sys.c - sys_read_number (lib/sys.c): the number after a key, or the
 * first, of a small /proc-style file; the default when the file or the key
 * is missing.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys.h"

static char path[PATH_MAX];

static void write_file(const char *text)
{
	int fd;

	snprintf(path, sizeof(path), "%s/sys.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp should work");
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void remove_file(void)
{
	unlink(path);
}

TestSuite(sys_read_number, .fini = remove_file);

Test(sys_read_number, reads_the_number_after_its_key)
{
	write_file("Name:\tx\nSeccomp:\t2\nSeccomp_filters:\t13\nSpeculation: 1\n");
	cr_assert_eq(sys_read_number(path, "Seccomp_filters:", -1), 13);
	cr_assert_eq(sys_read_number(path, "Seccomp:", -1), 2);
}

Test(sys_read_number, reads_the_first_number_without_a_key)
{
	write_file("123456 789 0\n");
	cr_assert_eq(sys_read_number(path, NULL, -1), 123456);
}

Test(sys_read_number, gives_the_default_for_a_missing_key_or_file)
{
	write_file("MemTotal: 100 kB\n");
	cr_assert_eq(sys_read_number(path, "MemAvailable:", 7), 7);
	cr_assert_eq(sys_read_number("/nonexistent/upage/file", NULL, 65530), 65530);
}

Test(sys_read_number, gives_the_default_for_an_empty_file)
{
	write_file("");
	cr_assert_eq(sys_read_number(path, NULL, -5), -5);
}

Test(sys_read_number, reads_the_files_upage_reads)
{
	cr_assert_gt(sys_read_number("/proc/sys/vm/max_map_count", NULL, -1), 0);
	cr_assert_gt(sys_read_number("/proc/meminfo", "MemAvailable:", -1), 0);
	cr_assert_gt(sys_read_number("/proc/self/statm", NULL, -1), 0);
	cr_assert_geq(sys_read_number("/proc/self/status", "Seccomp_filters:", -1), 0);
}
