#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pthread_cancel of threads blocked in (or about to take) faults on
# paged-out memory, asynchronous and at a pread() into a paged-out buffer,
# sixteen rounds of eight: no hang (timeout), no spurious SIGSEGV, and the
# shared and the survivor's memory intact.
. "${top_srcdir:-.}/tests/integration/lib.sh"

timeout 120 "$UPAGE" run --engine "$ENGINE" --report "$WORK/r.json" --max-rss 4M -- \
	"$PROGS/cancel" 8 16 8 || fail "cancel: status $? (124: hung)"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 5000" "the cancelled threads faulted on paged-out memory"
