// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_swapfile.c - swap areas: allocation (last slot, priorities, round
 * robin, clustering, growth), slot counts, page I/O, and how the area's
 * file is made (private, 0600, never an existing file or symlink).
 *
 * Every test gets a fresh temporary directory under /tmp (removed by the
 * fixture) and leaves no area behind (swapoff_all).  What must hold on a
 * disk (O_DIRECT keeping pages out of memory) is tested in a directory on
 * a disk-backed file system, whatever /tmp is; what needs a file system
 * of a kind (ramfs, tmpfs) mounts one in a private mount namespace.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "page_io.h"
#include "swapfile.h"
#include "sys.h"

static char dir[] = "/tmp/upage-test-swapfile-XXXXXX";

#include "swap_area.h"

static void remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir), "expected mkdtemp to make a test directory");
}

static void teardown(void)
{
	swapoff_all();
	umount2(dir, MNT_DETACH);	/* only the mounting tests mount: EINVAL elsewhere */
	remove_dir();
}

TestSuite(swapfile, .init = setup, .fini = teardown);

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(d, "expected to open %s", path);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n == 0;
}

Test(swapfile, last_slot_then_enospc)
{
	swp_entry_t e;
	int type = file_area(0, 8);

	for (unsigned long want = 1; want <= 7; want++) {
		e = get_slot();
		cr_assert_eq(swp_type(e), (unsigned int)type, "expected slots from the only area");
		cr_assert_eq(swp_offset(e), want,
			     "expected slot %lu (slot 0 is never used), got %lu", want,
			     swp_offset(e));
	}
	cr_assert_eq(get_swap_page(&e), -ENOSPC, "expected -ENOSPC after the 7 usable slots");
	cr_assert_eq(nr_free_swap_pages(), 0UL, "expected no free slot left");
}

Test(swapfile, no_area_is_enospc)
{
	swp_entry_t e;

	cr_assert_eq(get_swap_page(&e), -ENOSPC, "expected -ENOSPC with no swap area");
}

Test(swapfile, higher_priority_first)
{
	int low = file_area(1, 64);
	int high = file_area(5, 64);

	for (int i = 0; i < 10; i++)
		cr_assert_eq(swp_type(get_slot()), (unsigned int)high,
			     "expected every slot from the priority 5 area, not %d", low);
}

Test(swapfile, full_high_priority_falls_back_to_lower)
{
	int low = file_area(1, 64);
	int high = file_area(5, 4);	/* 3 usable slots */

	for (int i = 0; i < 3; i++)
		cr_assert_eq(swp_type(get_slot()), (unsigned int)high,
			     "expected the first 3 slots from the high priority area");
	for (int i = 0; i < 5; i++)
		cr_assert_eq(swp_type(get_slot()), (unsigned int)low,
			     "expected the lower priority area once the higher one is full");
}

Test(swapfile, freed_high_priority_slot_is_preferred_again)
{
	int low = file_area(1, 64);
	int high = file_area(5, 4);
	swp_entry_t e[3];

	for (int i = 0; i < 3; i++)
		e[i] = get_slot();
	cr_assert_eq(swp_type(get_slot()), (unsigned int)low, "expected the fallback area");
	cr_assert_eq(swap_free(e[1]), 0, "expected swap_free to succeed");
	cr_assert_eq(swp_type(get_slot()), (unsigned int)high,
		     "expected the high priority area again once it has room");
}

Test(swapfile, round_robin_among_equal_priorities)
{
	int a = file_area(3, 64);
	int b = file_area(3, 64);
	int c = file_area(3, 64);
	int want[] = { a, b, c, a, b, c, a };

	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		unsigned int got = swp_type(get_slot());

		cr_assert_eq(got, (unsigned int)want[i],
			     "expected allocation %u from area %d, got %u", i, want[i], got);
	}
}

Test(swapfile, round_robin_skips_full_area)
{
	int a = file_area(3, 2);	/* 1 usable slot */
	int b = file_area(3, 64);

	cr_assert_eq(swp_type(get_slot()), (unsigned int)a, "expected the first slot from a");
	for (int i = 0; i < 4; i++)
		cr_assert_eq(swp_type(get_slot()), (unsigned int)b,
			     "expected b to serve every allocation once a is full");
}

Test(swapfile, clustering_gives_consecutive_offsets)
{
	unsigned long prev;

	file_area(0, 1024);
	prev = swp_offset(get_slot());
	for (int i = 0; i < 300; i++) {
		unsigned long off = swp_offset(get_slot());

		cr_assert_eq(off, prev + 1, "expected slot %lu after %lu, got %lu", prev + 1, prev,
			     off);
		prev = off;
	}
}

/*
 * Slots 1-256 are the first cluster, 257-512 the second.  With 1-300 taken
 * and 1-256 freed, the second cluster is finished (301-512) before a new
 * one starts at the first wholly free run, slot 1.
 */
Test(swapfile, cluster_finishes_before_reusing_free_run)
{
	swp_entry_t e[300];
	unsigned long off;

	file_area(0, 1024);
	for (int i = 0; i < 300; i++)
		e[i] = get_slot();
	for (int i = 0; i < SWAPFILE_CLUSTER; i++)
		swap_free(e[i]);
	for (unsigned long want = 301; want <= 2 * SWAPFILE_CLUSTER; want++) {
		off = swp_offset(get_slot());
		cr_assert_eq(off, want, "expected the current cluster to go on at %lu, got %lu",
			     want, off);
	}
	off = swp_offset(get_slot());
	cr_assert_eq(off, 1UL, "expected a new cluster at the free run from slot 1, got %lu", off);
}

Test(swapfile, cluster_goes_on_past_small_holes)
{
	swp_entry_t e[10];

	file_area(0, 1024);
	for (int i = 0; i < 10; i++)
		e[i] = get_slot();
	swap_free(e[2]);
	swap_free(e[4]);
	cr_assert_eq(swp_offset(get_slot()), 11UL,
		     "expected the cluster to go on at slot 11, not first-fit into a hole");
}

/*
 * A file at least half in use whose free slots are scattered: a new
 * cluster grows the file for a wholly free run instead of starting among
 * the holes, so that pages unmapped together get consecutive slots.
 */
Test(swapfile, fragmented_file_grows_for_a_free_cluster)
{
	struct swap_info_struct *si = swap_info(file_area(0, 0));
	unsigned long n, first_max, prev, off;
	swp_entry_t *e;

	/* Fifteen whole clusters (slots 1-3840) of the first step, then a
	 * hole every fourth slot: three quarters in use. */
	n = 15 * SWAPFILE_CLUSTER;
	e = calloc(n, sizeof(*e));
	cr_assert_not_null(e);
	for (unsigned long i = 0; i < n; i++)
		e[i] = get_slot();
	first_max = si->max;
	cr_assert_gt(first_max, n + SWAPFILE_CLUSTER - 1, "expected one step of %lu slots", n);
	for (unsigned long i = 0; i < n; i += 4)
		swap_free(e[i]);
	cr_assert_geq(si->inuse_pages, si->max / 2, "expected the file half in use");
	prev = swp_offset(get_slot());
	cr_assert_gt(si->max, first_max, "expected the file grown for a free cluster");
	cr_assert_gt(prev, n, "expected the new cluster past the holes, got slot %lu", prev);
	for (int i = 0; i < 40; i++) {
		off = swp_offset(get_slot());
		cr_assert_eq(off, prev + 1, "expected slot %lu after %lu, got %lu", prev + 1, prev,
			     off);
		prev = off;
	}
	free(e);
}

/* Less than half in use, the free slots are used rather than the file grown. */
Test(swapfile, mostly_free_file_reuses_its_holes)
{
	struct swap_info_struct *si = swap_info(file_area(0, 0));
	unsigned long n, first_max;
	swp_entry_t *e;

	n = 15 * SWAPFILE_CLUSTER;
	e = calloc(n, sizeof(*e));
	cr_assert_not_null(e);
	for (unsigned long i = 0; i < n; i++)
		e[i] = get_slot();
	first_max = si->max;
	for (unsigned long i = 0; i < n; i++)
		if (i % 4)
			swap_free(e[i]);
	/* More than the free run left at the end of the step (slots 3841-4095). */
	for (int i = 0; i < 2 * SWAPFILE_CLUSTER; i++)
		get_slot();
	cr_assert_eq(si->max, first_max, "expected no growth with three quarters free");
	free(e);
}

Test(swapfile, freed_slot_is_reused)
{
	swp_entry_t e[7], again;

	file_area(0, 8);
	for (int i = 0; i < 7; i++)
		e[i] = get_slot();
	cr_assert_eq(swap_free(e[3]), 0, "expected swap_free of a used slot to succeed");
	cr_assert_eq(swap_count(e[3]), 0, "expected the freed slot's count to be 0");
	again = get_slot();
	cr_assert_eq(again.val, e[3].val, "expected the one freed slot (offset %lu), got %lu",
		     swp_offset(e[3]), swp_offset(again));
}

#define NR_THREADS	4
#define PER_THREAD	255

static void *allocate_many(void *arg)
{
	swp_entry_t *out = arg;

	for (int i = 0; i < PER_THREAD; i++)
		if (get_swap_page(&out[i]) < 0)
			out[i].val = 0;
	return NULL;
}

Test(swapfile, concurrent_allocations_are_distinct)
{
	static swp_entry_t got[NR_THREADS][PER_THREAD];
	static bool seen[1024];
	pthread_t t[NR_THREADS];
	int type = file_area(0, 1024);

	for (int i = 0; i < NR_THREADS; i++)
		pthread_create(&t[i], NULL, allocate_many, got[i]);
	for (int i = 0; i < NR_THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NR_THREADS; i++) {
		for (int j = 0; j < PER_THREAD; j++) {
			unsigned long off = swp_offset(got[i][j]);

			cr_assert_neq(got[i][j].val, 0U, "expected thread %d to get slot %d", i, j);
			cr_assert_not(seen[off], "expected slot %lu handed out once", off);
			seen[off] = true;
		}
	}
	cr_assert_eq(swap_info(type)->inuse_pages, (unsigned long)NR_THREADS * PER_THREAD,
		     "expected every slot counted once");
}

Test(swapfile, duplicate_needs_two_frees)
{
	swp_entry_t e, other;

	file_area(0, 2);	/* one usable slot */
	e = get_slot();
	cr_assert_eq(swap_duplicate(e), 0, "expected swap_duplicate of a used slot to succeed");
	cr_assert_eq(swap_count(e), 2, "expected a count of 2 after swap_duplicate");
	cr_assert_eq(swap_free(e), 0, "expected the first swap_free to succeed");
	cr_assert_eq(swap_count(e), 1, "expected one user left");
	cr_assert_eq(get_swap_page(&other), -ENOSPC, "expected the slot still taken");
	cr_assert_eq(swap_free(e), 0, "expected the second swap_free to succeed");
	cr_assert_eq(get_swap_page(&other), 0, "expected the slot free after two frees");
	cr_assert_eq(other.val, e.val, "expected the same slot back");
}

Test(swapfile, free_or_duplicate_of_free_slot_is_einval)
{
	swp_entry_t e;

	file_area(0, 8);
	e = get_slot();
	swap_free(e);
	cr_assert_eq(swap_free(e), -EINVAL, "expected -EINVAL freeing a free slot");
	cr_assert_eq(swap_duplicate(e), -EINVAL, "expected -EINVAL duplicating a free slot");
	cr_assert_eq(swap_free(swp_entry(0, 0)), -EINVAL, "expected -EINVAL for slot 0");
	cr_assert_eq(swap_free(swp_entry(9, 1)), -EINVAL, "expected -EINVAL for an unused type");
	cr_assert_eq(swap_free(swp_entry(0, 8)), -EINVAL, "expected -EINVAL past the area's end");
}

Test(swapfile, duplicate_overflows_at_swap_map_max)
{
	swp_entry_t e;

	file_area(0, 8);
	e = get_slot();
	for (int i = 1; i < SWAP_MAP_MAX; i++)
		cr_assert_eq(swap_duplicate(e), 0, "expected duplicate %d to succeed", i);
	cr_assert_eq(swap_count(e), SWAP_MAP_MAX, "expected the count at SWAP_MAP_MAX");
	cr_assert_eq(swap_duplicate(e), -EOVERFLOW, "expected -EOVERFLOW past SWAP_MAP_MAX");
	cr_assert_eq(swap_count(e), SWAP_MAP_MAX, "expected the count unchanged");
}

Test(swapfile, bad_slot_is_never_reused)
{
	swp_entry_t e[7], other;

	file_area(0, 8);
	for (int i = 0; i < 7; i++)
		e[i] = get_slot();
	swap_mark_bad(e[2]);
	cr_assert_eq(swap_count(e[2]), 1, "expected a bad slot to keep its count");
	cr_assert_eq(swap_free(e[2]), 0, "expected its user to free it");
	cr_assert_eq(get_swap_page(&other), -ENOSPC, "expected the bad slot not handed out");
	cr_assert_eq(nr_free_swap_pages(), 0UL, "expected a bad slot not counted as free");
	swap_free(e[5]);
	cr_assert_eq(nr_free_swap_pages(), 1UL, "expected the good freed slot counted");
	cr_assert_eq(get_slot().val, e[5].val, "expected the good slot, not the bad one");
}

Test(swapfile, nr_free_swap_pages_counts_all_areas)
{
	file_area(0, 8);	/* 7 usable */
	file_area(1, 4);	/* 3 usable */
	get_slot();		/* the first one grows the priority 1 area: 3 slots */
	cr_assert_eq(nr_free_swap_pages(), 2UL,
		     "expected 2 free slots (the other area has not grown yet)");
	for (int i = 0; i < 3; i++)
		get_slot();	/* 2 more from prio 1, then the prio 0 area grows to 7 */
	cr_assert_eq(nr_free_swap_pages(), 6UL, "expected 0 + 6 free slots");
}

Test(swapfile, file_grows_past_first_step)
{
	struct swap_info_struct *si;
	unsigned long first_max, n = 16UL << 20 >> PAGE_SHIFT;
	struct stat st;
	int type = file_area(0, 0);

	si = swap_info(type);
	cr_assert_not_null(si, "expected swap_info of a new area");
	cr_assert_eq(si->max, 0UL, "expected a new file area to start with no slots");
	get_slot();
	first_max = si->max;
	cr_assert_gt(first_max, 1UL, "expected the first allocation to grow the file");
	for (unsigned long i = 1; i < n + 10; i++)
		get_slot();
	cr_assert_gt(si->max, first_max, "expected a second growth past %lu slots", first_max);
	cr_assert_eq(si->inuse_pages, n + 10, "expected every slot counted in use");
	cr_assert_eq(fstat(si->fd, &st), 0, "expected fstat of the area's file");
	cr_assert_eq((unsigned long)st.st_size, si->max * PAGE_SIZE,
		     "expected the file to span exactly max slots");
}

/* Pattern @n of 5: zeros, ones, 0xa5, a byte ramp, a non-periodic mix. */

Test(swapfile, area_file_is_private_0600)
{
	struct swap_info_struct *si;
	struct stat st;
	int type = file_area(0, 8);

	get_slot();
	si = swap_info(type);
	cr_assert_eq(fstat(si->fd, &st), 0, "expected fstat of the area");
	cr_assert_eq(st.st_mode & 07777, 0600, "expected mode 0600, got %o", st.st_mode & 07777);
	cr_assert_eq(st.st_nlink, 0, "expected no name for the file (O_TMPFILE or unlinked)");
	cr_assert(S_ISREG(st.st_mode), "expected a regular file");
	cr_assert(dir_is_empty(dir), "expected nothing visible in %s", dir);
}

Test(swapfile, new_path_is_created_then_unlinked)
{
	struct swap_info_struct *si;
	char path[PATH_MAX];
	struct stat st;
	int type;

	snprintf(path, sizeof(path), "%s/swap", dir);
	type = swapon(path, 0, 8 * PAGE_SIZE);
	cr_assert_geq(type, 0, "expected swapon of a new path to succeed, got %d", type);
	cr_assert_eq(lstat(path, &st), -1, "expected %s unlinked at once", path);
	cr_assert_eq(errno, ENOENT, "expected ENOENT for the unlinked path");
	si = swap_info(type);
	cr_assert_eq(fstat(si->fd, &st), 0, "expected the area's file still open");
	cr_assert_eq(st.st_mode & 07777, 0600, "expected mode 0600, got %o", st.st_mode & 07777);
	cr_assert_eq(st.st_nlink, 0, "expected the file to have no name left");
	cr_assert_str_eq(si->path, path, "expected the area to remember its path");
}

Test(swapfile, existing_file_refused_and_untouched)
{
	char path[PATH_MAX], back[16] = { 0 };
	struct stat before, after;
	int fd;

	snprintf(path, sizeof(path), "%s/precious", dir);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
	cr_assert_geq(fd, 0, "expected to create %s", path);
	cr_assert_eq(write(fd, "keep me", 7), 7, "expected to write the file");
	close(fd);
	stat(path, &before);

	cr_assert_eq(swapon(path, 0, 0), -EEXIST, "expected -EEXIST for an existing file");
	cr_assert_eq(stat(path, &after), 0, "expected the file still there");
	cr_assert_eq(after.st_size, 7, "expected its size unchanged");
	cr_assert_eq(after.st_mode, before.st_mode, "expected its mode unchanged");
	fd = open(path, O_RDONLY);
	cr_assert_eq(read(fd, back, sizeof(back)), 7, "expected to read it back");
	close(fd);
	cr_assert_str_eq(back, "keep me", "expected its contents unchanged");
	cr_assert_eq(nr_swapfiles(), 0, "expected no area added");
}

Test(swapfile, symlink_refused_and_not_followed)
{
	char link[PATH_MAX], target[PATH_MAX], dirlink[PATH_MAX];
	struct stat st;

	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(dirlink, sizeof(dirlink), "%s/dirlink", dir);
	cr_assert_eq(symlink(target, link), 0, "expected to make a dangling symlink");
	cr_assert_eq(symlink(dir, dirlink), 0, "expected to make a symlink to a directory");

	cr_assert_eq(swapon(link, 0, 0), -EEXIST, "expected -EEXIST for a dangling symlink");
	cr_assert_eq(lstat(target, &st), -1, "expected the symlink not followed (no target made)");
	cr_assert_eq(lstat(link, &st), 0, "expected the symlink left in place");
	cr_assert(S_ISLNK(st.st_mode), "expected it still a symlink");
	cr_assert_eq(swapon(dirlink, 0, 0), -EEXIST, "expected -EEXIST for a symlink to a dir");
	cr_assert_eq(nr_swapfiles(), 0, "expected no area added");
}

Test(swapfile, too_small_cap_is_einval)
{
	cr_assert_eq(swapon(dir, 0, PAGE_SIZE), -EINVAL,
		     "expected -EINVAL for a cap of one page (slot 0 only)");
	cr_assert(dir_is_empty(dir), "expected nothing left behind");
}

Test(swapfile, table_full_is_enospc)
{
	for (int i = 0; i < MAX_SWAPFILES; i++)
		cr_assert_eq(swapon(dir, 0, 8 * PAGE_SIZE), i, "expected area %d to get type %d", i,
			     i);
	cr_assert_eq(swapon(dir, 0, 8 * PAGE_SIZE), -ENOSPC,
		     "expected -ENOSPC with MAX_SWAPFILES areas in use");
	cr_assert_eq(nr_swapfiles(), MAX_SWAPFILES, "expected MAX_SWAPFILES areas");
}

Test(swapfile, swapoff_all_forgets_every_area)
{
	swp_entry_t e;
	int type = file_area(0, 8);

	e = get_slot();
	swapoff_all();
	cr_assert_eq(nr_swapfiles(), 0, "expected no area after swapoff_all");
	cr_assert_null(swap_info(type), "expected swap_info NULL after swapoff_all");
	cr_assert_eq(swap_count(e), 0, "expected the old entry to be invalid");
	cr_assert_eq(get_swap_page(&e), -ENOSPC, "expected nothing to allocate from");
	cr_assert_eq(file_area(0, 8), 0, "expected type 0 free again");
}

/* Attach a 1 MiB file of the test directory to a free loop device. */
static int attach_loop(char *dev, size_t len, int *backing)
{
	struct loop_config cfg;
	int ctl, nr, fd;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/backing", dir);
	*backing = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (*backing < 0 || ftruncate(*backing, 1 << 20) < 0)
		return -1;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -1;
	nr = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (nr < 0)
		return -1;
	snprintf(dev, len, "/dev/loop%d", nr);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned int)*backing;
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;	/* detached when the last fd closes */
	if (ioctl(fd, LOOP_CONFIGURE, &cfg) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

Test(swapfile, block_device_has_fixed_size)
{
	struct swap_info_struct *si;
	char dev[64], *buf, *back;
	int backing = -1, loop, type;
	swp_entry_t e;

	loop = attach_loop(dev, sizeof(dev), &backing);
	if (loop < 0)
		cr_skip_test("no loop device to test with (not root?)");
	type = swapon(dev, 0, 4 * PAGE_SIZE);
	cr_assert_geq(type, 0, "expected swapon(%s) to succeed, got %d", dev, type);
	si = swap_info(type);
	cr_assert_eq(si->flags & (SWP_BLKDEV | SWP_DIRECT), SWP_BLKDEV | SWP_DIRECT,
		     "expected a block device opened O_DIRECT");
	cr_assert_eq(si->max, 256UL, "expected 1 MiB / 4 KiB = 256 slots, the cap ignored");
	cr_assert_eq(si->max_limit, si->max, "expected a device not to grow");

	buf = page_buf();
	back = page_buf();
	e = get_slot();
	memset(buf, 0x3c, PAGE_SIZE);
	cr_assert_eq(swap_writepage(e, buf), 0, "expected a write to the device");
	cr_assert_eq(swap_readpage(e, back), 0, "expected a read from the device");
	cr_assert_eq(memcmp(buf, back, PAGE_SIZE), 0, "expected the page back from the device");
	for (int i = 1; i < 255; i++)
		get_slot();
	cr_assert_eq(get_swap_page(&e), -ENOSPC, "expected -ENOSPC after 255 device slots");

	swapoff_all();
	close(loop);
	close(backing);
	sys_free_pages(buf, PAGE_SIZE);
	sys_free_pages(back, PAGE_SIZE);
}

/*
 * Mount a file system of type @fstype on the test directory, in a private
 * mount namespace of this test's own process, so nothing is seen outside
 * it.  The mounts above the directory are made private first (or the new
 * mount would propagate to the namespace we came from): the nearest mount
 * point above it, which in a chroot is not "/", the chroot's root not
 * being a mount point.  Returns NULL, or why it cannot be done.
 */
static const char *private_mount(const char *fstype)
{
	char up[PATH_MAX];
	char *slash;

	if (unshare(CLONE_NEWNS) < 0)
		return "unshare(CLONE_NEWNS) failed: not root?";
	snprintf(up, sizeof(up), "%s", dir);
	for (;;) {
		if (mount(NULL, up[0] ? up : "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
			break;
		if (errno != EINVAL || !up[0])
			return "no mount point above the test directory can be made private";
		slash = strrchr(up, '/');
		*slash = '\0';		/* "/tmp/x" -> "/tmp" -> "" (the root) */
	}
	if (mount(fstype, dir, fstype, 0, "mode=0700") < 0)
		return "mount failed";
	return NULL;
}

Test(swapfile, ram_backed_file_systems_are_named)
{
	const char *why;
	char path[PATH_MAX];

	cr_assert_null(swap_ram_backed("/proc"), "expected /proc not to be called RAM-backed");
	why = private_mount("tmpfs");
	if (why)
		cr_skip_test("cannot mount a tmpfs here: %s", why);
	cr_assert_str_eq(swap_ram_backed(dir), "tmpfs", "expected %s to be tmpfs", dir);
	snprintf(path, sizeof(path), "%s/not-yet", dir);
	cr_assert_str_eq(swap_ram_backed(path), "tmpfs",
			 "expected a new path to be judged by its directory");
}

/*
 * ramfs refuses O_DIRECT: the area falls back to buffered I/O (and drops
 * what it writes from the page cache).
 */
Test(swapfile, buffered_fallback_without_o_direct)
{
	struct swap_info_struct *si;
	char *buf, *back;
	const char *why;
	swp_entry_t e;
	int type;

	why = private_mount("ramfs");
	if (why)
		cr_skip_test("cannot mount a ramfs here: %s", why);
	cr_assert_str_eq(swap_ram_backed(dir), "ramfs", "expected %s to be ramfs", dir);
	type = file_area(0, 64);
	si = swap_info(type);
	cr_assert_eq(si->flags & SWP_DIRECT, 0U, "expected ramfs to refuse O_DIRECT");

	buf = page_buf();
	back = page_buf();
	e = get_slot();
	memset(buf, 0xc3, PAGE_SIZE);
	cr_assert_eq(swap_writepage(e, buf), 0, "expected a buffered write");
	cr_assert_eq(swap_readpage(e, back), 0, "expected a buffered read");
	cr_assert_eq(memcmp(buf, back, PAGE_SIZE), 0, "expected the page back");
	cr_assert(dir_is_empty(dir), "expected the private file not visible");
	sys_free_pages(buf, PAGE_SIZE);
	sys_free_pages(back, PAGE_SIZE);
}
