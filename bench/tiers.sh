#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The three places a page can go, measured in one run: the swap area on
# the disk, the compressed tier (an lz4 pool in front of it) and a pool of
# three memcached servers on 127.0.0.1 (started here with -M, killed at
# exit).  For each, ROUNDS times (default 3), alternating:
#   - page-in latency: bench/fault_cost pagein (random reads over 48M of
#     text under a 16M cap), p50 and p99 of the page-ins the tier served;
#   - batched throughput: bench/fault_cost seqin (48M read in order under
#     the same cap: readahead, multi-gets for the pool), pages per second;
# then the medians over the rounds, and the bare memcached anchors
# (bench/mcget: one get, one set, multi-gets of 64 on one server; and
# gets of pages spread over the three servers, as placement puts them:
# the fair reference for a page-in, a get of one page from the pool as
# the client does it) on the same servers, the page-in p50 against both.
# The swap area is in $TMPDIR (a disk, not tmpfs).
#
# usage: bench/tiers.sh [ROUNDS] [ENGINE]   (run from the build tree)
set -eu
: "${top_builddir:=$(pwd)}"
UPAGE="$top_builddir/daemon/upage"
FC="$top_builddir/bench/fault_cost"
MCGET="$top_builddir/bench/mcget"
[ -x "$FC" ] && [ -x "$MCGET" ] || { echo "no $FC or $MCGET: run make first, from the build tree" >&2; exit 2; }
command -v memcached >/dev/null || { echo "memcached is not installed (Debian package memcached)" >&2; exit 2; }
rounds=${1:-3}
engine=${2:-uffd}
out=$(mktemp "${TMPDIR:-/tmp}/upage-bench.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	rm -f "$out"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

PORTS=$(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
set -- $PORTS
user=""
[ "$(id -u)" -eq 0 ] && user="-u nobody"
for port in "$@"; do
	# shellcheck disable=SC2086
	memcached -l 127.0.0.1 -p "$port" -U 0 -t 2 -M -m 256 $user &
	PIDS="$PIDS $!"
done
sleep 0.5
POOL="memcached:127.0.0.1:$1,127.0.0.1:$2,127.0.0.1:$3"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
	for t in "disk --zswap 0" "zswap --zswap 8M" "memcached --swap $POOL"; do
		set -- $t
		name=$1
		shift
		echo "$name $("$UPAGE" run --engine "$engine" --max-rss 16M "$@" -- "$FC" pagein 12288 20000)" >>"$out"
		echo "$name $("$UPAGE" run --engine "$engine" --max-rss 16M "$@" -- "$FC" seqin 12288)" >>"$out"
	done
	set -- $PORTS
	echo "bare $("$MCGET" 127.0.0.1 "$3" 5000 "$1" "$2")" >>"$out"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "$engine" "$rounds" <<'PY'
import collections, statistics, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    tier, kind = f[0], f[1]
    kv = dict(x.split('=') for x in f[2:] if '=' in x)
    if kind == 'pagein':
        src = 'zswap' if tier == 'zswap' else 'disk'
        d[(tier, 'p50')].append(float(kv[src + '_p50_us']))
        d[(tier, 'p99')].append(float(kv[src + '_p99_us']))
        d[(tier, 'n')].append(float(kv[src]))
    elif kind == 'seqin':
        d[(tier, 'tput')].append(float(kv['pages_per_s']))
    elif kind == 'bare':
        for k in ('get_p50_us', 'get_p99_us', 'set_p50_us', 'mget64_pages_per_s',
                  'spread_get_p50_us', 'spread_get_p99_us'):
            d[('bare', k)].append(float(kv[k]))
m = lambda k: statistics.median(d[k])
print('engine %s, medians of %s rounds' % (sys.argv[2], sys.argv[3]))
print('%-10s %12s %12s %10s %16s' % ('tier', 'p50 (us)', 'p99 (us)', 'page-ins', 'seq pages/s'))
for t in ('disk', 'zswap', 'memcached'):
    print('%-10s %12.1f %12.1f %10.0f %16.0f' % (t, m((t, 'p50')), m((t, 'p99')), m((t, 'n')), m((t, 'tput'))))
print('bare memcached: get p50 %.1f us, p99 %.1f us; set p50 %.1f us; multi-get of 64: %.0f pages/s'
      % (m(('bare', 'get_p50_us')), m(('bare', 'get_p99_us')), m(('bare', 'set_p50_us')),
         m(('bare', 'mget64_pages_per_s'))))
print('bare gets spread over the 3 servers: p50 %.1f us, p99 %.1f us'
      % (m(('bare', 'spread_get_p50_us')), m(('bare', 'spread_get_p99_us'))))
print('memcached page-in p50 / bare get p50: %.2f one server, %.2f spread over the pool; '
      'memcached / disk sequential throughput: %.2f'
      % (m(('memcached', 'p50')) / m(('bare', 'get_p50_us')),
         m(('memcached', 'p50')) / m(('bare', 'spread_get_p50_us')),
         m(('memcached', 'tput')) / m(('disk', 'tput'))))
PY
