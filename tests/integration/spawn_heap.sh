#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# posix_spawn from a paged-out heap: argv, envp, file actions and environ
# in the heap, paged out at the call (posix_spawn's child shares the
# parent's memory with every handler reset, so under the in-thread
# engines it must never touch the arena); then GNU make -j2 on a large
# generated Makefile (recipes writing files with $(file ...), some
# spawning a shell) under a small cap, whose output must be what make
# gives without upage.
. "${top_srcdir:-.}/tests/integration/lib.sh"

mkdir "$WORK/sp"
upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/spawnheap" "$WORK/sp" 32 12 ||
	fail "posix_spawn with its arguments in paged-out heap"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the heap was paged out and back in"

command -v make >/dev/null || skip "GNU make is not installed"
n=2500
{
	echo "N := \$(shell seq 1 $n)"
	echo 'BIG := $(foreach i,$(shell seq 1 200),word$(i)-padding-padding-padding)'
	echo 'all: $(patsubst %,out/t%.txt,$(N))'
	echo 'out/t%.txt:'
	echo '	$(file >$@,$(foreach i,1 2 3 4 5,line $* $i $(BIG)))'
	echo '	@if [ $$(( $* % 7 )) -eq 0 ]; then sh -c "echo shell $* >> $@"; fi'
	i=1
	while [ $i -le $n ]; do
		echo "V$i := \$(BIG) $i"
		i=$((i + 1))
	done
} >"$WORK/Makefile"
mkdir "$WORK/native" "$WORK/paged" "$WORK/native/out" "$WORK/paged/out"
cp "$WORK/Makefile" "$WORK/native/"
cp "$WORK/Makefile" "$WORK/paged/"
make -s -j2 -C "$WORK/native" >/dev/null || fail "make failed without upage"
(cd "$WORK/paged" && upage_run "$WORK/make.json" --max-rss 4M -- make -s -j2 >"$WORK/make.out" 2>&1) ||
	fail "make -j2 failed under upage: $(tail -5 "$WORK/make.out")"
diff -r "$WORK/native/out" "$WORK/paged/out" >/dev/null || fail "make's output differs under upage"
echo "ok: make -j2 wrote $(ls "$WORK/paged/out" | wc -l) files as without upage"
expect "$WORK/make.json" "r['swap_outs'] > 1000" "make's heap was paged out"
