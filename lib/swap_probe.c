// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swap_probe.c - what an existing swap area already holds, before upage
 * writes over it.
 *
 * `upage run --swap /dev/loop0` on a device that holds a file system
 * would destroy it without a word.  The kernel's swapon demands a swap
 * signature; upage looks with libblkid (the library behind blkid(8) and
 * wipefs(8)), which knows the signatures of file systems, RAID and LVM
 * members, partition tables, hibernation images and swap:
 *  - nothing found: the area is used;
 *  - a swap signature (mkswap): used, its header page left intact (it is
 *    slot 0, which upage never hands out);
 *  - anything else: refused with its name, unless the user said
 *    UPAGE_SWAP_FORCE=1 (`upage run --swap-force`).
 *
 * libblkid reads through a descriptor of its own without O_DIRECT (the
 * area's has it, and libblkid's buffers are not aligned for it), reopened
 * through /proc/self/fd so that it is the same device or file.  Called at
 * start-up, outside every lock; libblkid allocates with malloc, which is
 * jemalloc outside the arena at that point.
 */
#include "autoconfig.h"

#include "swapfile.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* What libblkid found, as a phrase ("an ext4 file system"). */
static void describe(blkid_probe pr, char *what, size_t len)
{
	const char *type = NULL, *usage = NULL;

	if (blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) == 0) {
		snprintf(what, len, "a %s partition table", type);
		return;
	}
	if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) != 0)
		type = "unknown";
	if (blkid_probe_lookup_value(pr, "USAGE", &usage, NULL) != 0)
		usage = "";
	if (strcmp(usage, "filesystem") == 0)
		snprintf(what, len, "an %s file system", type);
	else if (strcmp(usage, "raid") == 0)
		snprintf(what, len, "a %s RAID or volume member", type);
	else if (strcmp(usage, "crypto") == 0)
		snprintf(what, len, "a %s encrypted volume", type);
	else
		snprintf(what, len, "a %s signature", type);
	/* "an" only before a vowel sound: ext4, xfs, LVM2_member... */
	if (what[1] == 'n' && !strchr("aeiouxAEIOUX", type[0]))
		memmove(what + 1, what + 2, strlen(what + 2) + 1);
}

int swap_probe(int fd, char *what, size_t len)
{
	char path[64];
	blkid_probe pr;
	int pfd, rc, ret;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	pfd = open(path, O_RDONLY | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	pr = blkid_new_probe();
	if (!pr) {
		close(pfd);
		return -ENOMEM;
	}
	ret = -EIO;
	if (blkid_probe_set_device(pr, pfd, 0, 0) != 0)
		goto out;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE);
	blkid_probe_enable_partitions(pr, 1);
	rc = blkid_do_safeprobe(pr);
	if (rc == 1) {
		ret = SWAP_PROBE_EMPTY;
	} else if (rc == -2) {
		snprintf(what, len, "more than one signature");
		ret = SWAP_PROBE_OTHER;
	} else if (rc == 0) {
		const char *type = NULL;

		if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0 &&
		    strcmp(type, "swap") == 0) {
			ret = SWAP_PROBE_SWAP;
		} else {
			describe(pr, what, len);
			ret = SWAP_PROBE_OTHER;
		}
	}
out:
	blkid_free_probe(pr);
	close(pfd);
	return ret;
}
