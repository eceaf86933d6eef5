#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# redis-server under upage forks for BGSAVE: the child writes the dump
# from memory that is mostly paged out.  The dump, loaded by a redis
# without upage, must hold exactly the data set the paged server holds.
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
	skip "redis-server / redis-cli not installed (Debian redis-server, redis-tools)"

SOCK="$WORK/redis.sock"
cli() { redis-cli -s "$SOCK" "$@"; }
start_redis() {
	"$@" --port 0 --unixsocket "$SOCK" --dir "$WORK" --dbfilename dump.rdb \
		--save '' --appendonly no --enable-debug-command yes --daemonize no \
		--logfile "$WORK/redis.log" &
	REDIS=$!
	i=0
	# Up, and done loading any dump (until then it answers LOADING).
	until cli info persistence 2>/dev/null | grep -q '^loading:0'; do
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 600 ] || fail "redis did not start: $(tail -5 "$WORK/redis.log")"
	done
}
stop_redis() {
	cli shutdown nosave >/dev/null 2>&1 || true
	wait $REDIS 2>/dev/null || true
}

# About 35 MiB of values under a 16 MiB cap.
N=50000
start_redis "$UPAGE" run --engine "$ENGINE" --max-rss 16M --report "$WORK/r.json" -- redis-server
cli debug populate $N key 600 >/dev/null
want=$(cli debug digest)
cli bgsave >/dev/null
i=0
while cli info persistence | grep -q 'rdb_bgsave_in_progress:1'; do
	sleep 0.2
	i=$((i + 1))
	[ $i -lt 600 ] || fail "BGSAVE did not finish"
done
cli info persistence | grep -q 'rdb_last_bgsave_status:ok' ||
	fail "BGSAVE failed: $(tail -5 "$WORK/redis.log")"
[ "$(cli debug digest)" = "$want" ] || fail "the paged server's data changed during BGSAVE"
stop_redis
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_outs'] > 10000" "the server was paged"

# Load the dump without upage and compare, value by value.
start_redis redis-server
got=$(cli debug digest)
keys=$(cli dbsize)
python3 - "$SOCK" "$N" <<'PY' || bad=1
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile('rb')
for k in range(int(sys.argv[2])):
    s.sendall(b"*2\r\n$3\r\nGET\r\n$%d\r\nkey:%d\r\n" % (len(b"key:%d" % k), k))
bad = []
for k in range(int(sys.argv[2])):
    line = f.readline()
    v = f.read(int(line[1:]) + 2)[:-2] if line[:1] == b'$' else None
    want = b"value:%d" % k
    want += b"\0" * (600 - len(want))
    if v != want:
        bad.append((k, v[:16] if v else v))
if bad:
    print("bad values: %d, first %s" % (len(bad), bad[:4]), file=sys.stderr)
    sys.exit(1)
PY
stop_redis
[ -z "${bad:-}" ] || fail "the dump holds wrong values"
[ "$keys" = "$N" ] || fail "the dump holds $keys keys, expected $N"
[ "$got" = "$want" ] || fail "the dump's digest $got differs from the server's $want"
echo "ok: BGSAVE of a paged redis restored with the same digest ($want)"
