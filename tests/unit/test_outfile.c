// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_outfile.c - files written at a path the user named (lib/outfile.c):
 * whole or not at all, a symlink replaced and never followed, a directory
 * refused, nothing left beside the file.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

static char dir[PATH_MAX];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/outfile.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp should work");
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0, "cleanup");
}

static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	cr_assert_geq(fd, 0, "%s should open", path);
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
}

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

TestSuite(outfile, .init = setup, .fini = teardown);

Test(outfile, writes_the_whole_file_and_nothing_beside_it)
{
	char path[PATH_MAX + 8], why[128], buf[64];

	snprintf(path, sizeof(path), "%s/r.json", dir);
	cr_assert_eq(outfile_write(path, "{\"a\": 1}\n", 9, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(outfile_write(path, "{}\n", 3, why, sizeof(why)), 0, "again: %s", why);
	slurp(path, buf, sizeof(buf));
	cr_assert_str_eq(buf, "{}\n", "the second write should replace the first whole");
	cr_assert_eq(entries(), 1, "only the file should be in the directory");
}

Test(outfile, a_symlink_is_replaced_never_followed)
{
	char path[PATH_MAX + 8], victim[PATH_MAX + 8], why[128], buf[64];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/r.json", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	fd = open(victim, O_WRONLY | O_CREAT, 0600);
	cr_assert_eq(write(fd, "precious", 8), 8, "write the victim");
	close(fd);
	cr_assert_eq(symlink(victim, path), 0, "symlink");
	cr_assert_eq(outfile_write(path, "{}\n", 3, why, sizeof(why)), 0, "%s", why);
	slurp(victim, buf, sizeof(buf));
	cr_assert_str_eq(buf, "precious", "the link's target should be untouched");
	cr_assert_eq(lstat(path, &st), 0, "the path should exist");
	cr_assert(S_ISREG(st.st_mode), "the link should be replaced by a regular file");
}

Test(outfile, a_directory_is_refused)
{
	char path[PATH_MAX + 8], why[128] = "";

	snprintf(path, sizeof(path), "%s/sub", dir);
	cr_assert_eq(mkdir(path, 0700), 0, "mkdir");
	cr_assert_eq(outfile_write(path, "x", 1, why, sizeof(why)), -EISDIR,
		     "a directory at the path should be refused");
	cr_assert(strstr(why, "directory"), "the reason should say so: %s", why);
	cr_assert_eq(entries(), 1, "nothing should be left beside it");
}

Test(outfile, another_users_entry_in_a_sticky_directory_is_refused)
{
	char path[PATH_MAX + 8], why[256] = "";

	if (geteuid() != 0)
		cr_skip_test("needs root to own an entry as another user");
	snprintf(path, sizeof(path), "%s/r.json", dir);
	cr_assert_eq(chmod(dir, 01777), 0, "make the directory sticky");
	cr_assert_eq(symlink("/nonexistent", path), 0, "symlink");
	cr_assert_eq(lchown(path, 65534, 65534), 0, "give the link to nobody");
	cr_assert_eq(outfile_check(path, why, sizeof(why)), -EPERM, "the check should refuse it");
	cr_assert_eq(outfile_write(path, "x", 1, why, sizeof(why)), -EPERM,
		     "the write should refuse it");
	cr_assert(strstr(why, "symlink owned by uid 65534"), "the reason should say so: %s", why);
	cr_assert_eq(entries(), 1, "nothing should be left beside it");
}
