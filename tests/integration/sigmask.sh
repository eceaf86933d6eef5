#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A program that blocks SIGSEGV, SIGBUS and SIGSYS (sigprocmask,
# pthread_sigmask, a handler's sa_mask) keeps its paged-out heap, system
# calls on it included, under either engine; the SIGSEGV engine keeps its
# signals deliverable and shows the program the mask it set.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for ENGINE in ${UPAGE_TEST_ENGINE:-uffd sigsegv}; do
	echo "== engine $ENGINE"
	upage_run "$WORK/$ENGINE.json" --max-rss 16M -- "$PROGS/sigmask" 48 ||
		fail "a program blocking SIGSEGV lost its heap under the $ENGINE engine"
	expect_capped "$WORK/$ENGINE.json"
	expect "$WORK/$ENGINE.json" "r['swap_ins'] > 1000" "the heap was paged while blocked"
done
