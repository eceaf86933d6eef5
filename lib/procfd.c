// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procfd.c - find a process's memfd by its name through /proc/PID/fd.
 *
 * The kernel lets the process's owner and root (ptrace read access) open
 * /proc/PID/fd/N, which reopens the memfd itself: that check is the whole
 * of the access control for the counters and the control block.  The
 * directory is read with getdents64 into a buffer on the stack, since
 * this file is linked into the preload library, where opendir's malloc
 * would be the program's allocator.
 */
#include "autoconfig.h"

#include "procfd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Open /proc/@pid/fd/@nr if it is the memfd @name: fd, or -errno. */
static int open_if_named(int pid, int nr, const char *name, int flags)
{
	char path[64], link[128], want[96];
	size_t len;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, nr);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return errno == EACCES || errno == EPERM ? -EACCES : -ENOENT;
	link[n] = '\0';
	len = (size_t)snprintf(want, sizeof(want), "/memfd:%s", name);
	/* "/memfd:NAME (deleted)", not "/memfd:NAMEfoo" */
	if (strncmp(link, want, len) != 0 || (link[len] != '\0' && link[len] != ' '))
		return -ENOENT;
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES || errno == EPERM ? -EACCES : -ENOENT;
	return fd;
}

int procfd_open_memfd(int pid, const char *name, int flags)
{
	char path[64], buf[4096];
	int dfd, ret, best = -ENOENT;
	ssize_t n;

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			return -ESRCH;
		return errno == EACCES || errno == EPERM ? -EACCES : -errno;
	}
	while ((n = getdents64(dfd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			char *end;
			long nr;

			off += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			nr = strtol(d->d_name, &end, 10);
			if (*end || nr > INT_MAX)
				continue;
			ret = open_if_named(pid, (int)nr, name, flags);
			if (ret >= 0) {
				close(dfd);
				return ret;
			}
			if (ret != -ENOENT)
				best = ret;	/* say why, if no other fd will do */
		}
	}
	close(dfd);
	return best;
}
