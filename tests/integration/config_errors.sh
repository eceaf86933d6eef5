#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A bad option is one clear message naming it: the library then runs the
# program without upage, and `upage run` refuses with exit status 2.
. "${top_srcdir:-.}/tests/integration/lib.sh"

LIB="$top_builddir/lib/.libs/libupage.so"
[ -f "$LIB" ] || fail "no $LIB"

# The library: one line naming the variable; the program still runs.
check_env() {
	var=$1 value=$2
	out=$(env "$var=$value" LD_PRELOAD="$LIB" sh -c 'echo still-ran' 2>"$WORK/err") ||
		fail "$var=$value: the program did not run"
	[ "$out" = still-ran ] || fail "$var=$value: the program's output changed"
	grep -q "$var" "$WORK/err" || fail "$var=$value: message does not name $var: $(cat "$WORK/err")"
	[ "$(grep -c "$var" "$WORK/err")" -ge 1 ] && [ "$(wc -l <"$WORK/err")" -le 2 ] ||
		fail "$var=$value: more than one message: $(cat "$WORK/err")"
	echo "ok: $var='$value' named, program ran without upage"
}
check_env UPAGE_MAX_RSS 64X
check_env UPAGE_MAX_RSS -5M
check_env UPAGE_MAX_RSS ""
check_env UPAGE_MAX_RSS 99999999999999999999999
check_env UPAGE_ARENA_SIZE 1K
check_env UPAGE_ENGINE turbo
check_env UPAGE_MAX_RSS 0
check_env UPAGE_ARENA_SIZE 64T
check_env UPAGE_ARENA_SIZE ""
check_env UPAGE_ENGINE ""
check_env UPAGE_SWAP /nonexistent-dir/sub/swap
check_env UPAGE_SWAP /proc/upage-swap
check_env UPAGE_SWAP ""
check_env UPAGE_REPORT /nonexistent-dir/r.json
check_env UPAGE_REPORT ""
check_env UPAGE_VERBOSE yes
check_env UPAGE_INHERIT 2
check_env UPAGE_SUMMARY yes
check_env UPAGE_SUMMARY ""
check_env UPAGE_LATENCY off
check_env UPAGE_ZSWAP 12Q
check_env UPAGE_ZSWAP 95%
check_env UPAGE_ZSWAP ""
check_env UPAGE_ZSWAP_COMPRESSOR gzip
UPAGE_MAX_RSS=8M check_env UPAGE_ZSWAP 8M

# The CLI: refuses with status 2, naming the flag.
check_flag() {
	set +e
	"$UPAGE" run "$@" -- true 2>"$WORK/err"
	status=$?
	set -e
	[ $status -eq 2 ] || fail "upage run $*: exit status $status, expected 2"
	grep -q -- "$1" "$WORK/err" || fail "upage run $*: message does not name $1: $(cat "$WORK/err")"
	echo "ok: upage run $* refused, naming $1"
}
check_flag --max-rss 12Q
check_flag --max-rss -1
check_flag --engine warp
check_flag --arena-size 0
check_flag --arena-size 99999999999999999999T
check_flag --max-rss ""
check_flag --report /nonexistent-dir/r.json
check_flag --report "$WORK/"
check_flag --zswap 1Q
check_flag --zswap 0%
check_flag --zswap-compressor lzma

# A flag without a value refuses one.
set +e
"$UPAGE" run --summary=1 -- true 2>"$WORK/err"
status=$?
set -e
[ $status -eq 2 ] || fail "upage run --summary=1: exit status $status, expected 2"
grep -q -- "--summary takes no value" "$WORK/err" ||
	fail "upage run --summary=1: message does not say --summary takes no value: $(cat "$WORK/err")"
echo "ok: upage run --summary=1 refused, naming --summary"

# Nothing may be left behind in the swap directory.
mkdir "$WORK/swapdir"
"$UPAGE" run --swap "$WORK/swapdir" --max-rss 4M -- "$PROGS/rwcheck" 16 1 >/dev/null ||
	fail "rwcheck with a swap directory"
[ -z "$(ls -A "$WORK/swapdir")" ] || fail "swap files left behind: $(ls -A "$WORK/swapdir")"
echo "ok: no swap file left in the swap directory"
