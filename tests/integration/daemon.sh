#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# upaged with programs under it: a real daemon on a temporary socket with a
# temporary configuration; two programs register and share its budget
# (upage ps shows the shares, the caps and resident sizes follow); a cap
# changed live with upage set is followed by the resident size; the daemon
# stopped gives the shares back, a new one finds the running programs;
# one killed with SIGKILL leaves them running, and they finish with their
# output intact; and upage set is refused for another user's process.
# A bad configuration stops it from starting, and SIGHUP with a bad one
# keeps the one in force (with the message), with a good one applies it.
# The daemon's swap area hands the programs extents (private files whose
# descriptors it sends them), used before their own files, gone with them.
. "${top_srcdir:-.}/tests/integration/lib.sh"

UPAGED="$top_builddir/daemon/upaged"
[ "$(id -u)" = 0 ] || skip "needs root (to run a program as nobody against root's)"
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"

SOCK="$WORK/upaged.sock"
CONF="$WORK/upaged.conf"
STOP="$WORK/stop"
# The daemon's swap area: a directory on a disk (never tmpfs).
SWAPDIR=$(mktemp -d /var/tmp/upaged-swap.XXXXXX)
case $(stat -f -c %T "$SWAPDIR") in tmpfs | ramfs) rmdir "$SWAPDIR"; skip "/var/tmp is RAM-backed" ;; esac
cat >"$CONF" <<CONF
[Budget]
Memory=48M
Interval=0.5
[Default]
MinRSS=4M
[Swap:disk]
Path=$SWAPDIR
Size=256M
ExtentSize=16M
Priority=10
CONF

DAEMON=
PIDS=
cleanup() {
	[ -n "$DAEMON" ] && kill -9 "$DAEMON" 2>/dev/null
	touch "$STOP"
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$WORK" "$SWAPDIR"
}
trap cleanup EXIT

start_daemon() {
	"$UPAGED" --foreground --socket "$SOCK" --config "$CONF" 2>>"$WORK/upaged.log" &
	DAEMON=$!
	for i in $(seq 100); do
		[ -S "$SOCK" ] && return 0
		kill -0 "$DAEMON" 2>/dev/null || fail "upaged did not start: $(cat "$WORK/upaged.log")"
		sleep 0.1
	done
	fail "upaged did not listen on $SOCK"
}

# field PID KEY: the key of upage ps --json --bytes's row for PID ("None": null)
field() {
	"$UPAGE" ps --json --bytes --interval 0.1 "$1" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["processes"]; print(r[0][sys.argv[1]] if r else "gone")' "$2"
}

# until SECONDS DESCRIPTION COMMAND...: the command succeeds within SECONDS.
until_true() {
	t=$1 what=$2
	shift 2
	for i in $(seq $((t * 5))); do
		"$@" && { echo "ok: $what"; return 0; }
		sleep 0.2
	done
	"$UPAGE" ps >&2 || true
	cat "$WORK/upaged.log" >&2
	fail "$what (within ${t}s)"
}

# A number, not None or "gone" (a program not yet under upage, or ended).
number() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }
no_share() { [ "$(field "$1" share)" = None ]; }
cap_is() { [ "$(field "$1" cap)" = "$2" ]; }
rss_at_most() { r=$(field "$1" rss); number "$r" && [ "$r" -le "$2" ]; }
shares_fit() {
	a=$(field "$P1" share) b=$(field "$P2" share)
	ca=$(field "$P1" cap) cb=$(field "$P2" cap)
	number "$a" && number "$b" && number "$ca" && number "$cb" &&
		[ $((a + b)) -le $((48 << 20)) ] && [ "$ca" -le "$a" ] && [ "$cb" -le "$b" ]
}

# A bad line: one message with the file and the line, and no daemon.
printf '[Budget]\nMemory=48M\nColour=blue\n' >"$WORK/bad.conf"
if "$UPAGED" --foreground --socket "$SOCK" --config "$WORK/bad.conf" 2>"$WORK/err"; then
	fail "upaged started with a bad configuration"
fi
grep -q "^upaged: $WORK/bad.conf:3: \[Budget\] has no key Colour" "$WORK/err" ||
	fail "a bad configuration said: $(cat "$WORK/err")"
[ ! -e "$SOCK" ] || fail "upaged left a socket after refusing to start"
echo "ok: a bad configuration: $(cat "$WORK/err")"

# shares_within MIB: both have a share, the two within MIB.
shares_within() {
	a=$(field "$P1" share) b=$(field "$P2" share)
	number "$a" && number "$b" && [ $((a + b)) -le $(($1 << 20)) ]
}

start_daemon
for i in 1 2; do
	UPAGE_SOCKET="$SOCK" "$UPAGE" run --engine "$ENGINE" --max-rss 64M -- \
		"$PROGS/holder" 40 "$STOP" >"$WORK/out$i" 2>"$WORK/err$i" &
	PIDS="$PIDS $!"
	eval "P$i=$!"
done

until_true 20 "upaged gives both programs a share, the two within its 48M budget" shares_fit
grep -q "following $P1" "$WORK/upaged.log" || fail "upaged did not say it follows $P1"
until_true 20 "the resident size follows the share" rss_at_most "$P1" "$(field "$P1" share)"

# extents SPEC: upage swap --json --bytes agrees (python over rows r, pids p1 p2, dir d)
extents() {
	UPAGE_SOCKET="$SOCK" "$UPAGE" swap --json --bytes | python3 -c '
import json, sys
rows = json.load(sys.stdin)["swap"]
p1, p2, d = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ext = lambda p: [r for r in rows if r["pid"] == p and r["type"] == "extent"]
area = [r for r in rows if r["type"] == "extents" and r["name"] == d]
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" "$P1" "$P2" "$SWAPDIR"
}
until_true 20 "upaged hands both programs extents of its area, and they swap there" \
	extents 'all(ext(p) and all(r["name"].startswith(d + "/") and r["size"] == 16 << 20 and r["prio"] == 10 for r in ext(p)) and sum(r["used"] for r in ext(p)) > 0 for p in (p1, p2))'
extents 'len(area) == 1 and area[0]["size"] == 256 << 20 and 32 << 20 <= area[0]["used"] <= 8 * 16 << 20' ||
	fail "upage swap: the daemon's area: $(UPAGE_SOCKET="$SOCK" "$UPAGE" swap)"
echo "ok: upage swap shows the daemon's area and the extents: $(UPAGE_SOCKET="$SOCK" "$UPAGE" swap | grep -c extent) rows"
[ -z "$(ls -A "$SWAPDIR")" ] || fail "extents have names in $SWAPDIR: $(ls -A "$SWAPDIR")"

"$UPAGE" set "$P1" --max-rss 8M || fail "upage set $P1 --max-rss 8M failed"
# The cap in force is the lower of the user's and upaged's share (which a
# loaded machine may have made smaller than 8M meanwhile).
cap_set_to_8m() {
	c=$(field "$P1" cap) s=$(field "$P1" share)
	number "$c" || return 1
	number "$s" && [ "$s" -lt $((8 << 20)) ] && { [ "$c" = "$s" ]; return; }
	[ "$c" = $((8 << 20)) ]
}
cap_set_to_8m || fail "the cap of $P1 is $(field "$P1" cap) (share $(field "$P1" share)), not 8M, after upage set"
echo "ok: upage set lowered the cap of $P1 to 8M (or upaged's smaller share)"
until_true 5 "the resident size of $P1 follows the cap down to 8M" rss_at_most "$P1" $((8 << 20))
"$UPAGE" set "$P1" --max-rss 64M || fail "upage set $P1 --max-rss 64M failed"

out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$UPAGE" set "$P2" --max-rss 4M 2>&1) &&
	fail "upage set as nobody on root's process $P2 succeeded"
echo "$out" | grep -q "permission denied" || fail "nobody's upage set said: $out"
c=$(field "$P2" cap)
number "$c" && [ "$c" -gt $((4 << 20)) ] || fail "nobody changed root's cap (now $c)"
echo "ok: upage set refused for another user's process: $out"

# SIGHUP: a bad configuration is refused and the old one stays in force...
cp "$CONF" "$WORK/good.conf"
printf '[Budget]\nMemory=none\n' >"$CONF"
kill -HUP "$DAEMON"
until_true 10 "SIGHUP with a bad configuration keeps the old one, with the message" \
	grep -q "$CONF:2: Memory=none: .*; keeping the previous configuration" "$WORK/upaged.log"
sleep 1.5
kill -0 "$DAEMON" || fail "upaged exited on a bad reload"
until_true 10 "after the bad reload, the 48M budget is still divided" shares_within 48
# ... and a good one is applied.
sed 's/^Memory=48M/Memory=24M/' "$WORK/good.conf" >"$CONF"
kill -HUP "$DAEMON"
until_true 20 "SIGHUP with a good configuration: the shares fit the new 24M budget" shares_within 24
cp "$WORK/good.conf" "$CONF"

kill -TERM "$DAEMON"
wait "$DAEMON" || fail "upaged did not stop cleanly on SIGTERM"
DAEMON=
[ ! -e "$SOCK" ] || fail "upaged left its socket behind"
no_share "$P1" && no_share "$P2" || fail "the shares outlived a stopped daemon"
until_true 5 "SIGTERM gave the shares back; the programs return to their own caps" \
	cap_is "$P1" $((64 << 20))

start_daemon
until_true 20 "a restarted upaged finds both running programs" shares_fit
until_true 10 "a restarted upaged counts the extents the programs hold" \
	extents 'len(area) == 1 and area[0]["used"] >= 32 << 20'
for p in "$P1" "$P2"; do
	[ "$(grep -c "following $p " "$WORK/upaged.log")" = 2 ] ||
		fail "the new daemon did not say it follows $p: $(cat "$WORK/upaged.log")"
done

kill -9 "$DAEMON"
wait "$DAEMON" 2>/dev/null || true
DAEMON=
until_true 10 "the shares of a daemon killed with SIGKILL lapse" no_share "$P1"
until_true 5 "... and the programs return to their own caps" cap_is "$P2" $((64 << 20))
touch "$STOP"
for i in 1 2; do
	eval "p=\$P$i"
	wait "$p" || fail "program $i exited with $?: $(cat "$WORK/err$i")"
	grep -qx "holder: 10240 pages verified" "$WORK/out$i" ||
		fail "program $i's output: $(cat "$WORK/out$i") $(cat "$WORK/err$i")"
done
PIDS=
echo "ok: with the daemon gone, both programs finished, every page verified"
[ -z "$(ls -A "$SWAPDIR")" ] || fail "something was left in $SWAPDIR: $(ls -A "$SWAPDIR")"
echo "ok: the daemon's swap area is empty after the programs"

# Defaults by command and user: a program that set no cap gets its
# command's MaxRSS (before its user's and the default), one that did keeps it.
cat >"$CONF" <<CONF
[Default]
MaxRSS=40M
[User:root]
MaxRSS=24M
[Command:holder]
MaxRSS=12M
CONF
rm -f "$STOP"
start_daemon
UPAGE_SOCKET="$SOCK" "$UPAGE" run --engine "$ENGINE" -- "$PROGS/holder" 32 "$STOP" \
	>"$WORK/out3" 2>"$WORK/err3" &
P3=$!
UPAGE_SOCKET="$SOCK" "$UPAGE" run --engine "$ENGINE" --max-rss 20M -- "$PROGS/holder" 32 "$STOP" \
	>"$WORK/out4" 2>"$WORK/err4" &
P4=$!
PIDS="$P3 $P4"
until_true 20 "[Command:holder] MaxRSS=12M is the cap of a program that set none" \
	cap_is "$P3" $((12 << 20))
sleep 1.5
cap_is "$P4" $((20 << 20)) || fail "the cap $P4 set itself changed to $(field "$P4" cap)"
echo "ok: a program that set its cap keeps it"
touch "$STOP"
for p in $P3 $P4; do wait "$p" || fail "program $p failed"; done
PIDS=
