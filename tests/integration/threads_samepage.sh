#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Sixteen threads fault together on one page and on its neighbours while
# a 4 MiB cap sends those pages to swap and back: every atomic increment
# is counted and every thread's lane holds its last write.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 4M -- "$PROGS/samepage" 16 16 10000 ||
	fail "samepage lost an increment or a write"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 5000" "the hammered pages came back from swap"
expect "$WORK/r.json" "r['faults']['wp_page'] > 1000" "writes to clean pages were caught"
