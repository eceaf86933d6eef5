#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make stress`: minutes of threads and fork under a tight cap, every byte
# verified (tests/integration/progs/forkstress.c).  Outside `make check`.
#
#   STRESS_SECONDS  how long the parent keeps forking (default 180)
#   STRESS_MIB      the buffer the writers share (default 32; cap 8 MiB)
#   STRESS_WRITERS  writer threads in the parent (default 8)
#
# Fails on any bad byte in the parent or a child, a child's failure, a
# hang (timeout: the run plus five minutes), a cap exceeded, or a swap
# file left in the (private) swap directory.
. "${top_srcdir:-.}/tests/integration/lib.sh"

seconds=${STRESS_SECONDS:-180}
mib=${STRESS_MIB:-32}
writers=${STRESS_WRITERS:-8}
mkdir "$WORK/swap"
echo "forkstress: $writers writers over $mib MiB, forking for $seconds s, cap 8 MiB"
timeout $((seconds + 300)) "$UPAGE" run --engine "$ENGINE" --swap "$WORK/swap" \
	--report "$WORK/r.json" --max-rss 8M -- "$PROGS/forkstress" "$mib" "$writers" "$seconds" ||
	fail "forkstress: status $? (124: hung)"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 10000" "the parent paged all along"
[ -z "$(ls -A "$WORK/swap")" ] || fail "left in the swap directory: $(ls -A "$WORK/swap")"
echo "ok: the swap directory is empty"
