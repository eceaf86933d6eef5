#!/bin/sh
# A SIGALRM handler (setitimer, every millisecond, on a heap-allocated
# alternate stack) checks and rewrites checksummed pages that are mostly
# on swap, interrupting three threads in the middle of their own faults,
# 800 times under a 4 MiB cap; every page of both buffers is verified.
. "${top_srcdir:-.}/tests/integration/lib.sh"

timeout 120 "$UPAGE" run --engine "$ENGINE" --report "$WORK/r.json" --max-rss 4M -- \
	"$PROGS/sigfault" 8 12 3 800 || fail "sigfault: status $? (124: hung)"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 5000" "pages came back from swap, in the handler and out of it"
