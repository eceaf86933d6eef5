#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Four threads read back disjoint slices paged out under a 4 MiB cap:
# faults of different threads are served at once, so at least two swap
# reads are in flight together (and every page is intact).
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 4M -- "$PROGS/inflight" 4 8 || fail "inflight read back wrong data"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 4000" "the slices came back from swap"
expect "$WORK/r.json" "r['max_faults_in_flight'] >= 2" "faults of different threads were served at once"
expect "$WORK/r.json" "r['max_reads_in_flight'] >= 2" "swap reads were in flight together"
