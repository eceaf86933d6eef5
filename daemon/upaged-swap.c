// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upaged-swap.c - the swap areas upaged owns ([Swap:NAME] sections), and
 * the extents it hands out of them.
 *
 * An area is a directory on a disk (never a RAM-backed file system) and
 * a size: the most it hands out at once.  An extent is a private file of
 * ExtentSize= made there with O_TMPFILE (mode 0600, no name: nothing is
 * left behind, whoever dies), its blocks reserved with fallocate, whose
 * descriptor goes to one process over its registration (SCM_RIGHTS) and
 * becomes one more swap area there; the daemon keeps no descriptor of its
 * own.  So each process reads and writes only its own extents, an extent
 * lives exactly as long as the process using it, and the daemon dying or
 * restarting changes nothing for the extents in use.  What is handed out
 * is counted from the processes' own control blocks, every interval
 * (swap_account_*), so a restarted daemon knows it again.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "upaged-state.h"
#include "upaged-swap.h"
#include "upaged_client.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC	0x858458f6
#endif

struct area {
	struct conf_swap conf;
	uint64_t given;		/* bytes of extents in use, as last counted */
	uint64_t used;		/* ... of which processes have written */
	uint64_t counting_given, counting_used;	/* being counted */
};

static struct area areas[CONF_MAX_SWAP];
static unsigned int nr_areas;

/* A private file of @size bytes in @dir: fd, or -errno. */
static int make_extent(const char *dir, uint64_t size)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	if (fallocate(fd, 0, 0, (off_t)size) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int check_area(const struct conf_swap *s, char *err, size_t errlen)
{
	struct statfs sf;
	struct stat st;
	int fd;

	if (stat(s->path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "[Swap:%s] Path=%s: %s", s->name, s->path,
			 errno && !S_ISDIR(st.st_mode) ? strerror(errno) : "not a directory");
		return -1;
	}
	if (statfs(s->path, &sf) == 0 && (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC)) {
		snprintf(err, errlen, "[Swap:%s] Path=%s: on %s, which is RAM: swap there would "
			 "stay in memory", s->name, s->path,
			 sf.f_type == TMPFS_MAGIC ? "tmpfs" : "ramfs");
		return -1;
	}
	/* One page, to know now that extents can be made there. */
	fd = make_extent(s->path, 4096);
	if (fd < 0) {
		snprintf(err, errlen, "[Swap:%s] Path=%s: cannot make a private file there "
			 "(O_TMPFILE, fallocate): %s", s->name, s->path, strerror(-fd));
		return -1;
	}
	close(fd);
	return 0;
}

int swap_open_all(const struct upaged_conf *conf, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < conf->nr_swap; i++)
		if (check_area(&conf->swap[i], err, errlen))
			return -1;
	/* Keep what was counted for the areas that stay. */
	for (unsigned int i = 0; i < conf->nr_swap; i++) {
		struct area next = { .conf = conf->swap[i] };

		for (unsigned int j = 0; j < nr_areas; j++)
			if (strcmp(areas[j].conf.path, next.conf.path) == 0)
				next.given = areas[j].given, next.used = areas[j].used;
		areas[i] = next;
	}
	nr_areas = conf->nr_swap;
	return 0;
}

void swap_close_all(void)
{
	nr_areas = 0;
}

unsigned int swap_nr_areas(void)
{
	return nr_areas;
}

/* The area an extent named @name ("/dir/#123 (deleted)") was made in. */
static struct area *area_of(const char *name)
{
	for (unsigned int i = 0; i < nr_areas; i++) {
		size_t len = strlen(areas[i].conf.path);

		while (len > 1 && areas[i].conf.path[len - 1] == '/')
			len--;
		if (strncmp(name, areas[i].conf.path, len) == 0 && name[len] == '/' &&
		    !strchr(name + len + 1, '/'))
			return &areas[i];
	}
	return NULL;
}

void swap_account_begin(void)
{
	for (unsigned int i = 0; i < nr_areas; i++)
		areas[i].counting_given = areas[i].counting_used = 0;
}

void swap_account_extent(const struct upage_control_area *a)
{
	struct area *ar = area_of(a->name);

	if (ar) {
		ar->counting_given += a->size_bytes;
		ar->counting_used += a->used_bytes;
	}
}

void swap_account_end(void)
{
	for (unsigned int i = 0; i < nr_areas; i++) {
		areas[i].given = areas[i].counting_given;
		areas[i].used = areas[i].counting_used;
	}
}

int swap_give(int conn)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char msg[UPAGED_MSG_MAX];
	struct area *best = NULL;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int fd, ret;

	for (unsigned int i = 0; i < nr_areas; i++) {
		struct area *a = &areas[i];

		if (a->given + a->conf.extent_size <= a->conf.size &&
		    (!best || a->conf.prio > best->conf.prio))
			best = a;
	}
	if (!best)
		return -ENOSPC;
	fd = make_extent(best->conf.path, best->conf.extent_size);
	if (fd < 0) {
		upaged_log("[Swap:%s] %s: cannot make an extent: %s", best->conf.name,
			   best->conf.path, strerror(-fd));
		return fd;
	}
	snprintf(msg, sizeof(msg), UPAGED_MSG_EXTENT " %d upaged:%s", best->conf.prio,
		 best->conf.name);
	iov = (struct iovec){ msg, strlen(msg) };
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	ret = sendmsg(conn, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
	close(fd);	/* the process's now, or nobody's */
	if (ret == 0)
		best->given += best->conf.extent_size;
	return ret;
}

void swap_report(int fd, uid_t uid)
{
	char msg[PATH_MAX + 128];

	(void)uid;	/* the areas themselves are no secret; extents are per process */
	for (unsigned int i = 0; i < nr_areas; i++) {
		const struct area *a = &areas[i];

		snprintf(msg, sizeof(msg), "area %s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%d\t-",
			 a->conf.path, "extents", a->conf.size, a->given, a->conf.prio);
		send(fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}
