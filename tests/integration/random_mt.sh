#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Four threads over 128 MiB under a 32 MiB cap: random reads and writes of
# a shared buffer, and malloc / calloc / realloc / aligned allocations
# filled, verified and freed concurrently.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 32M -- "$PROGS/mtstress" 128 4 30000 ||
	fail "mtstress found corrupted or wrong memory"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the threads faulted pages back from swap"
expect "$WORK/r.json" "r['pages_dropped'] > 0" "freed memory was dropped, not swapped"
