// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upaged-swap.c - the swap areas upaged owns ([Swap:NAME] sections).
 *
 * Each area is opened at start-up (a block device as it is; a file made
 * at its Size= if it does not exist, mode 0600, its blocks reserved with
 * fallocate), so that a missing or unusable area stops the daemon before
 * it serves anyone.  The areas are reported to tools (upage swap).
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "upaged.h"

struct area {
	char name[CONF_NAME_MAX];
	char path[PATH_MAX];
	int fd;
	bool blkdev;
	uint64_t size;
	int prio;
};

static struct area areas[CONF_MAX_SWAP];
static unsigned int nr_areas;

static int open_area(const struct conf_swap *s, struct area *a, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	memset(a, 0, sizeof(*a));
	fd = open(s->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT && s->size) {
		fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0 && fallocate(fd, 0, 0, (off_t)s->size) < 0 &&
		    ftruncate(fd, (off_t)s->size) < 0) {
			snprintf(err, errlen, "[Swap:%s] Path=%s: cannot make it %" PRIu64
				 " bytes: %s", s->name, s->path, s->size, strerror(errno));
			close(fd);
			unlink(s->path);
			return -1;
		}
	}
	if (fd < 0) {
		snprintf(err, errlen, "[Swap:%s] Path=%s: %s%s", s->name, s->path, strerror(errno),
			 errno == ENOENT ? " (a file to make needs Size=)" : "");
		return -1;
	}
	if (fstat(fd, &st) < 0 || (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))) {
		snprintf(err, errlen, "[Swap:%s] Path=%s: neither a block device nor a file",
			 s->name, s->path);
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & 077)) {
		snprintf(err, errlen, "[Swap:%s] Path=%s: readable by others (mode %03o): "
			 "swap must be private (chmod 600)", s->name, s->path,
			 (unsigned int)(st.st_mode & 0777));
		close(fd);
		return -1;
	}
	a->blkdev = S_ISBLK(st.st_mode);
	if (a->blkdev)
		ioctl(fd, BLKGETSIZE64, &a->size);
	else
		a->size = (uint64_t)st.st_size;
	a->fd = fd;
	a->prio = s->prio;
	snprintf(a->name, sizeof(a->name), "%s", s->name);
	snprintf(a->path, sizeof(a->path), "%s", s->path);
	return 0;
}

int swap_open_all(const struct upaged_conf *conf, char *err, size_t errlen)
{
	swap_close_all();
	for (unsigned int i = 0; i < conf->nr_swap; i++) {
		if (open_area(&conf->swap[i], &areas[nr_areas], err, errlen)) {
			swap_close_all();
			return -1;
		}
		nr_areas++;
	}
	return 0;
}

void swap_close_all(void)
{
	for (unsigned int i = 0; i < nr_areas; i++)
		close(areas[i].fd);
	nr_areas = 0;
}

void swap_report(int fd, uid_t uid)
{
	char msg[PATH_MAX + 128];

	(void)uid;	/* the areas themselves are no secret */
	for (unsigned int i = 0; i < nr_areas; i++) {
		const struct area *a = &areas[i];

		snprintf(msg, sizeof(msg), "area %s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%d\t-", a->path,
			 a->blkdev ? "partition" : "file", a->size, (uint64_t)0, a->prio);
		send(fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}
