#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A core dump holds the heap, the part on swap included: a program with
# 48 MiB written under a 16 MiB cap dies of abort(), of SIGSEGV and of
# SIGQUIT, and every page of its heap reads back from the core as it was
# written.  Needs the kernel to write plain core files (core_pattern).
. "${top_srcdir:-.}/tests/integration/lib.sh"

pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in
'|'* | */*) skip "core_pattern is '$pattern': no core file in the current directory" ;;
esac
[ "$(cat /proc/sys/kernel/core_uses_pid)" = 0 ] || pattern="$pattern.*"
command -v python3 >/dev/null || skip "python3 is not installed"
ulimit -c unlimited 2>/dev/null || skip "RLIMIT_CORE cannot be raised"

cd "$WORK"
for sig in abrt segv quit; do
	rm -f core core.*
	set +e
	out=$("$UPAGE" run --engine "$ENGINE" --max-rss 16M --report "$WORK/$sig.json" -- \
		"$PROGS/crash" $sig 48 2>"$WORK/$sig.err")
	status=$?
	set -e
	[ $status -gt 128 ] || fail "$sig: exit status $status, a death by signal expected"
	file=$(ls $pattern 2>/dev/null | head -1)
	[ -n "$file" ] || fail "$sig: no core file (status $status): $(cat "$WORK/$sig.err")"
	set -- $out
	[ "$1" = heap ] || fail "$sig: the program printed '$out'"
	got=$(python3 "$top_srcdir/tests/integration/corecheck.py" "$file" "$2" "$3")
	set -- $got
	[ "$2" -gt 4096 ] && [ "$4" = "$2" ] || fail "$sig: the core holds $4 of the heap's $2 pages"
	echo "ok: $sig: the core holds all $2 pages of the heap ($(cat "$WORK/$sig.err" | tr '\n' ' '))"
done
