#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel's own mappings placed MAP_FIXED over paged-out heap memory:
# a file over part of a mapping (mprotect, read(2) and write(2) on it,
# munmap, then an anonymous MAP_FIXED there), a shared file, and a memfd
# mapped twice into a reservation (a ring buffer, gone from
# /proc/self/maps after munmap): the same transcript as the kernel's own,
# run without upage.
. "${top_srcdir:-.}/tests/integration/lib.sh"

mkdir "$WORK/native" "$WORK/upage"
"$PROGS/foreignmap" "$WORK/native" >"$WORK/native.txt" ||
	fail "foreignmap fails natively: $(cat "$WORK/native.txt")"
upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/foreignmap" "$WORK/upage" >"$WORK/upage.txt" ||
	fail "a foreign mapping over paged-out memory behaves otherwise than the kernel's"
diff -u "$WORK/native.txt" "$WORK/upage.txt" || fail "the transcript differs from the kernel's"
echo "ok: $(wc -l <"$WORK/upage.txt") steps as the kernel gives them"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"
