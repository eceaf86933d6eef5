#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The SIGSEGV engine needs up to two kernel mappings per resident page and
# cuts the cap to what vm.max_map_count allows: quietly for the default
# cap (half the RAM, a ceiling nobody asked for), with one message naming
# UPAGE_MAX_RSS and vm.max_map_count when the user's cap is cut; the
# report then gives the cap in force.
. "${top_srcdir:-.}/tests/integration/lib.sh"

unset UPAGE_MAX_RSS UPAGE_VERBOSE
"$UPAGE" run --engine sigsegv --report "$WORK/d.json" -- "$PROGS/rwcheck" 8 1 \
	>"$WORK/d.out" 2>"$WORK/d.err" || { cat "$WORK/d.err"; fail "rwcheck with the default cap"; }
ENGINE=sigsegv expect_capped "$WORK/d.json"
if grep . "$WORK/d.err"; then
	fail "the default cap printed a message under the sigsegv engine"
fi
echo "ok: the default cap, cut or not, is quiet"

maps=$(cat /proc/sys/vm/max_map_count)
[ "$maps" -lt 500000 ] || skip "vm.max_map_count=$maps: a 1G cap would not be cut"
"$UPAGE" run --engine sigsegv --max-rss 1G --report "$WORK/u.json" -- "$PROGS/rwcheck" 8 1 \
	>"$WORK/u.out" 2>"$WORK/u.err" || { cat "$WORK/u.err"; fail "rwcheck with a 1G cap"; }
cat "$WORK/u.err"
[ "$(wc -l <"$WORK/u.err")" -eq 1 ] || fail "a cut cap should give exactly one message"
grep -q 'UPAGE_MAX_RSS=1024M.*vm.max_map_count=' "$WORK/u.err" ||
	fail "the message should name UPAGE_MAX_RSS and vm.max_map_count"
echo "ok: a cap the user asked for is cut with one message naming UPAGE_MAX_RSS"
cut=$(sed -n 's/.*at most \([0-9]*\)M stay resident.*/\1/p' "$WORK/u.err")
expect "$WORK/u.json" "r['max_rss_bytes'] >> 20 == $cut" "the report's max_rss_bytes is the cap in force (${cut}M)"
