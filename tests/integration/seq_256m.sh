#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# 256 MiB written and read back twice under a 64 MiB cap: every byte
# intact, the cap held, tens of thousands of swap-ins.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 64M -- "$PROGS/rwcheck" 256 2 || fail "rwcheck lost data"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['max_rss_bytes'] == 64 << 20" "cap is 64 MiB"
expect "$WORK/r.json" "r['swap_ins'] >= 20000" "tens of thousands of swap-ins"
expect "$WORK/r.json" "r['swap_outs'] >= 20000" "tens of thousands of swap-outs"
expect "$WORK/r.json" "r['faults']['no_page'] + r['pages_faulted_around'] >= 65536" \
	"every page first touched through do_no_page (or mapped with one by fault-around)"
