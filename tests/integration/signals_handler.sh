#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A SIGALRM handler (setitimer, every millisecond, on a heap-allocated
# alternate stack) checks and rewrites checksummed pages that are mostly
# on swap, interrupting three threads in the middle of their own faults,
# 800 times under a 4 MiB cap; every page of both buffers is verified.
# A program's own SIGSEGV and SIGBUS handlers keep the faults outside
# the arena.
. "${top_srcdir:-.}/tests/integration/lib.sh"

timeout 120 "$UPAGE" run --engine "$ENGINE" --report "$WORK/r.json" --max-rss 4M -- \
	"$PROGS/sigfault" 8 12 3 800 || fail "sigfault: status $? (124: hung)"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 5000" "pages came back from swap, in the handler and out of it"

# The program's own SIGSEGV and SIGBUS handlers get the faults outside the
# arena, while its heap is paged.
upage_run "$WORK/own.json" --max-rss 16M -- "$PROGS/own_handler" 48 ||
	fail "own_handler: the program's handlers did not get their faults"
expect "$WORK/own.json" "r['swap_ins'] > 1000" "the heap was paged while the program's handlers ran"
