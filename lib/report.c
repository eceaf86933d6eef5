// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - UPAGE_REPORT: the counters as JSON, written at exit.
 *
 * A report belongs to one process.  Its children inherit UPAGE_REPORT,
 * forked ones and executed ones alike, and would each overwrite the file
 * as they exit, the last one winning.  So the first process to read the
 * variable leaves its pid in UPAGE_REPORT_OWNER, and only that pid writes
 * the file: the program `upage run` started, and whatever it executes in
 * its own place.  "%p" in the path stands for the pid, and a path with it
 * gives every process, children included, its own report.
 */
#include "autoconfig.h"

#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "overhead.h"
#include "stats.h"
#include "sys.h"
#include "runtime.h"

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

#define OWNER_VAR	"UPAGE_REPORT_OWNER"

static pid_t report_owner;

/* At start-up (the constructor: the environment may change). */
void report_setup(void)
{
	const char *s = getenv(OWNER_VAR);
	char *end, buf[24];
	long pid;

	if (s) {
		pid = strtol(s, &end, 10);
		if (*s && !*end && pid > 0) {
			report_owner = (pid_t)pid;
			return;
		}
	}
	report_owner = getpid();
	snprintf(buf, sizeof(buf), "%d", (int)report_owner);
	setenv(OWNER_VAR, buf, 1);
}

/* The report's path for this process, "%p" replaced by the pid; "" when
 * another process owns the report. */
static void report_path(const char *tmpl, char *path, size_t len)
{
	bool per_process = strstr(tmpl, "%p") != NULL;
	size_t n = 0;

	path[0] = '\0';
	if (!per_process && getpid() != report_owner)
		return;
	for (const char *p = tmpl; *p && n + 1 < len; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			n += snprintf(path + n, len - n, "%d", (int)getpid());
			p++;
		} else {
			path[n++] = *p;
		}
		if (n >= len)
			n = len - 1;
	}
	path[n] = '\0';
}

static int write_report(const char *path)
{
	char buf[4096];
	int fd, len, ret;

	__atomic_store_n(&upage_stats->overhead_bytes, overhead_resident_bytes(), __ATOMIC_RELAXED);
	len = stats_format_json(upage_stats, buf, sizeof(buf) - 1);
	if (len < 0 || len >= (int)sizeof(buf) - 1)
		return -EOVERFLOW;
	buf[len++] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, buf, len);
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

__attribute__((destructor)) static void upage_exit(void)
{
	char path[PATH_MAX];
	int ret;

	if (!upage.active || !upage.cfg.report[0] || !upage_stats)
		return;
	report_path(upage.cfg.report, path, sizeof(path));
	if (!path[0])
		return;
	ret = write_report(path);
	if (ret)
		upage_msg("cannot write the report to %s (UPAGE_REPORT): %s", path,
			  strerrordesc_np(-ret));
}

/*
 * A program that ends with _exit skips the destructors (dash does, at
 * every exit): the report is written here as well.  Only the owner, or
 * every process with "%p", writes one, so a forked child's _exit leaves
 * its parent's report alone.
 */
EXPORT void _exit(int status)
{
	upage_exit();
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

EXPORT void _Exit(int status)
{
	_exit(status);
}
