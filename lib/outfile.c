// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * outfile.c - files upage writes for the user, created the way the swap
 * file is: nothing at the path is ever followed or written through.
 *
 * `upage run --report /tmp/r.json` as root must not let another user who
 * plants /tmp/r.json -> /etc/shadow get that file overwritten with JSON.
 * So the report is written into a new file in the same directory (a
 * random name, O_CREAT | O_EXCL | O_NOFOLLOW: a planted name is never
 * opened) and renamed over the path once complete: rename replaces a
 * symlink itself, never its target, and a reader never sees half a
 * report.  In a sticky directory (/tmp) an existing entry that belongs
 * neither to us nor to the directory's owner is somebody else's plant:
 * refused with a message, as the kernel's protected_regular and
 * protected_symlinks refuse to open such entries.  Every step works on
 * the directory's descriptor, so the directory cannot be swapped between
 * the check and the rename.
 *
 * Nothing here allocates or keeps state; the caller reports the error.
 */
#include "autoconfig.h"

#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_TRIES	16

static int why_set(char *why, size_t whylen, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int why_set(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* @path split into its directory and last component (which must not be
 * empty: "dir/" names no file). */
static int split(const char *path, char *dir, size_t dirlen, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, dirlen, ".");
		*base = path;
	} else if (!slash[1]) {
		return -EISDIR;
	} else if (slash == path) {
		snprintf(dir, dirlen, "/");
		*base = slash + 1;
	} else {
		if ((size_t)(slash - path) >= dirlen)
			return -ENAMETOOLONG;
		snprintf(dir, dirlen, "%.*s", (int)(slash - path), path);
		*base = slash + 1;
	}
	return 0;
}

/* May @base in the directory @dfd be replaced? */
static int check_entry(int dfd, const char *dir, const char *base, char *why, size_t whylen)
{
	struct stat d, st;

	if (fstat(dfd, &d))
		return why_set(why, whylen, -errno, "cannot stat %s: %s", dir, strerror(errno));
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW)) {
		if (errno == ENOENT)
			return 0;
		return why_set(why, whylen, -errno, "%s", strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return why_set(why, whylen, -EISDIR, "a directory is there");
	if ((d.st_mode & S_ISVTX) && st.st_uid != geteuid() && st.st_uid != d.st_uid)
		return why_set(why, whylen, -EPERM,
			       "a %s owned by uid %u is there, in the sticky directory %s: "
			       "another user's, left alone",
			       S_ISLNK(st.st_mode) ? "symlink" : "file", (unsigned int)st.st_uid, dir);
	return 0;
}

/* The directory of @path (its name in @dir, PATH_MAX bytes), once its
 * entry has passed check_entry. */
static int open_dir(const char *path, char *dir, const char **base, char *why, size_t whylen)
{
	int ret = split(path, dir, PATH_MAX, base), dfd;

	if (ret)
		return why_set(why, whylen, ret, "%s", ret == -EISDIR ? "a directory, not a file"
								      : strerror(-ret));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return why_set(why, whylen, -errno, "cannot open %s: %s", dir, strerror(errno));
	ret = check_entry(dfd, dir, *base, why, whylen);
	if (ret) {
		close(dfd);
		return ret;
	}
	return dfd;
}

int outfile_check(const char *path, char *why, size_t whylen)
{
	char dir[PATH_MAX];
	const char *base;
	int dfd = open_dir(path, dir, &base, why, whylen);

	if (dfd < 0)
		return dfd;
	close(dfd);
	return 0;
}

static uint64_t random_name(void)
{
	struct timespec ts;
	uint64_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == sizeof(r))
		return r;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
}

/* A new file in @dfd, its name in @tmp. */
static int create_temp(int dfd, const char *base, char *tmp, size_t tmplen)
{
	for (int i = 0; i < NAME_TRIES; i++) {
		int fd, n = snprintf(tmp, tmplen, ".%s.upage-%016llx", base,
				     (unsigned long long)random_name());

		if (n < 0 || (size_t)n >= tmplen)
			return -ENAMETOOLONG;
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

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
		len -= (size_t)n;
	}
	return 0;
}

int outfile_open(struct outfile *of, const char *path, char *why, size_t whylen)
{
	int fd;

	of->dfd = open_dir(path, of->dir, &of->base, why, whylen);
	if (of->dfd < 0)
		return of->dfd;
	fd = create_temp(of->dfd, of->base, of->tmp, sizeof(of->tmp));
	if (fd < 0) {
		close(of->dfd);
		return why_set(why, whylen, fd, "cannot create a file beside it: %s",
			       strerror(-fd));
	}
	of->fd = fd;
	return 0;
}

int outfile_commit(struct outfile *of, int err, char *why, size_t whylen)
{
	int ret = err;

	if (close(of->fd) && !ret)
		ret = -errno;
	if (ret) {
		why_set(why, whylen, ret, "%s", strerror(-ret));
	} else {
		/* Again: something may have been planted while we wrote. */
		ret = check_entry(of->dfd, of->dir, of->base, why, whylen);
		if (!ret && renameat(of->dfd, of->tmp, of->dfd, of->base))
			ret = why_set(why, whylen, -errno, "%s", strerror(errno));
	}
	if (ret)
		unlinkat(of->dfd, of->tmp, 0);
	close(of->dfd);
	return ret;
}

int outfile_write(const char *path, const void *buf, size_t len, char *why, size_t whylen)
{
	struct outfile of;
	int ret = outfile_open(&of, path, why, whylen);

	if (ret)
		return ret;
	return outfile_commit(&of, write_all(of.fd, buf, len), why, whylen);
}
