#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# RLIMIT_AS: with a 6 GiB limit, calloc of 5 GiB and malloc of 3 GiB work
# under upage as they do without it, and are paged (the arena takes what
# the limit leaves); a limit that forces a smaller arena than the default
# is said at start, naming RLIMIT_AS.
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v prlimit >/dev/null || skip "prlimit is not installed (util-linux)"
as=$((6 << 30))
prlimit --as=$as "$PROGS/bigalloc" calloc 5 64 >/dev/null ||
	skip "calloc of 5 GiB under RLIMIT_AS=6G fails even without upage here"

for case in "calloc 5" "malloc 3"; do
	set -- $case
	out=$(prlimit --as=$as "$UPAGE" run --engine "$ENGINE" --max-rss 64M --report "$WORK/$1.json" \
		-- "$PROGS/bigalloc" "$1" "$2" 16) || fail "$1 of $2 GiB under RLIMIT_AS=6G: $out"
	expect_capped "$WORK/$1.json"
	expect "$WORK/$1.json" "r['swap_outs'] > 1000" "$1 of $2 GiB under RLIMIT_AS=6G: paged in the arena"
	expect "$WORK/$1.json" "r['arena_bytes'] >= $2 << 30" "the arena took what the limit leaves"
done

# fork under the limit (the SIGSEGV engine copies its memfd without a
# mapping of it).
prlimit --as=$as "$UPAGE" run --engine "$ENGINE" --max-rss 16M --report "$WORK/fork.json" \
	-- "$PROGS/forkcheck" 48 >/dev/null || fail "forkcheck under RLIMIT_AS=6G"
expect "$WORK/fork.json" "r['swap_ins'] > 1000" "fork under RLIMIT_AS=6G: parent and child intact"

out=$(prlimit --as=$((1 << 30)) "$UPAGE" run --engine "$ENGINE" -- true 2>&1) ||
	fail "a program under RLIMIT_AS=1G did not run: $out"
echo "$out" | grep -q "RLIMIT_AS (1024M) leaves room for an arena of" ||
	fail "RLIMIT_AS=1G: no message saying the arena is smaller: $out"
echo "ok: $out"
