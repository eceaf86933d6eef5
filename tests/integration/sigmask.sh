#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A program that blocks SIGSEGV, SIGBUS and SIGSYS (sigprocmask,
# pthread_sigmask, a handler's sa_mask) keeps its paged-out heap, system
# calls on it included; the in-thread engines keep their signals
# deliverable and show the program the mask it set.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 16M -- "$PROGS/sigmask" 48 ||
	fail "a program blocking SIGSEGV lost its heap under the $ENGINE engine"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged while blocked"
