#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# upage stat against a running program: the counters and percentiles now,
# --json, -i/-c lines with a header and rates of their own interval; and
# one clear line with exit status 1 for a pid that does not exist, a
# process not under upage and another user's, exit status 2 for bad usage.
. "${top_srcdir:-.}/tests/integration/lib.sh"

PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# A program that pages for a while: writes 64 MiB under a 16 MiB cap,
# waits (RWCHECK_PAUSE) while we look, then reads it back 40 times.
RWCHECK_PAUSE="$WORK/go" "$UPAGE" run --engine "$ENGINE" --max-rss 16M -- \
	"$PROGS/rwcheck" 64 40 >"$WORK/rw.out" 2>&1 &
PID=$!
i=0
while [ ! -e "$WORK/go.ready" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$WORK/go.ready" ] || fail "rwcheck did not get to its pause"

# Now: the counters and a latency table.
"$UPAGE" stat "$PID" >"$WORK/now" || fail "upage stat $PID: $(cat "$WORK/now")"
cat "$WORK/now"
grep -q "^pid $PID, engine $ENGINE: resident .* of 16.0 MiB" "$WORK/now" || fail "no header line"
grep -q "^faults: no_page [0-9]*," "$WORK/now" || fail "no faults line"
# The 64 MiB written: first-touch faults and the zero pages mapped around
# them, less those kswapd took back still zero before the program got to
# them (faultaround_unused: each is touched again, and counted twice).
"$UPAGE" stat --json "$PID" | python3 -c '
import json, sys
r = json.load(sys.stdin)
n = r["faults"]["no_page"] + r["pages_faulted_around"] - r["faultaround_unused"]
sys.exit(0 if 16384 <= n < 17000 else 1)' || fail "no_page and pages_faulted_around, less faultaround_unused, should count the 64 MiB written"
grep -q "^lists (pages): active [0-9]*, inactive_dirty [0-9]*, inactive_clean [0-9]*, free [0-9]*" \
	"$WORK/now" || fail "no list lengths"
for k in no_page swap_page minor wp_page evict io_read io_write; do
	grep -q "^$k  *[0-9]" "$WORK/now" || fail "no latency row for $k"
done
echo "ok: upage stat PID printed the counters and the latency table"

"$UPAGE" stat --json "$PID" >"$WORK/now.json" || fail "upage stat --json $PID"
expect "$WORK/now.json" "r['pid'] == $PID and r['faults']['no_page'] + r['pages_faulted_around'] >= 16000" "--json is the report's object"
expect "$WORK/now.json" "r['latency_ns']['no_page']['count'] == r['faults']['no_page']" \
	"--json has latency_ns, counts matching"

# Intervals, while it reads back: three lines, their own rates.
touch "$WORK/go"
"$UPAGE" stat -i 0.5 -c 3 "$PID" >"$WORK/iv" || fail "upage stat -i 0.5 -c 3 $PID"
cat "$WORK/iv"
[ "$(wc -l <"$WORK/iv")" -eq 5 ] || fail "two header lines and three lines expected"
sed -n 1p "$WORK/iv" | grep -q -- "- memory MiB -.*- faults/s -.*- pages/s -.*- swap-in us -" ||
	fail "no group header"
sed -n 2p "$WORK/iv" | grep -q "resident  *cap  *active  *i_dirty  *i_clean  *free  *swap  *no_page  *swap_page  *minor  *wp_page  *in  *out  *p50  *p99" ||
	fail "no column header"
# No first touch in the read-back: no_page/s is 0 in every interval line,
# though the run's no_page count is in the thousands.
awk 'NR > 2 && $8 != 0 { exit 1 }' "$WORK/iv" || fail "no_page/s should be of the interval, not since start"
awk 'NR > 2 && $9 > 0 && $12 > 0 { n++ } END { exit n ? 0 : 1 }' "$WORK/iv" ||
	fail "no interval saw swap-ins"
echo "ok: -i/-c printed a header and three lines of interval rates"

"$UPAGE" stat --json -i 0.3 -c 2 "$PID" >"$WORK/iv.json" || fail "upage stat --json -i 0.3 -c 2"
[ "$(wc -l <"$WORK/iv.json")" -eq 2 ] || fail "two JSON lines expected: $(cat "$WORK/iv.json")"
python3 - "$WORK/iv.json" <<'PY' || fail "the --json lines: $(cat "$WORK/iv.json")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
for o in lines:
    for k in ("t_s", "interval_s", "pid", "resident_bytes", "max_rss_bytes", "active_pages",
              "inactive_dirty_pages", "inactive_clean_pages", "free_pages", "swap_used_bytes",
              "faults_per_s", "swap_ins_per_s", "swap_outs_per_s", "swap_ins",
              "swap_in_p50_ns", "swap_in_p99_ns"):
        assert k in o, "no %s in %s" % (k, o)
    assert sorted(o["faults_per_s"]) == ["minor", "no_page", "swap_page", "wp_page"]
    assert o["faults_per_s"]["no_page"] == 0
    assert o["swap_in_p50_ns"] is None or o["swap_in_p50_ns"] <= o["swap_in_p99_ns"]
assert lines[0]["t_s"] < lines[1]["t_s"]
assert any(o["swap_ins"] > 0 for o in lines)
print("ok: --json -i printed one object per line")
PY

# The errors: one line naming the pid, status 1.
check_error() {
	what=$1 pid=$2
	shift 2
	set +e
	"$@" "$UPAGE" stat "$pid" >"$WORK/e.out" 2>"$WORK/e.err"
	status=$?
	set -e
	[ $status -eq 1 ] || fail "$what: exit status $status, expected 1"
	[ "$(wc -l <"$WORK/e.err")" -eq 1 ] || fail "$what: not one line: $(cat "$WORK/e.err")"
	grep -q "$pid" "$WORK/e.err" || fail "$what: the message does not name $pid"
	echo "ok: $what: $(cat "$WORK/e.err")"
}
pid_max=$(cat /proc/sys/kernel/pid_max)
check_error "a pid that does not exist" $((pid_max + 1))
grep -q "no process" "$WORK/e.err" || fail "a missing pid should say so"
sleep 30 &
other=$!
check_error "a process not under upage" $other
grep -q "not running under upage" "$WORK/e.err" || fail "a process without upage should say so"
kill $other
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
	setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$UPAGE"; then
	check_error "another user's process" "$PID" setpriv --reuid=nobody --regid=nogroup --clear-groups
	grep -q "another user" "$WORK/e.err" || fail "another user's process should say so"
else
	echo "note: not root (or nobody cannot reach $UPAGE): another user's process not tried"
fi

# Usage errors: status 2.
for args in "" "abc" "-i 0 $PID" "-i x $PID" "-c 3 $PID" "-i 1 -c 0 $PID" "$PID $PID" "--bogus $PID"; do
	set +e
	# shellcheck disable=SC2086
	"$UPAGE" stat $args >/dev/null 2>"$WORK/u.err"
	status=$?
	set -e
	[ $status -eq 2 ] || fail "upage stat $args: exit status $status, expected 2"
done
echo "ok: usage errors exit with status 2"

kill "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
PID=
