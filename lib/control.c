// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * control.c - the control block (control.h): made at start-up in a memfd
 * named "upage-control", read by kswapd every second (control_tick), and
 * mapped by tools through /proc/PID/fd (control_map_pid).
 *
 * Nothing here allocates or calls the interposed mmap: it runs inside the
 * preload library.  control_tick runs in kswapd with page_table_lock held
 * (which protects the zone); the block's fields need no lock (relaxed
 * atomics, control.h).
 */
#include "autoconfig.h"

#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "procfd.h"
#include "stats.h"
#include "swapfile.h"
#include "ownfd.h"
#include "sys.h"
#include "zone_cap.h"
#include "zswap.h"

struct upage_control *upage_control;
static int control_fd = -1;

#define LOAD(p)		__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define STORE(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

static size_t control_len(void)
{
	return PAGE_ALIGN(sizeof(struct upage_control));
}

int control_init(uint64_t cap, uint64_t ceiling, uint64_t min, bool max_rss_set,
		 const char *socket)
{
	struct upage_control *c, *old = upage_control;
	int fd;

	fd = memfd_create(CONTROL_MEMFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	/* Out of the program's way (ownfd.h): `upage set` finds it there. */
	fd = ownfd_place(fd);
	if (ftruncate(fd, (off_t)control_len()) < 0)
		goto fail;
	/* Nobody may shrink it under kswapd: that would be SIGBUS. */
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	c = sys_mmap(NULL, control_len(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c == MAP_FAILED)
		goto fail;
	c->magic = UPAGE_CONTROL_MAGIC;
	c->version = UPAGE_CONTROL_VERSION;
	c->pid = getpid();
	c->flags = max_rss_set ? CONTROL_F_MAX_RSS_SET : 0;
	c->ceiling_bytes = ceiling;
	c->min_bytes = min;
	c->cap_bytes = cap;
	snprintf(c->socket, sizeof(c->socket), "%s", socket);
	/* A forked child keeps the cap it was given, not the daemon's share
	 * for its parent: upaged gives it one of its own. */
	c->max_rss_bytes = old ? LOAD(old->max_rss_bytes) : cap;
	__atomic_store_n(&upage_control, c, __ATOMIC_RELEASE);
	if (old)
		sys_munmap(old, control_len());
	ownfd_close(&control_fd);
	control_fd = fd;
	ownfd_add(&control_fd, "control memfd");
	return 0;
fail:
	close(fd);
	return -ENOMEM;
}

uint64_t control_wanted_cap(const struct upage_control *c, uint64_t now_ns)
{
	uint64_t want = LOAD(c->max_rss_bytes), share = LOAD(c->share_bytes);
	uint64_t min = LOAD(c->min_bytes), ceiling = LOAD(c->ceiling_bytes);

	if (share && now_ns < LOAD(c->share_until_ns) && share < want)
		want = share;
	if (want > ceiling)
		want = ceiling;
	if (want < min)
		want = min;
	return want;
}

struct upage_control *control_map_pid(int pid, bool write)
{
	struct upage_control *c;
	int fd = procfd_open_memfd(pid, CONTROL_MEMFD_NAME, write ? O_RDWR : O_RDONLY);

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	c = sys_mmap(NULL, control_len(), write ? PROT_READ | PROT_WRITE : PROT_READ,
		     MAP_SHARED, fd, 0);
	close(fd);
	if (c == MAP_FAILED) {
		errno = ENOENT;
		return NULL;
	}
	if (c->magic != UPAGE_CONTROL_MAGIC || c->version != UPAGE_CONTROL_VERSION) {
		sys_munmap(c, control_len());
		errno = ENOENT;
		return NULL;
	}
	return c;
}

void control_unmap(struct upage_control *c)
{
	if (c)
		sys_munmap(c, control_len());
}

unsigned int control_read_areas(const struct upage_control *c, struct upage_control_area *out)
{
	for (int tries = 0; tries < 100; tries++) {
		uint32_t seq = __atomic_load_n(&c->areas_seq, __ATOMIC_ACQUIRE), n;

		if (seq & 1)
			continue;
		n = LOAD(c->nr_areas);
		if (n > CONTROL_MAX_AREAS)
			n = CONTROL_MAX_AREAS;
		memcpy(out, (const void *)c->areas, n * sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&c->areas_seq, __ATOMIC_RELAXED) == seq) {
			for (uint32_t i = 0; i < n; i++)
				out[i].name[sizeof(out[i].name) - 1] = '\0';
			return n;
		}
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* @src into @dst; a long one keeps its end, which names the file. */
static void copy_tail(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		src += len - (size - 1);
	memcpy(dst, src, strlen(src) + 1);
}

/* A file's name is the file's own (an O_TMPFILE: "/dir/#123 (deleted)"),
 * not the directory it was made in. */
static void area_name(const struct swap_info_struct *si, char *buf, size_t len)
{
	char link[64], name[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", si->fd);
	n = (si->flags & SWP_BLKDEV) ? -1 : readlink(link, name, sizeof(name) - 1);
	if (n > 0) {
		name[n] = '\0';
		copy_tail(buf, len, name);
	} else {
		copy_tail(buf, len, si->path);
	}
}

/* The swap areas as swapon --show would list them. */
static void publish_areas(struct upage_control *c)
{
	uint32_t seq = LOAD(c->areas_seq), n = 0;

	__atomic_store_n(&c->areas_seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (int type = 0; type < nr_swapfiles() && n < CONTROL_MAX_AREAS; type++) {
		struct swap_info_struct *si = swap_info((unsigned int)type);
		struct upage_control_area *a = &c->areas[n];

		if (!si || !(si->flags & SWP_USED))
			continue;
		area_name(si, a->name, sizeof(a->name));
		a->kind = si->flags & SWP_BLKDEV  ? CONTROL_AREA_PARTITION
			  : si->flags & SWP_GIVEN ? CONTROL_AREA_EXTENT
						  : CONTROL_AREA_FILE;
		a->prio = si->prio;
		a->size_bytes = (uint64_t)si->max << PAGE_SHIFT;
		a->used_bytes = (uint64_t)si->inuse_pages << PAGE_SHIFT;
		n++;
	}
	c->nr_areas = n;
	__atomic_store_n(&c->areas_seq, seq + 2, __ATOMIC_RELEASE);
}

bool control_tick(struct zone *z)
{
	struct upage_control *c = __atomic_load_n(&upage_control, __ATOMIC_ACQUIRE);
	unsigned long frames, before = z->cap_frames;
	uint64_t cap, want, pool;

	if (!c)
		return false;
	publish_areas(c);
	/* The compressed tier's pool is part of the cap: the zone has the rest. */
	pool = zswap_cap_bytes(0);
	want = control_wanted_cap(c, now_ns());
	frames = (unsigned long)((want > pool ? want - pool : 0) >> PAGE_SHIFT);
	if (frames != z->cap_frames || z->reserve_debt)
		zone_set_cap(z, frames);
	cap = zswap_cap_bytes(z->cap_frames);
	STORE(c->cap_bytes, cap);
	if (upage_stats)
		STORE(upage_stats->max_rss_bytes, cap);
	return z->cap_frames != before || z->reserve_debt;
}
