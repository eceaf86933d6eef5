#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Swap never lands in RAM by default: with $TMPDIR on a RAM-backed file
# system (tmpfs, as /tmp is on Debian 13 and in most containers) the
# private swap file goes to /var/tmp instead, without a word; a swap area
# the user names on a RAM-backed file system is used, with one message
# saying it is RAM, from the process `upage run` started only.
. "${top_srcdir:-.}/tests/integration/lib.sh"

ram=/dev/shm
[ "$(stat -f -c %T "$ram" 2>/dev/null)" = tmpfs ] || skip "$ram is not a tmpfs here"
ramdir=$(mktemp -d "$ram/upage-test.XXXXXX")
trap 'rm -rf "$WORK" "$ramdir"' EXIT

# Where the swap file of a paged shell is: its descriptor's target, which
# for an unlinked private file reads "DIR/#INODE (deleted)" or
# "DIR/.upage-swap-... (deleted)" (memfds, "/memfd:NAME", have no DIR).
probe='ls -l /proc/$$/fd | sed -n "s/.*-> \(.*\)\/[^/]* (deleted)$/\1/p" | grep . | sort -u'

disk_fs=$(stat -f -c %T /var/tmp)
out=$(TMPDIR=$ramdir "$UPAGE" run --engine "$ENGINE" --max-rss 16M -- sh -c "$probe" 2>"$WORK/err") ||
	fail "a program with TMPDIR on tmpfs did not run: $(cat "$WORK/err")"
case $disk_fs in
tmpfs | ramfs)
	grep -q "no disk-backed directory for swap" "$WORK/err" ||
		fail "/var/tmp is $disk_fs too, but nothing said so: $(cat "$WORK/err")"
	echo "ok: /var/tmp is $disk_fs too: said so"
	;;
*)
	[ "$out" = /var/tmp ] || fail "TMPDIR on tmpfs: the swap file is in '$out', not /var/tmp"
	[ ! -s "$WORK/err" ] || fail "the default moved to /var/tmp with a message: $(cat "$WORK/err")"
	echo "ok: TMPDIR on tmpfs: the swap file went to /var/tmp ($disk_fs), quietly"
	;;
esac

# Named explicitly: used, and said once, even when the program executes
# other paged programs.
out=$("$UPAGE" run --engine "$ENGINE" --max-rss 16M --swap "$ramdir" -- \
	sh -c "$probe; sh -c true; sh -c true" 2>"$WORK/err") || fail "--swap on tmpfs did not run"
[ "$out" = "$ramdir" ] || fail "--swap $ramdir: the swap file is in '$out'"
[ "$(grep -c 'is on tmpfs, which is RAM' "$WORK/err")" = 1 ] ||
	fail "--swap on tmpfs: expected one message saying it is RAM, got: $(cat "$WORK/err")"
grep -q "UPAGE_SWAP" "$WORK/err" || fail "the message does not name UPAGE_SWAP: $(cat "$WORK/err")"
echo "ok: --swap on tmpfs: used, one message naming it RAM"

# A disk-backed directory named explicitly: no message.
case $disk_fs in tmpfs | ramfs) exit 0 ;; esac
diskdir=$(mktemp -d /var/tmp/upage-test.XXXXXX)
trap 'rm -rf "$WORK" "$ramdir" "$diskdir"' EXIT
"$UPAGE" run --engine "$ENGINE" --max-rss 16M --swap "$diskdir" -- true 2>"$WORK/err" ||
	fail "--swap on /var/tmp did not run"
[ ! -s "$WORK/err" ] || fail "--swap on $disk_fs printed: $(cat "$WORK/err")"
echo "ok: --swap on $disk_fs: no message"
