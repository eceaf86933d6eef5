// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swapfile.c - swap areas, as Linux 2.4's mm/swapfile.c: swap_info_struct,
 * swapon, get_swap_page with its clustering, swap_free and friends.  The
 * I/O on an area's slots is page_io.c's.
 *
 * An area is a private file (O_TMPFILE in a directory, or a new path
 * created O_EXCL|O_NOFOLLOW mode 0600 and unlinked at once) or an existing
 * block device.  A file starts empty and grows by SWAP_GROW_SLOTS at a time
 * inside get_swap_page, up to its max_limit.  Slot 0 is marked SWAP_MAP_BAD
 * at swapon, so it is never handed out and an entry of 0 means "none".
 * Growth uses fallocate (ftruncate where unsupported), so the blocks are
 * reserved and a later swap-out cannot fail for lack of space.
 *
 * An area's file is opened O_DIRECT where the file system allows it
 * (SWP_DIRECT); page_io.c makes buffered I/O behave alike where not.
 *
 * swap_map[offset] is the slot's count of users (at most SWAP_MAP_MAX),
 * with SWAP_MAP_BAD or'ed in once an I/O error hit it: a bad slot keeps its
 * count until its users free it, and then stays SWAP_MAP_BAD, never free.
 * lowest_bit and highest_bit bound the free slots, as in 2.4: no free slot
 * lies outside [lowest_bit, highest_bit]; lowest_bit > highest_bit when
 * there is none.
 *
 * Locking: swap_lock protects swap_areas[] (every area's swap_map,
 * counters, bounds, cluster and size) and swap_list[].  I/O takes it
 * only to find the area (swap_info_get); the transfer itself runs
 * without it.  Growing a file (fallocate, a metadata operation) is
 * done under it.  swapoff_all must not race with I/O on the areas: it runs
 * at exit and between tests.  swap_lock nests inside page_table_lock
 * (mm.h) and takes no other lock but zswap's pool lock (zswap_invalidate,
 * when a slot's last user goes).
 */
#include "autoconfig.h"

#include "swapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "ownfd.h"
#include "page_io.h"
#include "stats.h"
#include "sys.h"
#include "zswap.h"

#define SWAP_GROW_BYTES	(16UL << 20)			/* a file grows 16 MiB at a time */
#define SWAP_GROW_SLOTS	(SWAP_GROW_BYTES >> PAGE_SHIFT)
#define SWAP_MAX_SLOTS	(SWP_MAX_OFFSET + 1)		/* what a swap entry can address */
#define SWAP_NAME_TRIES	16				/* random names tried in a directory */

struct swap_area {
	struct swap_info_struct si;
	unsigned long nr_bad;		/* bad slots whose users are gone: never free again */
	size_t map_bytes;		/* size of the swap_map mapping */
};

/* What open_swap found: the area's file and size, before it is installed. */
struct swap_open {
	int fd;
	unsigned int flags;		/* SWP_BLKDEV, SWP_DIRECT */
	unsigned long max;
	unsigned long max_limit;
};

static pthread_mutex_t swap_lock = PTHREAD_MUTEX_INITIALIZER;

/* Protected by swap_lock: the areas, indexed by type. */
static struct swap_area swap_areas[MAX_SWAPFILES];

/*
 * Protected by swap_lock: the types in use, ordered by priority (highest
 * first) and, among equal priorities, least recently allocated from first,
 * so walking it in order is 2.4's "highest priority, round robin among
 * equals".
 */
static int swap_list[MAX_SWAPFILES];
static int nr_swap_list;

static inline unsigned int map_count(unsigned short map)
{
	return map & SWAP_MAP_MAX;
}

static inline bool map_bad(unsigned short map)
{
	return map & SWAP_MAP_BAD;
}

/* Slots allocatable now, without growing; swap_lock held. */
static unsigned long area_free_slots(const struct swap_area *a)
{
	const struct swap_info_struct *si = &a->si;

	if (si->max <= 1)
		return 0;
	return si->max - 1 - si->inuse_pages - a->nr_bad;
}

/* The area holding @entry, with the slot's offset; NULL when the slot does
 * not exist.  swap_lock held. */
static struct swap_area *entry_area(swp_entry_t entry, unsigned long *offset)
{
	struct swap_area *a = &swap_areas[swp_type(entry)];

	/* Bit 0 is the present bit and bit 7 is unused in a swap entry. */
	if (entry.val & 0x81)
		return NULL;
	*offset = swp_offset(entry);
	if (!(a->si.flags & SWP_USED) || *offset == 0 || *offset >= a->si.max)
		return NULL;
	return a;
}

/* ---- opening an area ------------------------------------------------ */

/* Switch @fd to O_DIRECT if its file system allows it (tmpfs may not). */
static unsigned int try_direct(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0 && fcntl(fd, F_SETFL, fl | O_DIRECT) == 0)
		return SWP_DIRECT;
	return 0;
}

/*
 * Create @path, which must not exist, and unlink it at once.  O_DIRECT is
 * set afterwards (try_direct): an open with O_CREAT|O_DIRECT on a file
 * system that refuses O_DIRECT fails with EINVAL after creating the file,
 * which would leave it behind.
 */
static int create_unlinked(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int err;

	if (fd < 0)
		return -errno;
	if (unlink(path) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static uint64_t random_u64(void)
{
	static unsigned long counter;	/* makes names differ when getrandom fails */
	struct timespec ts;
	uint64_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == sizeof(r))
		return r;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
	       ((uint64_t)getpid() << 40) ^ __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
}

/* A private file in @dir when O_TMPFILE is not supported: a random name. */
static int create_named_in_dir(const char *dir)
{
	char name[PATH_MAX];

	for (int i = 0; i < SWAP_NAME_TRIES; i++) {
		int n = snprintf(name, sizeof(name), "%s/.upage-swap-%016llx", dir,
				 (unsigned long long)random_u64());
		int fd;

		if (n < 0 || n >= (int)sizeof(name))
			return -ENAMETOOLONG;
		fd = create_unlinked(name);
		if (fd != -EEXIST)
			return fd;
	}
	return -EEXIST;
}

static int open_in_dir(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);

	if (fd >= 0)
		return fd;
	/* EISDIR: a kernel that does not know O_TMPFILE. */
	if (errno == EOPNOTSUPP || errno == EISDIR)
		return create_named_in_dir(dir);
	return -errno;
}

/* The slots a file may grow to, from the user's cap. */
static int file_limit(unsigned long long max_bytes, unsigned long *limit)
{
	unsigned long long slots = max_bytes >> PAGE_SHIFT;

	if (max_bytes == 0 || slots > SWAP_MAX_SLOTS)
		slots = SWAP_MAX_SLOTS;
	if (slots < 2)
		return -EINVAL;		/* slot 0 is never used: nothing left */
	*limit = slots;
	return 0;
}

static int open_file(const char *path, bool is_dir, unsigned long long max_bytes,
		     struct swap_open *so)
{
	int err = file_limit(max_bytes, &so->max_limit);

	if (err)
		return err;
	so->fd = is_dir ? open_in_dir(path) : create_unlinked(path);
	if (so->fd < 0)
		return so->fd;
	so->flags = try_direct(so->fd);
	so->max = 0;
	return 0;
}

/* swap_set_force: a device or existing file is used whatever it holds. */
static bool swap_force;
/* Why the last open_swap refused its path (start-up only). */
static char swap_why[256];

void swap_set_force(bool force)
{
	swap_force = force;
}

const char *swapon_why(void)
{
	return swap_why;
}

/*
 * A device or an existing file is used when it is blank, holds a swap
 * signature (its header is slot 0, never written), or the user forced it
 * (swap_probe.c).  @blank_ok: a file must carry the signature.
 */
static int check_contents(int fd, bool blank_ok)
{
	char what[128];
	int ret = swap_probe(fd, what, sizeof(what));

	if (ret < 0 && !swap_force) {
		snprintf(swap_why, sizeof(swap_why), "cannot tell what it holds (libblkid: %s); "
			 "UPAGE_SWAP_FORCE=1 to use it anyway", strerror(-ret));
		return -EEXIST;
	}
	if (ret == SWAP_PROBE_SWAP || swap_force || (ret == SWAP_PROBE_EMPTY && blank_ok))
		return 0;
	if (ret == SWAP_PROBE_EMPTY)
		snprintf(swap_why, sizeof(swap_why), "an existing file, never overwritten unless "
			 "it carries a swap signature (mkswap) or UPAGE_SWAP_FORCE=1 says so");
	else
		snprintf(swap_why, sizeof(swap_why), "it holds %s (found by libblkid): refused, "
			 "never overwritten unless UPAGE_SWAP_FORCE=1 says so (or mkswap it)",
			 what);
	return -EEXIST;
}

/*
 * An existing regular file, mkswap'd or forced: used at its size (never
 * grown: it is the user's), locked against a second user, and private
 * (the swap data stays in it after exit, as in a kernel swap file).
 */
static int open_existing(const char *path, struct swap_open *so)
{
	struct stat st;
	int err;

	so->fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (so->fd < 0)
		return -errno;
	err = -EINVAL;		/* replaced by something else since lstat */
	if (fstat(so->fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto fail;
	err = check_contents(so->fd, false);
	if (err)
		goto fail;
	err = -EACCES;
	if (st.st_mode & 077) {
		snprintf(swap_why, sizeof(swap_why), "readable or writable by others (mode %04o): "
			 "swap data must be private (chmod 600 it)", st.st_mode & 07777);
		goto fail;
	}
	err = -EBUSY;
	if (flock(so->fd, LOCK_EX | LOCK_NB)) {
		snprintf(swap_why, sizeof(swap_why), "in use as swap by another process");
		goto fail;
	}
	so->max = (unsigned long)(st.st_size >> PAGE_SHIFT);
	if (so->max > SWAP_MAX_SLOTS)
		so->max = SWAP_MAX_SLOTS;
	err = -EINVAL;
	if (so->max < 2) {
		snprintf(swap_why, sizeof(swap_why), "too small for one page of swap");
		goto fail;
	}
	so->max_limit = so->max;
	so->flags = try_direct(so->fd);
	return 0;
fail:
	close(so->fd);
	return err;
}

static int open_blkdev(const char *path, struct swap_open *so)
{
	uint64_t bytes;
	struct stat st;
	int err;

	so->fd = open(path, O_RDWR | O_DIRECT | O_EXCL | O_CLOEXEC | O_NOFOLLOW);
	if (so->fd < 0)
		return -errno;
	err = -EINVAL;		/* replaced by something else since lstat */
	if (fstat(so->fd, &st) < 0 || !S_ISBLK(st.st_mode))
		goto fail;
	if (ioctl(so->fd, BLKGETSIZE64, &bytes) < 0) {
		err = -errno;
		goto fail;
	}
	so->max = bytes >> PAGE_SHIFT;
	if (so->max > SWAP_MAX_SLOTS)
		so->max = SWAP_MAX_SLOTS;
	err = -EINVAL;		/* too small for one usable slot */
	if (so->max < 2)
		goto fail;
	err = check_contents(so->fd, true);
	if (err)
		goto fail;
	so->max_limit = so->max;
	so->flags = SWP_BLKDEV | SWP_DIRECT;
	return 0;
fail:
	close(so->fd);
	return err;
}

/*
 * lstat, never stat: a symlink is refused, not followed, and an existing
 * regular file is used only with a swap signature or the force.
 */
static int open_swap(const char *path, unsigned long long max_bytes, struct swap_open *so)
{
	struct stat st;

	swap_why[0] = '\0';
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		return open_file(path, false, max_bytes, so);
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(swap_why, sizeof(swap_why), "a symlink, never followed");
		return -EEXIST;
	}
	if (S_ISREG(st.st_mode))
		return open_existing(path, so);
	if (S_ISBLK(st.st_mode))
		return open_blkdev(path, so);
	if (S_ISDIR(st.st_mode))
		return open_file(path, true, max_bytes, so);
	return -EINVAL;
}

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC	0x858458f6
#endif

const char *swap_ram_backed(const char *path)
{
	char dir[PATH_MAX];
	struct statfs sf;
	struct stat st;
	char *slash;

	/* A device node lives on devtmpfs; its blocks do not. */
	if (lstat(path, &st) == 0 && S_ISBLK(st.st_mode))
		return NULL;

	if (statfs(path, &sf) < 0) {
		/* A new file: look at the directory it will be made in. */
		if (errno != ENOENT || snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
			return NULL;
		slash = strrchr(dir, '/');
		if (!slash)
			strcpy(dir, ".");
		else
			slash[slash == dir] = '\0';
		if (statfs(dir, &sf) < 0)
			return NULL;
	}
	if (sf.f_type == TMPFS_MAGIC)
		return "tmpfs";
	if (sf.f_type == RAMFS_MAGIC)
		return "ramfs";
	return NULL;
}

/* ---- the area table and list ---------------------------------------- */

/* swap_lock held. */
static int find_free_type(void)
{
	for (int type = 0; type < MAX_SWAPFILES; type++)
		if (!(swap_areas[type].si.flags & SWP_USED))
			return type;
	return -ENOSPC;
}

/* Insert @type after every area of its priority or higher; swap_lock held. */
static void swap_list_insert(int type)
{
	int prio = swap_areas[type].si.prio, i = nr_swap_list;

	while (i > 0 && swap_areas[swap_list[i - 1]].si.prio < prio) {
		swap_list[i] = swap_list[i - 1];
		i--;
	}
	swap_list[i] = type;
	nr_swap_list++;
}

/* Move the area at @pos behind the others of its priority; swap_lock held. */
static void swap_list_rotate(int pos)
{
	int type = swap_list[pos], prio = swap_areas[type].si.prio;

	while (pos + 1 < nr_swap_list && swap_areas[swap_list[pos + 1]].si.prio == prio) {
		swap_list[pos] = swap_list[pos + 1];
		pos++;
	}
	swap_list[pos] = type;
}

static void setup_area(struct swap_area *a, const char *path, int prio,
		       const struct swap_open *so, unsigned short *map, size_t map_bytes)
{
	struct swap_info_struct *si = &a->si;

	memset(a, 0, sizeof(*a));
	si->flags = SWP_USED | SWP_WRITEOK | so->flags;
	si->prio = prio;
	si->fd = so->fd;
	strcpy(si->path, path);		/* length checked by swapon */
	si->swap_map = map;
	si->swap_map[0] = SWAP_MAP_BAD;
	si->max = so->max;
	si->max_limit = so->max_limit;
	si->lowest_bit = so->max > 1 ? 1 : so->max;
	si->highest_bit = so->max > 1 ? so->max - 1 : 0;
	si->cluster_next = 1;
	a->map_bytes = map_bytes;
}

/*
 * Add the area @so describes; the type, or a negative errno (the caller
 * then closes so->fd).  Its descriptor, if any, moves out of the
 * program's way and is registered (ownfd.h).
 */
static int install_area(const char *path, int prio, struct swap_open *so,
			const struct swap_aops *aops, void *private)
{
	unsigned short *map;
	size_t map_bytes = PAGE_ALIGN(so->max_limit * sizeof(*map));
	int type;

	map = sys_alloc_pages(map_bytes);
	if (!map)
		return -ENOMEM;
	if (so->fd >= 0)
		so->fd = ownfd_place(so->fd);
	pthread_mutex_lock(&swap_lock);
	type = find_free_type();
	if (type >= 0) {
		setup_area(&swap_areas[type], path, prio, so, map, map_bytes);
		swap_areas[type].si.aops = aops;
		swap_areas[type].si.private = private;
		swap_list_insert(type);
	}
	pthread_mutex_unlock(&swap_lock);
	if (type < 0)
		sys_free_pages(map, map_bytes);
	else if (so->fd >= 0)
		ownfd_add(&swap_areas[type].si.fd, "swap area");
	return type;
}

int swapon(const char *path, int prio, unsigned long long max_bytes)
{
	struct swap_open so;
	int type, err;

	if (!path)
		return -EINVAL;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	err = open_swap(path, max_bytes, &so);
	if (err)
		return err;
	type = install_area(path, prio, &so, NULL, NULL);
	if (type < 0)
		close(so.fd);
	return type;
}

/* A backend's area has no file, and a fixed size (max == max_limit). */
int swapon_backend(const char *name, const struct swap_aops *aops, void *private,
		   unsigned long nr_slots, int prio)
{
	struct swap_open so = { .fd = -1, .max = nr_slots, .max_limit = nr_slots };

	if (!name || !aops || nr_slots < 2 || nr_slots > SWAP_MAX_SLOTS)
		return -EINVAL;
	if (strlen(name) >= PATH_MAX)
		return -ENAMETOOLONG;
	return install_area(name, prio, &so, aops, private);
}

int swapon_fd(int fd, const char *name, int prio)
{
	struct swap_open so = { .fd = fd };
	struct stat st;
	int type;

	if (strlen(name) >= PATH_MAX || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	so.max = (unsigned long)((uint64_t)st.st_size >> PAGE_SHIFT);
	if (so.max > SWAP_MAX_SLOTS)
		so.max = SWAP_MAX_SLOTS;
	if (so.max < 2) {
		close(fd);
		return -EINVAL;		/* not one usable slot */
	}
	so.max_limit = so.max;		/* its size is the giver's: it never grows */
	so.flags = try_direct(fd) | SWP_GIVEN;
	type = install_area(name, prio, &so, NULL, NULL);
	if (type < 0)
		close(so.fd);
	return type;
}

void swapoff_all(void)
{
	/* Outside swap_lock, which ownfd's lock must not nest in; nothing
	 * else runs now. */
	for (int type = 0; type < MAX_SWAPFILES; type++)
		if ((swap_areas[type].si.flags & SWP_USED) && swap_areas[type].si.fd >= 0)
			ownfd_close(&swap_areas[type].si.fd);
	pthread_mutex_lock(&swap_lock);
	for (int type = 0; type < MAX_SWAPFILES; type++) {
		struct swap_area *a = &swap_areas[type];

		if (!(a->si.flags & SWP_USED))
			continue;
		sys_free_pages(a->si.swap_map, a->map_bytes);
		memset(a, 0, sizeof(*a));
	}
	nr_swap_list = 0;
	pthread_mutex_unlock(&swap_lock);
}

struct swap_info_struct *swap_info(unsigned int type)
{
	struct swap_info_struct *si = NULL;

	if (type >= MAX_SWAPFILES)
		return NULL;
	pthread_mutex_lock(&swap_lock);
	if (swap_areas[type].si.flags & SWP_USED)
		si = &swap_areas[type].si;
	pthread_mutex_unlock(&swap_lock);
	return si;
}

/*
 * As 2.4's nr_swapfiles: one more than the highest type in use.  Areas are
 * only removed all at once, so this is also how many there are.
 */
int nr_swapfiles(void)
{
	int nr = 0;

	pthread_mutex_lock(&swap_lock);
	for (int type = 0; type < MAX_SWAPFILES; type++)
		if (swap_areas[type].si.flags & SWP_USED)
			nr = type + 1;
	pthread_mutex_unlock(&swap_lock);
	return nr;
}

/* ---- allocating slots ----------------------------------------------- */

/* Make the file of @fd span @new slots (it spans @old); fallocate reserves
 * the blocks, so a later swap-out cannot fail for lack of space. */
static int extend_file(int fd, unsigned long old, unsigned long new)
{
	off_t pos = (off_t)old << PAGE_SHIFT, len = (off_t)(new - old) << PAGE_SHIFT;
	int ret;

	do
		ret = fallocate(fd, 0, pos, len);
	while (ret < 0 && errno == EINTR);
	if (ret == 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != ENOSYS)
		return -errno;
	do
		ret = ftruncate(fd, pos + len);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

/*
 * Grow a file area by a step, never past max_limit.  A file system that
 * is full (ENOSPC) or a file at its largest (EFBIG) makes the area full
 * for good.  swap_lock held.
 */
static int grow_swap_file(struct swap_area *a)
{
	struct swap_info_struct *si = &a->si;
	unsigned long old = si->max, new;
	int err, tok;

	if ((si->flags & SWP_BLKDEV) || old >= si->max_limit)
		return -ENOSPC;
	new = old + SWAP_GROW_SLOTS;
	if (new > si->max_limit)
		new = si->max_limit;
	tok = ownfd_enter();
	err = extend_file(ownfd_get(&si->fd), old, new);
	ownfd_exit(tok);
	if (err == -ENOSPC || err == -EFBIG) {
		si->max_limit = old;
		return -ENOSPC;
	}
	if (err)
		return err;
	if (!area_free_slots(a))
		si->lowest_bit = old ? old : 1;
	si->max = new;
	si->highest_bit = new - 1;
	return 0;
}

/* Hand out slot @offset with a count of 1; swap_lock held. */
static unsigned long take_slot(struct swap_info_struct *si, unsigned long offset)
{
	if (offset == si->lowest_bit)
		si->lowest_bit++;
	if (offset == si->highest_bit)
		si->highest_bit--;
	if (si->lowest_bit > si->highest_bit) {
		si->lowest_bit = si->max;
		si->highest_bit = 0;
	}
	si->swap_map[offset] = 1;
	si->inuse_pages++;
	si->cluster_next = offset + 1;
	return offset;
}

/* The first run of SWAPFILE_CLUSTER free slots, or 0 (2.4's
 * check_next_cluster); swap_lock held. */
static unsigned long find_free_cluster(const struct swap_info_struct *si)
{
	unsigned long offset = si->lowest_bit, nr;

	while (offset + SWAPFILE_CLUSTER - 1 <= si->highest_bit) {
		for (nr = offset; nr < offset + SWAPFILE_CLUSTER; nr++)
			if (si->swap_map[nr])
				break;
		if (nr == offset + SWAPFILE_CLUSTER)
			return offset;
		offset = nr + 1;
	}
	return 0;
}

/* The first free slot; everything below it is in use.  swap_lock held. */
static unsigned long first_free_slot(struct swap_info_struct *si)
{
	for (unsigned long offset = si->lowest_bit; offset <= si->highest_bit; offset++) {
		if (!si->swap_map[offset]) {
			si->lowest_bit = offset;
			return offset;
		}
	}
	return 0;
}

/*
 * 2.4's scan_swap_map: go on with the current cluster while it has slots
 * left, else start a new cluster at the first wholly free run, else at the
 * first free slot.  The caller made sure a free slot exists.  With
 * @want_run, a new cluster that would start in scattered free slots is
 * not started: 0, and *want_run is set (the caller grows the file and
 * asks again).  swap_lock held.
 */
static unsigned long scan_swap_map(struct swap_info_struct *si, bool *want_run)
{
	unsigned long offset;

	if (si->cluster_nr) {
		while (si->cluster_next <= si->highest_bit) {
			offset = si->cluster_next++;
			if (si->swap_map[offset])
				continue;
			si->cluster_nr--;
			return take_slot(si, offset);
		}
	}
	si->cluster_nr = SWAPFILE_CLUSTER - 1;	/* this slot is its first */
	offset = find_free_cluster(si);
	if (!offset && want_run) {
		si->cluster_nr = 0;
		*want_run = true;
		return 0;
	}
	if (!offset)
		offset = first_free_slot(si);
	return offset ? take_slot(si, offset) : 0;
}

/*
 * May a new cluster wait for the file to grow rather than start in
 * scattered free slots?  A file area at least half in use that can still
 * grow: the cluster is then a wholly free run, the pages unmapped together
 * get consecutive slots and page_launder writes them in one request (a
 * fragmented area gave 2-7 pages per write).  Half in use at least, so the
 * file stays within twice the slots in use (plus a step).  swap_lock held.
 */
static bool may_grow_for_cluster(const struct swap_area *a)
{
	const struct swap_info_struct *si = &a->si;

	return !(si->flags & SWP_BLKDEV) && si->max < si->max_limit &&
	       si->inuse_pages >= si->max / 2;
}

/* A slot of area @a, growing it if needed; swap_lock held. */
static int area_get_slot(struct swap_area *a, unsigned long *offset)
{
	bool want_run = false;
	int err;

	if (!(a->si.flags & SWP_WRITEOK))
		return -ENOSPC;
	if (!area_free_slots(a)) {
		err = grow_swap_file(a);
		if (err)
			return err;
	}
	*offset = scan_swap_map(&a->si, may_grow_for_cluster(a) ? &want_run : NULL);
	if (*offset || !want_run)
		return *offset ? 0 : -ENOSPC;
	grow_swap_file(a);	/* failing, the scattered slots do */
	*offset = scan_swap_map(&a->si, NULL);
	return *offset ? 0 : -ENOSPC;
}

int get_swap_page(swp_entry_t *entry)
{
	int err = -ENOSPC;

	if (!entry)
		return -EINVAL;
	pthread_mutex_lock(&swap_lock);
	for (int pos = 0; pos < nr_swap_list; pos++) {
		int type = swap_list[pos];
		unsigned long offset;
		int ret = area_get_slot(&swap_areas[type], &offset);

		if (ret == 0) {
			*entry = swp_entry(type, offset);
			swap_list_rotate(pos);
			pthread_mutex_unlock(&swap_lock);
			return 0;
		}
		if (ret != -ENOSPC)
			err = ret;	/* an I/O error growing it: try the others */
	}
	pthread_mutex_unlock(&swap_lock);
	return err;
}

/* ---- slot counts ---------------------------------------------------- */

int swap_duplicate(swp_entry_t entry)
{
	struct swap_area *a;
	unsigned long offset;
	int err = -EINVAL;

	pthread_mutex_lock(&swap_lock);
	a = entry_area(entry, &offset);
	if (a && map_count(a->si.swap_map[offset])) {
		err = -EOVERFLOW;
		if (map_count(a->si.swap_map[offset]) < SWAP_MAP_MAX) {
			a->si.swap_map[offset]++;
			err = 0;
		}
	}
	pthread_mutex_unlock(&swap_lock);
	return err;
}

/* The last user of slot @offset is gone (2.4's swap_entry_free); swap_lock held. */
static void slot_released(struct swap_area *a, unsigned long offset)
{
	struct swap_info_struct *si = &a->si;

	si->inuse_pages--;
	if (map_bad(si->swap_map[offset])) {
		a->nr_bad++;		/* stays SWAP_MAP_BAD: never handed out again */
		return;
	}
	if (offset < si->lowest_bit)
		si->lowest_bit = offset;
	if (offset > si->highest_bit)
		si->highest_bit = offset;
}

int swap_free(swp_entry_t entry)
{
	struct swap_area *a;
	unsigned long offset;
	int err = -EINVAL;

	pthread_mutex_lock(&swap_lock);
	a = entry_area(entry, &offset);
	if (a && map_count(a->si.swap_map[offset])) {
		a->si.swap_map[offset]--;
		if (!map_count(a->si.swap_map[offset])) {
			/* Before the slot can be handed out again (zswap.h). */
			zswap_invalidate(entry);
			if (a->si.aops && a->si.aops->free_slot)
				a->si.aops->free_slot(&a->si, offset);
			slot_released(a, offset);
		}
		err = 0;
	}
	pthread_mutex_unlock(&swap_lock);
	return err;
}

int swap_count(swp_entry_t entry)
{
	struct swap_area *a;
	unsigned long offset;
	int count = 0;

	pthread_mutex_lock(&swap_lock);
	a = entry_area(entry, &offset);
	if (a)
		count = map_count(a->si.swap_map[offset]);
	pthread_mutex_unlock(&swap_lock);
	return count;
}

void swap_mark_bad(swp_entry_t entry)
{
	struct swap_area *a;
	unsigned long offset;
	unsigned short *map;

	pthread_mutex_lock(&swap_lock);
	a = entry_area(entry, &offset);
	if (a && !map_bad(a->si.swap_map[offset])) {
		map = &a->si.swap_map[offset];
		if (!map_count(*map))
			a->nr_bad++;	/* was free: no longer allocatable */
		*map |= SWAP_MAP_BAD;
	}
	pthread_mutex_unlock(&swap_lock);
}

unsigned long nr_used_swap_pages(void)
{
	unsigned long nr = 0;

	pthread_mutex_lock(&swap_lock);
	for (int pos = 0; pos < nr_swap_list; pos++)
		nr += swap_areas[swap_list[pos]].si.inuse_pages;
	pthread_mutex_unlock(&swap_lock);
	return nr;
}

unsigned long nr_free_swap_pages(void)
{
	unsigned long nr = 0;

	pthread_mutex_lock(&swap_lock);
	for (int pos = 0; pos < nr_swap_list; pos++) {
		const struct swap_area *a = &swap_areas[swap_list[pos]];

		if (a->si.flags & SWP_WRITEOK)
			nr += area_free_slots(a);
	}
	pthread_mutex_unlock(&swap_lock);
	return nr;
}

void swap_freeze_all(void)
{
	pthread_mutex_lock(&swap_lock);
	for (int pos = 0; pos < nr_swap_list; pos++)
		swap_areas[swap_list[pos]].si.flags &= ~SWP_WRITEOK;
	pthread_mutex_unlock(&swap_lock);
}

const char *swap_area_name(void)
{
	const char *name = "?";

	pthread_mutex_lock(&swap_lock);
	for (int pos = nr_swap_list - 1; pos >= 0; pos--) {
		const struct swap_info_struct *si = &swap_areas[swap_list[pos]].si;

		if ((si->flags & SWP_WRITEOK) || name[0] == '?')
			name = si->path;
	}
	pthread_mutex_unlock(&swap_lock);
	return name;
}

/* ---- for I/O --------------------------------------------------------- */

struct swap_info_struct *swap_info_get(swp_entry_t first, unsigned long nr)
{
	struct swap_area *a;
	unsigned long offset;

	pthread_mutex_lock(&swap_lock);
	a = entry_area(first, &offset);
	if (a && nr > a->si.max - offset)
		a = NULL;
	pthread_mutex_unlock(&swap_lock);
	return a ? &a->si : NULL;
}
