#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Sixty generations of eight threads exit while their siblings fault on a
# buffer twice the 4 MiB cap: key destructors and cross-thread frees of
# paged-out memory run during exit, and every page slot keeps its last
# write.
. "${top_srcdir:-.}/tests/integration/lib.sh"

timeout 120 "$UPAGE" run --engine "$ENGINE" --report "$WORK/r.json" --max-rss 4M -- \
	"$PROGS/threadexit" 8 60 8 32 || fail "threadexit: status $? (124: hung)"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 5000" "the exiting threads' siblings faulted from swap"
