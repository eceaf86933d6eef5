#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Eight threads keep 16 MiB live under a 4 MiB cap, and free it (free,
# munmap, MADV_DONTNEED) while kswapd is writing it out: every block is
# intact when freed, dropped halves read as zeros.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 4M -- "$PROGS/churn" 8 2 600 ||
	fail "churn found a block changed before it was freed"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_outs'] > 5000" "blocks were written out before being freed"
expect "$WORK/r.json" "r['pages_dropped'] > 5000" "freed memory was dropped"
