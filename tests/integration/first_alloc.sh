#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A program's very first allocations (made before anything else in main,
# after the constructors of the libraries loaded before upage, libstdc++'s
# among them, started jemalloc) are paged like the rest: after the heap is
# pushed out under an 8 MiB cap, at most a quarter of their pages are
# resident (natively all of them are), and their bytes read back.
. "${top_srcdir:-.}/tests/integration/lib.sh"

"$PROGS/firstalloc" >"$WORK/native.txt" || fail "firstalloc fails natively"
echo "natively: $(cat "$WORK/native.txt")"
upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/firstalloc" paged >"$WORK/upage.txt" ||
	fail "the first allocations are not paged (or read back wrong): $(cat "$WORK/upage.txt")"
echo "ok: under upage: $(cat "$WORK/upage.txt")"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"
