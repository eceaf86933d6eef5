#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A swap device or existing file is looked at before it is written: one
# holding a file system (ext4 on a loop device) is refused with a message
# naming it and left intact (e2fsck clean, its file readable); one with a
# swap signature (mkswap) is used and its header kept; an existing file is
# used only mkswap'd and private (0600), or with --swap-force.  Needs root
# (loop devices, mount).
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root for loop devices"
for tool in losetup mkfs.ext4 e2fsck mkswap blkid; do
	command -v $tool >/dev/null || skip "$tool is not installed"
done

LOOP=
cleanup() {
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	mountpoint -q "$WORK/mnt" 2>/dev/null && umount "$WORK/mnt"
	rm -rf "$WORK"
}
trap cleanup EXIT

truncate -s 96M "$WORK/disk.img"
LOOP=$(losetup -f --show "$WORK/disk.img") || skip "no free loop device"
mkfs.ext4 -q -F "$LOOP"
mkdir "$WORK/mnt"
if mount "$LOOP" "$WORK/mnt" 2>/dev/null; then
	echo precious >"$WORK/mnt/file"
	umount "$WORK/mnt"
	mounted=yes
fi

# ext4: refused, named; the program runs without upage; the file system is intact.
upage_run "$WORK/ext4.json" --max-rss 16M --swap "$LOOP" -- "$PROGS/rwcheck" 32 1 \
	>/dev/null 2>"$WORK/ext4.err" || fail "rwcheck with an ext4 device as swap failed"
grep -q "cannot use swap area $LOOP (UPAGE_SWAP): it holds an ext4 file system" "$WORK/ext4.err" ||
	fail "ext4 device: no message naming the file system: $(cat "$WORK/ext4.err")"
[ ! -e "$WORK/ext4.json" ] || fail "ext4 device: the program was paged on it"
e2fsck -fn "$LOOP" >"$WORK/fsck.out" 2>&1 || fail "e2fsck after the refusal: $(cat "$WORK/fsck.out")"
if [ -n "${mounted:-}" ]; then
	mount -o ro "$LOOP" "$WORK/mnt"
	[ "$(cat "$WORK/mnt/file")" = precious ] || fail "the file on the ext4 device changed"
	umount "$WORK/mnt"
fi
echo "ok: an ext4 device is refused ($(cat "$WORK/ext4.err")) and e2fsck finds it clean"

# mkswap'd: used, its header (slot 0) intact.
mkswap -L upagetest "$LOOP" >/dev/null 2>&1
uuid=$(blkid -p -o value -s UUID "$LOOP")
upage_run "$WORK/swap.json" --max-rss 16M --swap "$LOOP" -- "$PROGS/rwcheck" 64 1 >/dev/null ||
	fail "rwcheck on a mkswap'd device"
expect "$WORK/swap.json" "r['swap_ins'] > 4096" "a mkswap'd device is used as the swap area"
[ "$(blkid -p -o value -s TYPE "$LOOP")" = swap ] && [ "$(blkid -p -o value -s UUID "$LOOP")" = "$uuid" ] ||
	fail "the swap signature did not survive: $(blkid -p "$LOOP")"
echo "ok: the swap header survived (UUID $uuid)"

# An existing file: refused blank, refused when others may read it, used
# mkswap'd at 0600, used blank with --swap-force.
file="$WORK/swapfile"
dd if=/dev/zero of="$file" bs=1M count=128 status=none
chmod 600 "$file"
upage_run "$WORK/blank.json" --max-rss 16M --swap "$file" -- "$PROGS/rwcheck" 32 1 \
	>/dev/null 2>"$WORK/blank.err" || fail "rwcheck with a blank existing file"
grep -q "never overwritten unless it carries a swap signature" "$WORK/blank.err" ||
	fail "a blank existing file: no refusal: $(cat "$WORK/blank.err")"
mkswap "$file" >/dev/null 2>&1
chmod 644 "$file"
upage_run "$WORK/644.json" --max-rss 16M --swap "$file" -- "$PROGS/rwcheck" 32 1 \
	>/dev/null 2>"$WORK/644.err" || fail "rwcheck with a 0644 swap file"
grep -q "mode 0644" "$WORK/644.err" || fail "a 0644 swap file: no refusal: $(cat "$WORK/644.err")"
chmod 600 "$file"
upage_run "$WORK/file.json" --max-rss 16M --swap "$file" -- "$PROGS/forkcheck" 32 >/dev/null \
	2>"$WORK/file.err" || fail "forkcheck on a mkswap'd file"
# The program it spawns pages to a file of its own: the area is locked.
grep -q "cannot use swap area" "$WORK/file.err" &&
	fail "a program executed under a mkswap'd file was refused an area: $(cat "$WORK/file.err")"
expect "$WORK/file.json" "r['swap_ins'] > 1000" "a mkswap'd 0600 file is used (and a forked child pages elsewhere)"
[ "$(blkid -p -o value -s TYPE "$file")" = swap ] || fail "the swap file's header did not survive"
dd if=/dev/zero of="$file" bs=1M count=128 status=none
upage_run "$WORK/force.json" --max-rss 16M --swap "$file" --swap-force -- "$PROGS/rwcheck" 32 1 \
	>/dev/null || fail "rwcheck with --swap-force on a blank file"
expect "$WORK/force.json" "r['swap_ins'] > 1000" "--swap-force uses a blank existing file"
