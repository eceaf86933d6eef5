#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A program whose working set does not fit the cap (random writes over
# 48 MiB under 8 MiB, for 40 s) is told once that it is thrashing, with
# the cap and, under the sigsegv engine (whose cap vm.max_map_count
# bounds), that limit; one whose working set fits (4 MiB) is told
# nothing.  Both read back what they wrote.  Run once, under sigsegv: the
# message takes 30 s to earn.
. "${top_srcdir:-.}/tests/integration/lib.sh"

ENGINE=sigsegv
upage_run "$WORK/t.json" --max-rss 8M -- "$PROGS/thrash" 48 40 2>"$WORK/t.err" &
big=$!
upage_run "$WORK/f.json" --max-rss 8M -- "$PROGS/thrash" 4 40 2>"$WORK/f.err" ||
	fail "the program that fits failed: $(cat "$WORK/f.err")"
wait $big || fail "the thrashing program failed: $(cat "$WORK/t.err")"
[ "$(grep -c 'the program is thrashing' "$WORK/t.err")" = 1 ] ||
	fail "thrashing, but not said once: $(cat "$WORK/t.err")"
grep -q 'vm.max_map_count=' "$WORK/t.err" || fail "the message names no vm.max_map_count: $(cat "$WORK/t.err")"
echo "ok: said once: $(cat "$WORK/t.err")"
[ ! -s "$WORK/f.err" ] || fail "a working set that fits was told: $(cat "$WORK/f.err")"
echo "ok: nothing said to the program whose working set fits"
expect "$WORK/t.json" "r['swap_ins'] > 10000" "the big one thrashed"
expect "$WORK/f.json" "r['swap_ins'] < 2000" "the small one did not"
