#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Page-in latency from the compressed tier against the swap area:
# bench/fault_cost pagein (random reads over 48M of text, which
# compresses about 4:1, under a 16M cap), ROUNDS times (default 3), with
# no pool, an 8M lz4 pool and an 8M zstd pool, alternating; then the
# median over the rounds of each run's p50 and p99, by what served the
# page-in.  With a pool, the pages it could not hold still come from the
# area, so one run gives both figures.  The swap area is in $TMPDIR (it
# must be a disk, not tmpfs, for the area's figures to mean anything).
#
# usage: bench/zswap.sh [ROUNDS] [ENGINE]   (run from the build tree)
set -eu
: "${top_builddir:=$(pwd)}"
UPAGE="$top_builddir/daemon/upage"
FC="$top_builddir/bench/fault_cost"
[ -x "$FC" ] || { echo "no $FC: run make first, from the build tree" >&2; exit 2; }
rounds=${1:-3}
engine=${2:-uffd-sigbus}
out=$(mktemp "${TMPDIR:-/tmp}/upage-bench.XXXXXX")
trap 'rm -f "$out"' EXIT

for r in $(seq 1 "$rounds"); do
	for z in "none 0 lz4" "lz4 8M lz4" "zstd 8M zstd"; do
		set -- $z
		echo "$1 $("$UPAGE" run --engine "$engine" --max-rss 16M --zswap "$2" \
			--zswap-compressor "$3" -- "$FC" pagein 12288 20000)" >>"$out"
	done
done
python3 - "$out" "$engine" <<'PY'
import collections, statistics, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    pool, kv = f[0], dict(x.split('=') for x in f[2:] if '=' in x)
    for tier in ('zswap', 'disk'):
        if int(kv[tier]) > 0:
            for q in ('p50', 'p99'):
                d[(pool, tier, q)].append(float(kv['%s_%s_us' % (tier, q)]))
            d[(pool, tier, 'count')].append(float(kv[tier]))
print('engine %s; page-ins by what served them, medians over the rounds' % sys.argv[2])
print('%-6s %-6s %10s %10s %10s' % ('pool', 'from', 'p50 (us)', 'p99 (us)', 'page-ins'))
for pool in ('none', 'lz4', 'zstd'):
    for tier in ('zswap', 'disk'):
        if (pool, tier, 'p50') in d:
            m = lambda q: statistics.median(d[(pool, tier, q)])
            print('%-6s %-6s %10.2f %10.2f %10.0f' % (pool, tier, m('p50'), m('p99'), m('count')))
PY
