#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Descriptors the program closes: closefrom, close_range, a close loop,
# dup2/dup3 over every number, F_DUPFD until EMFILE, setrlimit past
# upage's numbers, fork then closefrom, all on a heap paged out: every
# page reads back as written, and each call does what it does without
# upage.  RLIMIT_NOFILE: the program opens as many descriptors as without
# upage where the hard limit leaves room, and is told when it does not.
# A raw close_range system call (no libc function to interpose) kills the
# program with one message instead of letting it read zeros.
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v prlimit >/dev/null || skip "prlimit is not installed (util-linux)"
P="$PROGS/fdclose"
hard=$(ulimit -Hn)
[ "$hard" -ge 512 ] || skip "the hard RLIMIT_NOFILE ($hard) is below 512"
[ "$hard" -le 4096 ] || hard=4096
nofile="--nofile=256:$hard"

# under LIMITS ARGS... : a run under upage with those limits.
under() {
	lim=$1
	shift
	prlimit "$lim" "$UPAGE" run --engine "$ENGINE" --max-rss 16M "$@"
}

for mode in closefrom close_range close_loop dup2 dup3 dupfd raise fork; do
	want=$(prlimit "$nofile" "$P" "$mode" 1 | grep '^fds') || fail "$mode without upage"
	got=$(under "$nofile" --report "$WORK/$mode.json" -- "$P" "$mode" 48) ||
		fail "$mode under upage lost data or failed: $got"
	got=$(echo "$got" | grep '^fds')
	[ "$got" = "$want" ] || fail "$mode: '$got' under upage, '$want' without"
	echo "ok: $mode: $got, as without upage"
	expect "$WORK/$mode.json" "r['swap_ins'] > 4096" "$mode: pages came back from swap after it"
done

# The count: room between the soft and the hard limit.
want=$(prlimit --nofile=16:64 "$P" nofile 1 | grep '^opened')
got=$(under --nofile=16:64 -- "$P" nofile 1 2>"$WORK/n.err" | grep '^opened')
[ "$got" = "$want" ] || fail "RLIMIT_NOFILE 16:64: '$got' under upage, '$want' without"
[ ! -s "$WORK/n.err" ] || fail "RLIMIT_NOFILE 16:64: unexpected message: $(cat "$WORK/n.err")"
echo "ok: RLIMIT_NOFILE 16:64: $got, as without upage"

# No room (soft = hard, without CAP_SYS_RESOURCE to raise the hard limit
# for a moment): upage's descriptors take numbers below the limit, and
# upage says so; dup2 over those numbers fails with EMFILE, nothing else.
nocap=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	nocap="setpriv --bounding-set=-sys_resource --"
fi
want=$(prlimit --nofile=16:16 "$P" nofile 1 | sed -n 's/^opened \([0-9]*\).*/\1/p')
got=$(prlimit --nofile=16:16 $nocap "$UPAGE" run --engine "$ENGINE" --max-rss 16M -- \
	"$P" nofile 1 2>"$WORK/n16.err" | sed -n 's/^opened \([0-9]*\).*/\1/p')
taken=$(sed -n "s/.*upage's \([0-9]*\) take numbers below.*/\1/p" "$WORK/n16.err")
[ -n "$taken" ] || fail "RLIMIT_NOFILE 16:16: no message saying numbers were taken: $(cat "$WORK/n16.err")"
[ "$got" = $((want - taken)) ] ||
	fail "RLIMIT_NOFILE 16:16: $got opened under upage, $want without, $taken taken"
echo "ok: RLIMIT_NOFILE 16:16: $got opened ($want without upage), and upage said its $taken took numbers"
for mode in dup2 closefrom; do
	out=$(prlimit --nofile=64:64 $nocap "$UPAGE" run --engine "$ENGINE" --max-rss 16M \
		--report "$WORK/in-$mode.json" -- "$P" "$mode" 48 2>/dev/null) ||
		fail "$mode with upage's numbers below the limit lost data: $out"
	case $mode in
	dup2) echo "$out" | grep -q "failed $taken\$" ||
		fail "dup2 below the limit: '$out' (EMFILE on upage's $taken numbers only)" ;;
	esac
	expect "$WORK/in-$mode.json" "r['swap_ins'] > 4096" "$mode with upage's numbers below the limit: intact"
done

# A raw system call: killed with one message, never a zero in place of data.
set +e
under "$nofile" -- "$P" raw 48 >"$WORK/raw.out" 2>"$WORK/raw.err"
status=$?
set -e
grep -q "was closed by a system call upage cannot see" "$WORK/raw.err" ||
	fail "raw close_range: no message (status $status): $(cat "$WORK/raw.err")"
[ "$status" -ne 0 ] && ! grep -q "fdclose:" "$WORK/raw.err" ||
	fail "raw close_range: the program ran on (status $status): $(cat "$WORK/raw.err")"
echo "ok: raw close_range: killed (status $status) with one message"
