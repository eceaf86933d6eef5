#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The upage CLI without a daemon: --help names every command in a line
# each and upage help CMD equals upage CMD --help; usage errors are one
# line and exit status 2, runtime failures exit status 1; ps, swap and top
# show a running program (the tables in --json, --raw, --noheadings and
# --bytes); upage set changes its cap live and the resident size follows,
# down and back up; and set, ps and swap refuse or hide another user's
# process.
. "${top_srcdir:-.}/tests/integration/lib.sh"

STOP="$WORK/stop"
PID=
cleanup() {
	touch "$STOP"
	[ -n "$PID" ] && wait "$PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# --- help and usage
"$UPAGE" --help >"$WORK/help" || fail "upage --help failed"
grep -q "^upage runs programs" "$WORK/help" || fail "upage --help does not say what upage is"
for cmd in run ps top stat set swap plot; do
	grep -Eq "^  $cmd +[a-z]" "$WORK/help" || fail "upage --help lacks a line for $cmd"
	"$UPAGE" help "$cmd" >"$WORK/h1" || fail "upage help $cmd failed"
	"$UPAGE" "$cmd" --help >"$WORK/h2" || fail "upage $cmd --help failed"
	cmp -s "$WORK/h1" "$WORK/h2" || fail "upage help $cmd differs from upage $cmd --help"
done
echo "ok: upage --help lists every command; upage help CMD is upage CMD --help"

# usage_error DESCRIPTION ARGS...: exit status 2, a message naming the problem
usage_error() {
	what=$1
	shift
	if "$UPAGE" "$@" >"$WORK/out" 2>"$WORK/err"; then
		fail "upage $* succeeded"
	else
		st=$?
	fi
	[ "$st" = 2 ] || fail "upage $*: exit status $st, not 2"
	head -n 1 "$WORK/err" | grep -q "$what" || fail "upage $*: said $(cat "$WORK/err")"
	echo "ok: upage $*: $(head -n 1 "$WORK/err")"
}
usage_error "unknown command 'frobnicate'" frobnicate
usage_error "unknown option --frob" ps --frob
usage_error "'soon': not a number of seconds" ps --interval soon
usage_error "'size': not stall, faults, rss or pid" top --sort size
usage_error "no process named" set --max-rss 8M
usage_error "'12Q': not a size" set 1 --max-rss 12Q
usage_error "below the minimum" set 1 --max-rss 4K
usage_error "'abc': not a process id" set abc --max-rss 8M
usage_error "unexpected argument" swap extra

# --- a program under upage
"$UPAGE" run --engine "$ENGINE" --max-rss 32M --max-rss-ceiling 64M -- \
	"$PROGS/holder" 48 "$STOP" >"$WORK/holder.out" 2>"$WORK/holder.err" &
PID=$!

# ps_json KEY: the program's row in upage ps --json --bytes
ps_json() {
	"$UPAGE" ps --json --bytes --interval 0.1 "$PID" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["processes"]; print(r[0][sys.argv[1]] if r else "gone")' "$1"
}
number() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }
rss_between() { r=$(ps_json rss); number "$r" && [ "$r" -ge "$1" ] && [ "$r" -le "$2" ]; }
until_true() {
	t=$1 what=$2
	shift 2
	for i in $(seq $((t * 5))); do
		"$@" && { echo "ok: $what"; return 0; }
		sleep 0.2
	done
	"$UPAGE" ps "$PID" >&2 || true
	fail "$what (within ${t}s)"
}

until_true 20 "the program fills its 32M cap" rss_between $((30 << 20)) $((32 << 20))
[ "$(ps_json engine)" = "$ENGINE" ] || fail "upage ps says engine $(ps_json engine)"
[ "$(ps_json cap)" = $((32 << 20)) ] || fail "upage ps says cap $(ps_json cap)"
[ "$(ps_json pid)" = "$PID" ] || fail "upage ps --json: pid $(ps_json pid)"
"$UPAGE" ps "$PID" | head -n 1 | grep -q "PID *USER *COMMAND *ENGINE *CAP *SHARE *RSS *SWAP *FAULTS/S *STALL%" ||
	fail "upage ps's header: $("$UPAGE" ps "$PID" | head -n 1)"
"$UPAGE" ps --noheadings --raw "$PID" | grep -Eq "^$PID [^ ]+ holder $ENGINE 32M - " ||
	fail "upage ps --noheadings --raw: $("$UPAGE" ps --noheadings --raw "$PID")"
echo "ok: upage ps shows the program: $("$UPAGE" ps --noheadings "$PID")"

"$UPAGE" swap --json --bytes | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin)["swap"] if r["pid"] == int(sys.argv[1])]
assert len(rows) == 1, rows
r = rows[0]
# its private file, where the library puts one: $TMPDIR, /tmp, or /var/tmp when that is RAM
assert r["type"] == "file" and r["name"].startswith(tuple(sys.argv[2:])), r
assert r["used"] >= 10 << 20 and r["size"] >= r["used"] and r["prio"] == 0, r
' "$PID" "${TMPDIR:-/tmp}/" /var/tmp/ || fail "upage swap --json: $("$UPAGE" swap)"
"$UPAGE" swap | head -n 1 | grep -q "^NAME *TYPE *SIZE *USED *PRIO *PID" || fail "upage swap's header"
echo "ok: upage swap lists its swap file and its use"

"$UPAGE" top --batch --iterations 2 --delay 0.2 >"$WORK/top" || fail "upage top --batch failed"
[ "$(grep -c "^upage top - " "$WORK/top")" = 2 ] || fail "upage top printed $(cat "$WORK/top")"
grep -Eq "^ *$PID +" "$WORK/top" || fail "upage top does not show $PID"
"$UPAGE" top --iterations 1 --delay 0.2 | grep -Eq "^ *$PID +" ||
	fail "upage top to a pipe is not a table per refresh"
echo "ok: upage top --batch refreshes the table; into a pipe it prints too"

# --- the cap, live
"$UPAGE" set "$PID" --max-rss 8M || fail "upage set --max-rss 8M failed"
until_true 5 "upage set 8M: the resident size follows down" rss_between 0 $((8 << 20))
"$UPAGE" set "$PID" --max-rss 64M || fail "upage set --max-rss 64M failed"
until_true 10 "upage set 64M: the program grows back past its old cap" rss_between $((40 << 20)) $((64 << 20))
if "$UPAGE" set "$PID" --max-rss 65M 2>"$WORK/err"; then
	fail "upage set above the ceiling succeeded"
fi
grep -q "above the ceiling of 64M" "$WORK/err" || fail "above the ceiling: $(cat "$WORK/err")"
echo "ok: $(cat "$WORK/err")"
if "$UPAGE" set 999999999 --max-rss 8M 2>"$WORK/err"; then fail "upage set of no process"; else st=$?; fi
[ "$st" = 1 ] && grep -q "999999999: no such process" "$WORK/err" ||
	fail "no such process: status $st, $(cat "$WORK/err")"
if "$UPAGE" set $$ --max-rss 8M 2>"$WORK/err"; then fail "upage set of the shell"; else st=$?; fi
[ "$st" = 1 ] && grep -q "not running under upage" "$WORK/err" ||
	fail "not under upage: status $st, $(cat "$WORK/err")"
echo "ok: upage set of no process, or of one not under upage: one line, exit status 1"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	if nobody "$UPAGE" set "$PID" --max-rss 8M 2>"$WORK/err"; then
		fail "nobody changed root's cap"
	else
		st=$?
	fi
	[ "$st" = 1 ] && grep -q "permission denied" "$WORK/err" || fail "nobody: $(cat "$WORK/err")"
	nobody "$UPAGE" ps | grep -Eq "^ *$PID " && fail "nobody's upage ps shows root's program"
	nobody "$UPAGE" swap | grep -Eq " $PID\$" && fail "nobody's upage swap shows root's program"
	echo "ok: another user cannot change, or see, root's program"
fi

touch "$STOP"
wait "$PID" || fail "the program failed: $(cat "$WORK/holder.err")"
PID=
grep -qx "holder: 12288 pages verified" "$WORK/holder.out" || fail "output: $(cat "$WORK/holder.out")"
echo "ok: the program finished with every page intact"
