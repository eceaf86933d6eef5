#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Children made by the clone system call itself (syscall(SYS_clone),
# syscall(SYS_fork), syscall(SYS_clone3), glibc's clone() with a stack in
# the heap), which run no fork handlers, while the heap is paged out: the
# child sees the parent's memory as at the call and its writes stay its
# own, the same transcript as the kernel's, run without upage; and a
# clone upage cannot support (CLONE_FILES without CLONE_VM) fails with
# EINVAL and one message.
. "${top_srcdir:-.}/tests/integration/lib.sh"

"$PROGS/rawclone" >"$WORK/native.txt" || fail "rawclone fails natively: $(cat "$WORK/native.txt")"
upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/rawclone" >"$WORK/upage.txt" ||
	fail "a child made by a raw clone saw other memory than the kernel gives it"
diff -u "$WORK/native.txt" "$WORK/upage.txt" || fail "the transcript differs from the kernel's"
echo "ok: $(wc -l <"$WORK/upage.txt") kinds of clone as the kernel gives them"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"

upage_run "$WORK/f.json" --max-rss 8M -- "$PROGS/rawclone" files >"$WORK/files.txt" \
	2>"$WORK/files.err" || fail "rawclone files failed: $(cat "$WORK/files.err")"
grep -qx 'files: failed: Invalid argument' "$WORK/files.txt" ||
	fail "CLONE_FILES without CLONE_VM was not refused: $(cat "$WORK/files.txt")"
[ "$(grep -c 'CLONE_FILES without CLONE_VM' "$WORK/files.err")" = 1 ] ||
	fail "no single message for the refused clone: $(cat "$WORK/files.err")"
echo "ok: CLONE_FILES without CLONE_VM refused with EINVAL and one message"
