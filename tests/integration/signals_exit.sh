#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The process ends from one thread while eight others are mid swap I/O
# under a 4 MiB cap: exit(0), exit(7), abort() from a worker, and main
# returning 0 or 5.  The status is the one asked for (SIGABRT for abort),
# the process ends (timeout: no hang), the report written at exit is
# there (not for abort), and nothing is left in the private swap
# directory.  Three times each, the moment varying with the scheduling.
. "${top_srcdir:-.}/tests/integration/lib.sh"

ulimit -c 0
for i in 1 2 3; do
	for mode in "exit 0" "exit 7" "abort" "return 0" "return 5"; do
		rm -rf "$WORK/swap" "$WORK/r.json"
		mkdir "$WORK/swap"
		set +e
		# shellcheck disable=SC2086 # mode is the program's two arguments
		timeout 60 "$UPAGE" run --engine "$ENGINE" --swap "$WORK/swap" \
			--report "$WORK/r.json" --max-rss 4M -- "$PROGS/exitmid" 12 8 $mode
		status=$?
		set -e
		case $mode in
		abort) want=134 ;;	# 128 + SIGABRT, as the shell reports it
		*) want=${mode#* } ;;
		esac
		[ "$status" = 124 ] && fail "$mode: hung (killed by timeout)"
		[ "$status" = "$want" ] || fail "$mode: exit status $status, expected $want"
		[ -z "$(ls -A "$WORK/swap")" ] || fail "$mode: left in the swap directory: $(ls -A "$WORK/swap")"
		if [ "$mode" != abort ]; then
			[ -s "$WORK/r.json" ] || fail "$mode: no report written at exit"
			expect_capped "$WORK/r.json" >/dev/null
		fi
		echo "ok: $mode (round $i): status $status, swap directory empty"
	done
done
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the threads were swapping when the process ended"
