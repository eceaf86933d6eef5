#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mremap(MREMAP_MAYMOVE | MREMAP_FIXED) of paged-out heap memory onto
# addresses the program reserved itself (in the arena and outside it),
# shrinking, MREMAP_DONTUNMAP and the kernel's refusals: the same
# transcript as the kernel's own, run without upage.
. "${top_srcdir:-.}/tests/integration/lib.sh"

"$PROGS/mremapfix" >"$WORK/native.txt" || fail "mremapfix fails natively: $(cat "$WORK/native.txt")"
upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/mremapfix" >"$WORK/upage.txt" ||
	fail "mremap MREMAP_FIXED of paged-out memory differs from the kernel's"
diff -u "$WORK/native.txt" "$WORK/upage.txt" || fail "the transcript differs from the kernel's"
echo "ok: $(wc -l <"$WORK/upage.txt") cases as the kernel gives them"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"
