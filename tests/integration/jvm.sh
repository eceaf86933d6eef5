#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The JVM under upage: java -version, and a program that allocates 96 MiB
# of arrays in a 256 MiB heap under a 48 MiB cap (paged: swap-outs and
# swap-ins, every value read back as written) and starts a thread; then
# with the JVM's default heap (larger than the arena: it runs, unpaged).
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v java >/dev/null && command -v javac >/dev/null || skip "no JDK (java, javac)"
javac -d "$WORK" "$top_srcdir/tests/integration/java/Hello.java" || fail "javac failed"

upage_run "$WORK/v.json" --max-rss 256M -- java -Xmx256m -version >"$WORK/v.out" 2>&1 ||
	fail "java -version failed under upage: $(cat "$WORK/v.out")"
grep -q 'OpenJDK\|Java' "$WORK/v.out" || fail "java -version said: $(cat "$WORK/v.out")"
echo "ok: java -version"

upage_run "$WORK/h.json" --max-rss 48M -- java -Xmx256m -cp "$WORK" Hello 96 >"$WORK/h.out" 2>&1 ||
	fail "Hello failed under upage: $(tail -20 "$WORK/h.out")"
grep -q 'wrong values: 0' "$WORK/h.out" && grep -q 'thread ok' "$WORK/h.out" ||
	fail "Hello said: $(cat "$WORK/h.out")"
expect_capped "$WORK/h.json"
expect "$WORK/h.json" "r['swap_outs'] > 1000 and r['swap_ins'] > 1000" "the Java heap was paged"

upage_run "$WORK/d.json" --max-rss 48M -- java -cp "$WORK" Hello 32 >"$WORK/d.out" 2>&1 ||
	fail "Hello with the default heap failed under upage: $(tail -20 "$WORK/d.out")"
grep -q 'wrong values: 0' "$WORK/d.out" || fail "Hello (default heap) said: $(cat "$WORK/d.out")"
echo "ok: the default heap runs"
