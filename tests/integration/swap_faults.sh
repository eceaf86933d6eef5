#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The swap area's faults lose nothing silently: a block device works as an
# area; a full area and an I/O error end the program with SIGBUS after one
# message naming the area (never a zero page in place of data); kill -9
# leaves no swap file; a planted symlink is refused.  Needs root (loop devices, mounts).
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root for loop devices and mounts"
command -v losetup >/dev/null || skip "losetup missing (util-linux)"

LOOP=
cleanup() {
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	mountpoint -q "$WORK/small" 2>/dev/null && umount "$WORK/small"
	rm -rf "$WORK"
}
trap cleanup EXIT

# A block device as the swap area.
truncate -s 128M "$WORK/disk.img"
LOOP=$(losetup -f --show "$WORK/disk.img") || skip "no free loop device"
upage_run "$WORK/dev.json" --max-rss 16M --swap "$LOOP" -- "$PROGS/rwcheck" 64 2 ||
	fail "rwcheck on a block device swap area"
expect "$WORK/dev.json" "r['swap_ins'] > 4096" "a block device served as the swap area"

# fork with a block device: the device is the parent's alone (O_EXCL); the
# child pages to a private file in $TMPDIR, and nothing is lost.
mkdir "$WORK/childtmp"
TMPDIR="$WORK/childtmp" upage_run "$WORK/devfork.json" --max-rss 16M --swap "$LOOP" -- \
	"$PROGS/forkcheck" 48 2>"$WORK/devfork.err" || fail "fork with a block device area: $(cat "$WORK/devfork.err")"
expect "$WORK/devfork.json" "r['swap_ins'] > 4096" "the parent paged on the device around the fork"
[ -z "$(ls -A "$WORK/childtmp")" ] || fail "the child left a swap file: $(ls -A "$WORK/childtmp")"
echo "ok: a forked child of a block-device user pages to a private file"

# An I/O error: the device's backing file is cut short between the write
# and the read-back, and the loop device told its new size, so every read
# and write is refused (a file cut short alone is no I/O error: the loop
# device reads its holes as zeros, and a write-back grows it again).  The
# program must die with a message, not read zeros.
rm -f "$WORK/go" "$WORK/go.ready"
set +e
RWCHECK_PAUSE="$WORK/go" "$UPAGE" run --engine "$ENGINE" --max-rss 16M --swap "$LOOP" -- \
	"$PROGS/rwcheck" 64 1 >"$WORK/io.out" 2>"$WORK/io.err" &
pid=$!
i=0
while [ ! -e "$WORK/go.ready" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
# kswapd may still be writing back what the program wrote: a write that
# lands between the truncate and losetup -c grows the file again, and the
# slots below it then read as holes (zeros), with no I/O error to report.
# So wait until its write-back has stopped (swap_outs unchanged for 0.3 s).
prev=-1
i=0
while [ $i -lt 100 ]; do
	now=$("$UPAGE" stat --json "$pid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["swap_outs"])') ||
		fail "upage stat $pid failed"
	[ "$now" = "$prev" ] && break
	prev=$now
	sleep 0.3
	i=$((i + 1))
done
truncate -s 0 "$WORK/disk.img"
losetup -c "$LOOP"
touch "$WORK/go"
wait $pid
status=$?
set -e
[ $status -ne 0 ] || fail "an I/O error went unnoticed: $(cat "$WORK/io.out")"
grep -q "intact" "$WORK/io.out" && fail "rwcheck claimed success after an I/O error"
[ $status -eq 135 ] || fail "an I/O error should kill with SIGBUS (status 135), got $status"
[ "$(grep -c '^upage:' "$WORK/io.err")" -eq 1 ] ||
	fail "an I/O error should give exactly one message: $(cat "$WORK/io.err")"
grep -q "I/O error on swap area $LOOP" "$WORK/io.err" ||
	fail "the message does not name the swap area: $(cat "$WORK/io.err")"
echo "ok: an I/O error on $LOOP killed the program with: $(head -1 "$WORK/io.err")"
losetup -d "$LOOP"
LOOP=

# A full area: an 8 MiB tmpfs for 64 MiB of data under a 16 MiB cap.
mkdir "$WORK/small"
mount -t tmpfs -o size=8m tmpfs "$WORK/small" || skip "cannot mount a tmpfs"
set +e
"$UPAGE" run --engine "$ENGINE" --max-rss 16M --swap "$WORK/small" -- "$PROGS/rwcheck" 64 1 \
	>"$WORK/full.out" 2>"$WORK/full.err"
status=$?
set -e
[ $status -ne 0 ] || fail "a full swap area went unnoticed"
[ $status -eq 135 ] || fail "a full swap area should end with SIGBUS (status 135), got $status"
# (Besides the notice that the area is on tmpfs, which is RAM.)
[ "$(grep '^upage:' "$WORK/full.err" | grep -vc 'which is RAM')" -eq 1 ] ||
	fail "a full swap area should give exactly one message: $(cat "$WORK/full.err")"
grep -q "out of swap space on $WORK/small" "$WORK/full.err" ||
	fail "the message does not name the full area: $(cat "$WORK/full.err")"
echo "ok: a full swap area stopped the program with: $(head -1 "$WORK/full.err")"
# kswapd is a task of upage's own, outside the program's thread group
# (lib/untraced.c): it dies of the program's death a moment after `upage
# run` returns, and holds the (unlinked) swap file open until then.
tries=0
until umount "$WORK/small" 2>/dev/null; do
	tries=$((tries + 1))
	[ $tries -lt 50 ] || fail "the full area's tmpfs was still busy 5 s after the program died"
	sleep 0.1
done

# kill -9 leaves no swap file behind.
mkdir "$WORK/swapdir"
"$UPAGE" run --engine "$ENGINE" --max-rss 8M --swap "$WORK/swapdir" -- "$PROGS/rwcheck" 256 4 \
	>/dev/null 2>&1 &
pid=$!
sleep 2
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
[ -z "$(ls -A "$WORK/swapdir")" ] || fail "kill -9 left swap files: $(ls -A "$WORK/swapdir")"
echo "ok: kill -9 left nothing in the swap directory"

# A symlink planted where the swap file would go is refused, its target
# untouched, and the program runs without upage.
ln -s "$WORK/target" "$WORK/planted"
out=$(UPAGE_SWAP="$WORK/planted" LD_PRELOAD="$top_builddir/lib/.libs/libupage.so" \
	sh -c 'echo ran' 2>"$WORK/sym.err")
[ "$out" = ran ] || fail "the program did not run after a refused swap path"
grep -q UPAGE_SWAP "$WORK/sym.err" || fail "no message naming UPAGE_SWAP: $(cat "$WORK/sym.err")"
[ ! -e "$WORK/target" ] || fail "the symlink's target was created"
echo "ok: a planted symlink was refused: $(cat "$WORK/sym.err")"
