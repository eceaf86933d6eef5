#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Aging keeps a hot set that fits resident while cold pages stream
# through: the hot set's pages are read every round, and the reads cost
# (almost) no swap-ins, though nine times the cap of cold data passes by.
. "${top_srcdir:-.}/tests/integration/lib.sh"

out=$(upage_run "$WORK/r.json" --max-rss 32M -- "$PROGS/hotcold" 8 96 24) ||
	fail "hotcold failed"
echo "$out"
ins=$(echo "$out" | sed -n 's/.*hot_swap_ins=\([0-9]*\).*/\1/p')
touches=$(echo "$out" | sed -n 's/.*hot_touches=\([0-9]*\).*/\1/p')
[ -n "$ins" ] && [ "$touches" -gt 0 ] || fail "no figures from hotcold"
# FIFO would re-read the whole hot set from swap about every other round.
[ $((ins * 50)) -le "$touches" ] ||
	fail "the hot set was swapped in $ins times over $touches touches (more than 2%)"
echo "ok: hot set swap-ins $ins over $touches touches"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_outs'] > 20000" "the cold data was paged out"
