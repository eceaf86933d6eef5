#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/pagebench, the workload program compare-kernel times, at tiny
# sizes: without upage and under upage with a cap a quarter of its
# working set, every pattern verifies every page intact and prints one
# well-formed JSON line whose figures agree with what was asked.
. "${top_srcdir:-.}/tests/integration/lib.sh"

PB="$top_builddir/bench/pagebench"
[ -x "$PB" ] || fail "$PB is not built"

# check_json FILE PAGES ACCESSES : the line's shape and its figures.
check_json() {
	python3 - "$1" "$2" "$3" <<'PY' || fail "pagebench's JSON: $(cat "$1")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, "one line, got %d" % len(lines)
r = json.loads(lines[0])
for k in ("workload", "working_set_bytes", "threads", "seconds", "accesses", "p50_ns",
          "p99_ns", "p999_ns", "verified_pages", "ok"):
    assert k in r, "no %s" % k
pages, accesses = int(sys.argv[2]), int(sys.argv[3])
assert r["ok"] is True and r["bad_pages"] == 0, "not ok"
assert r["pages"] == pages and r["verified_pages"] == pages, "verified %d of %d pages" % (r["verified_pages"], pages)
assert r["working_set_bytes"] == pages * 4096
assert r["accesses"] == accesses, "accesses %d, expected %d" % (r["accesses"], accesses)
assert r["seconds"] > 0 and r["setup_seconds"] >= 0 and r["verify_seconds"] > 0
if r["sample_every"] == 1:
    assert r["timed_accesses"] == accesses, "every access timed"
assert 0 < r["p50_ns"] <= r["p90_ns"] <= r["p99_ns"] <= r["p999_ns"] <= r["max_ns"] * 1.07, "percentiles in order"
PY
}

# Each: name, arguments, pages, accesses (16 MiB = 4096 pages).
cases='seq|-w seq -s 16M -p 2|4096|8192
random|-w random -s 16M -n 20000|4096|20000
skewed|-w skewed --hot 90 --cold 10 -s 16M -n 20000|4096|20000
zipf-ro|-w zipf --ro -s 16M -n 20000|4096|20000
touch|-w touch -s 16M|4096|4096
shared-2t|-w random -t 2 --shared -s 16M -n 20000|4096|20000
disjoint-3t|-w seq -t 3 -s 16M -p 1 --sample 4|4096|4096'

echo "$cases" | while IFS='|' read -r name args pages accesses; do
	# shellcheck disable=SC2086
	"$PB" $args >"$WORK/$name.native" || fail "$name without upage: exit $?"
	check_json "$WORK/$name.native" "$pages" "$accesses"
	echo "ok: $name without upage"
	# shellcheck disable=SC2086
	upage_run "$WORK/$name.json" --max-rss 4M -- "$PB" $args >"$WORK/$name.upage" ||
		fail "$name under upage: exit $?"
	check_json "$WORK/$name.upage" "$pages" "$accesses"
	expect_capped "$WORK/$name.json"
	expect "$WORK/$name.json" "r['swap_ins'] > 1000" "$name: pages went out and came back"
done
