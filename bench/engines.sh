#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What one fault costs under each engine, and under the kernel alone
# (first touch only: its swap needs a swap area and a memory cgroup):
# bench/fault_cost's first touch, swap-cache hit and swap-in with one and
# four threads, ROUNDS times (default 3), the engines alternating, then
# the median of each figure.  The figures UPAGE_ENGINE=auto rests on
# (README, "Engines").
#
# usage: bench/engines.sh [ROUNDS] [ENGINES...]   (run from the build tree)
set -eu
: "${top_builddir:=$(pwd)}"
UPAGE="$top_builddir/daemon/upage"
FC="$top_builddir/bench/fault_cost"
[ -x "$FC" ] || { echo "no $FC: run make first, from the build tree" >&2; exit 2; }
rounds=${1:-3}
[ $# -gt 0 ] && shift
engines=${*:-uffd uffd-sigbus sigsegv}
out=$(mktemp "${TMPDIR:-/tmp}/upage-bench.XXXXXX")
trap 'rm -f "$out"' EXIT

for r in $(seq 1 "$rounds"); do
	for e in $engines; do
		for run in "512M touch 25000" "48M cachehit 14000 40000" "32M swapin 40000 1" \
			"32M swapin 40000 4"; do
			set -- $run
			cap=$1
			shift
			echo "$e $("$UPAGE" run --engine "$e" --max-rss "$cap" -- "$FC" "$@" 2>/dev/null)" >>"$out"
		done
	done
	echo "kernel $("$FC" touch 25000)" >>"$out"
done
python3 - "$out" <<'PY'
import collections, statistics, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) < 3:
        continue
    eng, kind, kv = f[0], f[1], dict(x.split('=') for x in f[2:] if '=' in x)
    if kind == 'touch':
        d[(eng, 'first touch p50 (us)')].append(float(kv['p50_us']))
    elif kind == 'cachehit':
        d[(eng, 'swap-cache hit p50 (us)')].append(float(kv['hit_p50_us']))
        d[(eng, 'swap-in p50 (us)')].append(float(kv['swapin_p50_us']))
    elif kind == 'swapin':
        d[(eng, 'swap-in, %s thread(s) (pages/s)' % kv['threads'])].append(float(kv['pages_per_s']))
for (eng, what), v in sorted(d.items()):
    print('%-12s %-34s %10.2f   (%d runs)' % (eng, what, statistics.median(v), len(v)))
PY
