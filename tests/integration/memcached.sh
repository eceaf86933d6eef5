#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Remote memory on a memcached pool (--swap memcached:...): three real
# memcached servers on 127.0.0.1, started with -M, hold the pages of a
# verifying workload (zcheck: pages rewritten pass after pass) under a cap
# well below its data.  Mid-run one server is killed (SIGKILL); once its
# pages have been copied again elsewhere, another is stopped (SIGSTOP) and
# stays stopped to the end.  The program must finish with every page
# intact, no read may wait anywhere near libmemcached's own 5 s poll
# timeout (upage bounds each wait at a few milliseconds; the figures are
# bench/tiers.sh's), and the report must count what happened.  Then: a
# server that evicts (no -M) is named loudly and its lost copies are read
# from the others; a forked child reads and writes the pages its parent
# paged out; bad pools are refused with one message; libmemcached is
# loaded only when a pool is named.
. "${top_srcdir:-.}/tests/integration/lib.sh"

MEMCACHED=$(command -v memcached || true)
[ -n "$MEMCACHED" ] || skip "memcached is not installed (Debian package memcached)"

PIDS=""
cleanup() {
	for p in $PIDS; do
		kill -CONT "$p" 2>/dev/null || true
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Free ports on 127.0.0.1, picked by the kernel.
PORTS=$(python3 -c '
import socket
ss = [socket.socket() for _ in range(9)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')

# start_server PORT [ARGS...]: a memcached on 127.0.0.1:PORT; its pid in $LAST.
start_server() {
	port=$1
	shift
	user=""
	[ "$(id -u)" -eq 0 ] && user="-u nobody"
	# shellcheck disable=SC2086
	"$MEMCACHED" -l 127.0.0.1 -p "$port" -U 0 -t 2 $user "$@" &
	LAST=$!
	PIDS="$PIDS $LAST"
	python3 -c '
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.02)
sys.exit(1)' "$port" || fail "memcached did not start on port $port"
}

set -- $PORTS
P1=$1 P2=$2 P3=$3 P4=$4 P5=$5 P6=$6 P7=$7 P8=$8 P9=$9
start_server "$P1" -M -m 64
S1=$LAST
start_server "$P2" -M -m 64
S2=$LAST
start_server "$P3" -M -m 64
S3=$LAST
POOL="memcached:127.0.0.1:$P1,127.0.0.1:$P2,127.0.0.1:$P3"

# 1. A server killed, then another stopped, under a running program.
#    zcheck waits at the passes the gate file names (ZCHECK_GATE).
GATE="$WORK/gate"
echo 2 >"$GATE"
# at_pass N: wait until zcheck waits at pass N (or has ended).
at_pass() {
	for _ in $(seq 1 3000); do
		[ "$(cat "$GATE.at" 2>/dev/null)" = "$1" ] && return 0
		kill -0 "$prog" 2>/dev/null ||
			{ cat "$WORK/pool.out" "$WORK/pool.err" >&2; fail "zcheck ended before pass $1"; }
		sleep 0.02
	done
	fail "zcheck never reached pass $1"
}
ZCHECK_GATE="$GATE" upage_run "$WORK/pool.json" --max-rss 8M --swap "$POOL" -- \
	"$PROGS/zcheck" 24 12 mixed >"$WORK/pool.out" 2>"$WORK/pool.err" &
prog=$!
at_pass 3
kill -KILL "$S1"
echo "killed server 127.0.0.1:$P1 before pass 3"
echo 5 >"$GATE"
at_pass 6
# Its pages are copied again once it has been gone REMOTE_REPAIR_MS (1 s).
sleep 3
kill -STOP "$S2"
echo "stopped server 127.0.0.1:$P2 before pass 6"
echo 100 >"$GATE"
status=0
wait "$prog" || status=$?
cat "$WORK/pool.out"
cat "$WORK/pool.err" >&2
[ "$status" -eq 0 ] || fail "zcheck over the pool lost data or died (status $status)"
grep -q "intact" "$WORK/pool.out" || fail "zcheck did not say its pages were intact"
expect_capped "$WORK/pool.json"
expect "$WORK/pool.json" "r['remote']['servers'] == 3" "three servers"
expect "$WORK/pool.json" "r['remote']['reads'] == r['swap_ins'] and r['swap_ins'] > 10000" \
	"every swap-in came from the pool"
expect "$WORK/pool.json" "r['remote']['writes'] == r['swap_outs']" "every swap-out went to it"
expect "$WORK/pool.json" "r['remote']['failovers'] > 0" "failovers counted"
expect "$WORK/pool.json" "r['remote']['servers_down'] == 2" \
	"the killed and the stopped server set aside at the end"
expect "$WORK/pool.json" "r['remote']['rereplications'] > 500" \
	"the killed server's pages copied again elsewhere"
expect "$WORK/pool.json" "r['remote']['degraded_writes'] > 0" \
	"with one server left, pages written with one copy"
expect "$WORK/pool.json" "r['remote']['read_errors'] == 0 and r['io_errors'] == 0" \
	"no page lost, no I/O error"
expect "$WORK/pool.json" "r['latency_ns']['remote_read']['count'] == r['remote']['reads']" \
	"each remote read timed (latency_ns.remote_read)"
# A read waits a few ms on a server that does not answer, then reads the
# other copy; only when no copy answers (a loaded machine: the last server
# missed its deadline too) does it wait for one back, REMOTE_RESCUE_MS (3 s)
# at most, never libmemcached's own 5 s per operation.
expect "$WORK/pool.json" "r['latency_ns']['remote_read']['max'] < 3500000000" \
	"no read waited past the rescue bound (the stopped server never answers)"
# The area's thread touches no page of the heap: one out on a server set
# aside would come back only once that very thread had probed it.
expect "$WORK/pool.json" "r['own_thread_faults'] == 0" "the area's thread never faulted on the heap"
grep -q "127.0.0.1:$P1 failed" "$WORK/pool.err" || fail "the killed server was not named"
grep -q "127.0.0.1:$P2 failed" "$WORK/pool.err" || fail "the stopped server was not named"
kill -CONT "$S2"

# 2. A server that evicts (no -M, 2 MiB): said loudly; its lost copies
#    are read from the other servers.
start_server "$P4" -m 2
start_server "$P5" -M -m 64
start_server "$P6" -M -m 64
POOL2="memcached:127.0.0.1:$P4,127.0.0.1:$P5,127.0.0.1:$P6"
upage_run "$WORK/evict.json" --max-rss 4M --swap "$POOL2" -- "$PROGS/zcheck" 16 4 random \
	2>"$WORK/evict.err" || { cat "$WORK/evict.err" >&2; fail "zcheck lost data over an evicting server"; }
grep -q "WARNING: memcached server 127.0.0.1:$P4 evicts" "$WORK/evict.err" ||
	{ cat "$WORK/evict.err" >&2; fail "the evicting server was not named"; }
expect "$WORK/evict.json" "r['remote']['servers_evicting'] == 1" "one server counted as evicting"
expect "$WORK/evict.json" "r['remote']['missing_reads'] > 0 and r['remote']['failovers'] > 0" \
	"copies it evicted were missing, and read from the other server"
expect "$WORK/evict.json" "r['remote']['read_errors'] == 0" "no page lost"
expect "$WORK/evict.json" "r['own_thread_faults'] == 0" "the area's thread never faulted on the heap"

# 3. fork: the child reads every page its parent had, most of them on the
#    pool at the moment of the fork, writes them all, reads them back
#    (forkcheck verifies each word), and the parent still reads its own.
POOL3="memcached:127.0.0.1:$P3,127.0.0.1:$P5,127.0.0.1:$P6"
upage_run "$WORK/fork.json" --max-rss 8M --swap "$POOL3" -- "$PROGS/forkcheck" 24 \
	>"$WORK/fork.out" 2>"$WORK/fork.err" ||
	{ cat "$WORK/fork.err" >&2; fail "fork over the pool lost or mixed data (status $?)"; }
cat "$WORK/fork.out"
expect "$WORK/fork.json" "r['remote']['writes'] > 2000 and r['remote']['read_errors'] == 0" \
	"the parent's pages went to the pool, none lost"
expect "$WORK/fork.json" "r['own_thread_faults'] == 0" "the area's thread never faulted on the heap"
# The child's area thread too (the child writes no report).
if grep -q "cannot page its memory\|no copy of swap slot\|own threads faulted" "$WORK/fork.err"; then
	cat "$WORK/fork.err" >&2
	fail "the forked child could not read its parent's pages"
fi

# 4. A pool that fills up (three -M servers of 14 MiB): the parent's pages
#    fit, the forked child's do not.  Each process is told (out of swap
#    space, then SIGBUS, as the kernel's OOM would end it), never left
#    waiting for room that will not come; no page is read wrong.
start_server "$P7" -M -m 14
start_server "$P8" -M -m 14
start_server "$P9" -M -m 14
POOL4="memcached:127.0.0.1:$P7,127.0.0.1:$P8,127.0.0.1:$P9"
setsid "$UPAGE" run --engine "$ENGINE" --max-rss 8M --swap "$POOL4" -- "$PROGS/forkcheck" 16 \
	>"$WORK/full.out" 2>"$WORK/full.err" &
full=$!
for _ in $(seq 1 1200); do
	kill -0 "$full" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$full" 2>/dev/null; then
	kill -KILL -- "-$full" 2>/dev/null || true
	cat "$WORK/full.err" >&2
	fail "a program over a full pool was left waiting (killed after 120 s)"
fi
status=0
wait "$full" || status=$?
# Its forked child may outlive it: wait for the child too (same group).
for _ in $(seq 1 1200); do
	pgrep -g "$full" >/dev/null 2>&1 || break
	sleep 0.1
done
if pgrep -g "$full" >/dev/null 2>&1; then
	kill -KILL -- "-$full" 2>/dev/null || true
	cat "$WORK/full.err" >&2
	fail "a forked child over a full pool was left waiting (killed after 120 s)"
fi
grep -q "memcached pool .* is full" "$WORK/full.err" ||
	{ cat "$WORK/full.err" >&2; fail "the full pool was not said"; }
if [ "$status" -ne 0 ]; then
	grep -q "out of swap space on memcached:" "$WORK/full.err" ||
		{ cat "$WORK/full.err" >&2; fail "died of $status over a full pool without a word"; }
fi
if grep -q "expected\|own threads faulted" "$WORK/full.err"; then
	cat "$WORK/full.err" >&2
	fail "a page was read wrong over a full pool"
fi
echo "ok: a full pool ends the program with a message (status $status), none waits for ever"

# 5. Bad pools: one message, and the program runs without upage.
for bad in "memcached:" "memcached:127.0.0.1:$P5" "memcached:127.0.0.1:$P5,127.0.0.1:$P5" \
	"memcached:127.0.0.1:99999,127.0.0.1:$P6"; do
	out=$("$UPAGE" run --engine "$ENGINE" --swap "$bad" -- echo ran 2>&1) ||
		fail "the program did not run with --swap $bad"
	echo "$out" | grep -q "^upage: bad memcached pool" ||
		fail "no message for --swap $bad: $out"
	echo "$out" | grep -q "^ran$" || fail "the program did not run with --swap $bad"
	echo "ok: --swap $bad refused: $(echo "$out" | head -1)"
done
# 6. libmemcached (and libstdc++, libsasl2, libcrypto with it) is loaded
#    only when a pool is named; when it cannot be, one message says so.
LOADS="file=(libmemcached|libstdc\+\+|libsasl2|libcrypto)\.so"
LD_DEBUG=files "$UPAGE" run --engine "$ENGINE" -- true >"$WORK/nopool.dbg" 2>&1 ||
	fail "true did not run under upage"
if grep -E "$LOADS" "$WORK/nopool.dbg"; then
	fail "a program without a pool loaded libmemcached or its dependencies"
fi
LD_DEBUG=files "$UPAGE" run --engine "$ENGINE" --swap "$POOL2" -- true >"$WORK/pool.dbg" 2>&1 ||
	fail "true did not run over the pool"
grep -qE "file=libmemcached\.so.* dynamically loaded by .*libupage\.so" "$WORK/pool.dbg" ||
	fail "libmemcached was not opened for the pool"
echo "ok: libmemcached is loaded only with a pool"
MCLIB=$(python3 -c 'import ctypes.util; print(ctypes.util.find_library("memcached") or "")')
MCLIB=$(ldconfig -p | sed -n "s|^[[:space:]]*$MCLIB .*=> ||p" | head -1)
if [ "$(id -u)" -eq 0 ] && [ -n "$MCLIB" ] && unshare -m true 2>/dev/null; then
	# In a mount namespace of its own, the library is an empty file.
	out=$(unshare -m sh -c 'mount --bind /dev/null "$1" && shift && "$@"' sh \
		"$(readlink -f "$MCLIB")" "$UPAGE" run --engine "$ENGINE" --swap "$POOL2" -- \
		echo ran 2>&1) || fail "the program did not run without libmemcached"
	[ "$(echo "$out" | grep -c "^upage: a memcached pool needs libmemcached")" -eq 1 ] ||
		fail "not one message when libmemcached cannot be loaded: $out"
	echo "$out" | grep -q "^ran$" || fail "the program did not run without libmemcached"
	echo "ok: without libmemcached: $(echo "$out" | grep "^upage:")"
fi
echo "PASS"
