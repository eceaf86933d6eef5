#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sort of 60 MB of random lines under a 16 MiB cap: every comparison is a
# random page access, so the run is millions of swap-ins (minutes here,
# at 75 us a swap read).  Two threads sort while kswapd evicts the pages
# they compare; the output must be what sort gives without upage.
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v sort >/dev/null || skip "sort is not installed"
seq 1 4000000 | awk '{ printf "%07d-%s\n", ($1 * 7919) % 1000003, $1 }' >"$WORK/in.txt"
want=$(sort "$WORK/in.txt" | md5sum)
got=$(upage_run "$WORK/sort.json" --max-rss 16M -- sort --parallel=2 -S 100M "$WORK/in.txt" |
	md5sum) || fail "sort under upage failed"
[ "$got" = "$want" ] || fail "sort: output differs"
echo "ok: sort of 60 MB of random lines under 16M identical"
expect_capped "$WORK/sort.json"
expect "$WORK/sort.json" "r['swap_ins'] > 1000000" "sort was paged heavily"
