#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pagebench's verification catches a damaged page: a flipped bit, a page
# of zeros (lost) and the page as it was before its last write (stale),
# each made by its test-only flag after the measured phase, with and
# without upage.  The exit status is 1, stderr names the page, and the
# JSON line says ok false with one bad page.
. "${top_srcdir:-.}/tests/integration/lib.sh"

PB="$top_builddir/bench/pagebench"
[ -x "$PB" ] || fail "$PB is not built"

# corrupt HOW PAGE WORD [upage] : expect that damage to be named.
corrupt() {
	how=$1 page=$2 word=$3
	shift 3
	status=0
	"$@" "$PB" -w seq -s 16M -p 2 --test-corrupt-page "$page:$how" >"$WORK/out" 2>"$WORK/err" ||
		status=$?
	[ "$status" = 1 ] || fail "$how: exit $status, expected 1 ($(cat "$WORK/err"))"
	grep -q "^pagebench: page $page (at .*) is wrong: word $word " "$WORK/err" ||
		fail "$how: stderr does not name page $page word $word: $(cat "$WORK/err")"
	[ "$(grep -c 'is wrong' "$WORK/err")" = 1 ] || fail "$how: other pages reported: $(cat "$WORK/err")"
	python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).read())
assert r["ok"] is False and r["bad_pages"] == 1 and r["verified_pages"] == r["pages"] - 1' "$WORK/out" ||
		fail "$how: JSON does not say one bad page: $(cat "$WORK/out")"
}

corrupt flip 1234 256
echo "ok: a flipped bit in page 1234 is named"
corrupt zero 7 0
grep -q 'a zero page: lost' "$WORK/err" || fail "zero: not called lost"
echo "ok: a zeroed page 7 is named, as lost"
corrupt stale 4095 0
grep -q 'an older version: stale' "$WORK/err" || fail "stale: not called stale"
echo "ok: page 4095 before its last write is named, as stale"
corrupt flip 2000 256 upage_run "$WORK/r.json" --max-rss 4M --
expect "$WORK/r.json" "r['swap_ins'] > 1000" "under upage, with the pages swapped"
echo "ok: under upage too"
