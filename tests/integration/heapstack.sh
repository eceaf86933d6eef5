#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A coroutine on a stack in the heap, paged out while switched away, and
# upage's handlers installed with SA_ONSTACK (Go and cgo require it).
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/heapstack" ||
	fail "a stack in the heap or a handler without SA_ONSTACK"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"
