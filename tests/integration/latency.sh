#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The report's latency histograms: every kind is there with its
# percentiles and buckets, each count equals its counter (no_page,
# swap_page, minor and wp_page their faults, io_read swap_ins, evict and
# io_write swap_outs), also with sixteen threads faulting at once; the
# timeline follows the run under the cap; --summary prints the table and
# the swap-in histogram on stderr.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# check_latency REPORT: the shape, and the counts against the counters.
check_latency() {
	python3 - "$1" <<'PY' || fail "latency_ns of $1 (report: $(head -c 2000 "$1"))"
import json, sys
r = json.load(open(sys.argv[1]))
lat = r["latency_ns"]
counter = {
    "no_page": r["faults"]["no_page"], "swap_page": r["faults"]["swap_page"],
    "minor": r["faults"]["minor"], "wp_page": r["faults"]["wp_page"],
    "evict": r["swap_outs"], "io_read": r["swap_ins"] - r["zswap"]["hits"] - r["remote"]["reads"],
    "io_write": r["swap_outs"], "zswap_load": r["zswap"]["hits"],
    "remote_read": r["remote"]["reads"],
}
assert sorted(lat) == sorted(counter), "kinds: %s" % sorted(lat)
for kind, h in lat.items():
    keys = ["count", "mean", "p50", "p90", "p99", "p999", "max", "buckets"]
    assert sorted(h) == sorted(keys), "%s has %s" % (kind, sorted(h))
    assert h["count"] == counter[kind], "%s: count %d, counter %d" % (kind, h["count"], counter[kind])
    assert sum(b[2] for b in h["buckets"]) == h["count"], "%s: buckets do not add up" % kind
    assert all(lo < hi and n > 0 for lo, hi, n in h["buckets"]), "%s: a bad bucket" % kind
    assert h["p50"] <= h["p90"] <= h["p99"] <= h["p999"] <= h["max"], "%s: percentiles out of order" % kind
    if h["count"]:
        lo = h["buckets"][0][0]
        assert lo <= h["p50"] and lo <= h["mean"] <= h["max"], "%s: mean or p50 outside the buckets" % kind
        assert h["max"] < h["buckets"][-1][1], "%s: max above the top bucket" % kind
    print("ok: %-9s count %7d = its counter, p50 %8.1f us, p99 %8.1f us, max %9.1f us"
          % (kind, h["count"], h["p50"] / 1e3, h["p99"] / 1e3, h["max"] / 1e3))
PY
}

# One thread, paging hard: the swap-in kinds all measured.  Four passes
# over 64 MiB under a 16 MiB cap: 64k pages read back, so even when every
# swap-in reads 32 pages ahead there are 2k of them (with two passes there
# were 1024 at best, and CI once saw fewer than 1000).
upage_run "$WORK/r.json" --max-rss 16M --summary -- "$PROGS/rwcheck" 64 4 \
	>"$WORK/out" 2>"$WORK/err" || fail "rwcheck lost data: $(cat "$WORK/err")"
expect_capped "$WORK/r.json"
check_latency "$WORK/r.json"
for k in no_page swap_page evict io_read io_write; do
	expect "$WORK/r.json" "r['latency_ns']['$k']['count'] > 1000" "$k was measured"
done
# Every read is made inside a swap-in, so the longest swap-in took at least
# the longest read.  Not their p50s: io_read counts each page of a run read
# ahead at the read's time and a swap-in counts once, so with runs of 32
# pages the pages' p50 can lie above the swap-ins'.
expect "$WORK/r.json" "r['latency_ns']['swap_page']['max'] >= r['latency_ns']['io_read']['max']" \
	"the longest swap-in takes at least the longest read"

# The timeline: samples every 100 ms or so, the resident set under the cap.
expect "$WORK/r.json" "len(r['timeline']['samples']) >= 3" "the timeline has samples"
expect "$WORK/r.json" "all(a['t_ms'] < b['t_ms'] for a, b in zip(r['timeline']['samples'], r['timeline']['samples'][1:]))" \
	"the timeline's times increase"
expect "$WORK/r.json" "all(s['resident_bytes'] <= r['max_rss_bytes'] for s in r['timeline']['samples'])" \
	"the timeline's resident set stays under the cap"
expect "$WORK/r.json" "sum(s['swap_ins_per_s'] for s in r['timeline']['samples']) > 0" \
	"the timeline saw swap-ins"
expect "$WORK/r.json" "r['lists']['active'] + r['lists']['inactive_dirty'] + r['lists']['inactive_clean'] + r['lists']['free'] > 0" \
	"the zone's lists were sampled"
# rwcheck frees its buffer before it exits: a last sample after that finds
# no swap in use, rightly.
expect "$WORK/r.json" "r['swap_used_bytes'] > 0 or (r['pages_dropped'] > 0 and r['resident_bytes'] < 4 << 20)" \
	"the swap used was sampled (or the program had freed it all by the last sample)"

# --summary: the table and the biolatency-style histogram, on stderr.
grep -q "^kind  *count  *p50 us  *p99 us  *p99.9 us  *max us" "$WORK/err" ||
	fail "no latency table on stderr: $(cat "$WORK/err")"
for k in no_page swap_page minor wp_page evict io_read io_write; do
	grep -q "^$k " "$WORK/err" || fail "no $k row in the summary: $(cat "$WORK/err")"
done
grep -q "usecs  *: count  *distribution" "$WORK/err" || fail "no swap-in histogram: $(cat "$WORK/err")"
grep -q -- "-> .*: [0-9]* *|\*\{40\}|" "$WORK/err" || fail "no full bar in the histogram: $(cat "$WORK/err")"
grep -q "summary\|usecs" "$WORK/out" && fail "the summary went to stdout"
echo "ok: --summary printed the table and the histogram on stderr"

# Sixteen threads on shared pages: write-protect and minor faults, counts
# still equal to the counters.
upage_run "$WORK/mt.json" --max-rss 4M -- "$PROGS/samepage" 16 16 10000 ||
	fail "samepage lost an increment or a write"
check_latency "$WORK/mt.json"
expect "$WORK/mt.json" "r['latency_ns']['wp_page']['count'] > 1000" "wp_page was measured"

# --no-latency (UPAGE_LATENCY=0): no histograms, latency_ns null, the
# counters still counted.
upage_run "$WORK/off.json" --max-rss 8M --no-latency --summary -- "$PROGS/rwcheck" 16 1 \
	>/dev/null 2>"$WORK/off.err" || fail "rwcheck with --no-latency"
expect "$WORK/off.json" "r['latency_ns'] is None" "latency_ns is null when not measured"
expect "$WORK/off.json" "r['faults']['no_page'] + r['pages_faulted_around'] >= 4096 and r['swap_ins'] > 0" "the counters still count"
grep -q "latency not measured (UPAGE_LATENCY=0)" "$WORK/off.err" ||
	fail "the summary should say latency was not measured: $(cat "$WORK/off.err")"

# Without --summary nothing is printed.
upage_run "$WORK/q.json" --max-rss 8M -- "$PROGS/rwcheck" 16 1 >/dev/null 2>"$WORK/quiet" ||
	fail "rwcheck without --summary"
[ ! -s "$WORK/quiet" ] || fail "output on stderr without --summary: $(cat "$WORK/quiet")"
echo "ok: no summary unless asked"
