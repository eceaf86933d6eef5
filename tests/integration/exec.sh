#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# exec: the programs a paged program starts (vfork + execve, posix_spawn,
# system) run under upage too, each with its own cap and pager, and do
# not overwrite the parent's report; "%p" in the report path gives each
# its own.  --no-inherit (UPAGE_INHERIT=0) runs them without upage.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# Inherited: three children, each paging 24 MiB under its own 12 MiB cap.
mkdir "$WORK/each"
"$UPAGE" run --engine "$ENGINE" --max-rss 12M --report "$WORK/each/r.%p.json" -- \
	"$PROGS/spawn" 32 >"$WORK/out" || fail "spawn failed under upage: $(cat "$WORK/out")"
cat "$WORK/out"
[ "$(grep -c 'under upage: yes' "$WORK/out")" = 3 ] || fail "not every child ran under upage"
parent=$(sed -n 's/^parent \([0-9]*\):.*/\1/p' "$WORK/out")
[ -f "$WORK/each/r.$parent.json" ] || fail "no report r.$parent.json for the parent"
for child in $(sed -n 's/^child \([0-9]*\) under.*/\1/p' "$WORK/out"); do
	r="$WORK/each/r.$child.json"
	[ -f "$r" ] || fail "no report of its own for child $child"
	expect_capped "$r"
	expect "$r" "r['pid'] == $child and r['swap_outs'] > 1000" "child $child was paged"
done

# One report path: only the program upage run started writes it, even
# when a child it started exits after it.
upage_run "$WORK/one.json" --max-rss 12M -- sh -c 'echo $$ >"$3"; "$0" child 24 >"$1" &
	echo $! >"$2"' "$PROGS/spawn" "$WORK/bg.out" "$WORK/bg.pid" "$WORK/sh.pid" ||
	fail "sh failed under upage"
bg=$(cat "$WORK/bg.pid")
i=0
while kill -0 "$bg" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 600 ] || fail "the background child $bg did not finish"
	sleep 0.1
done
grep -q 'under upage: yes' "$WORK/bg.out" || fail "the background child failed: $(cat "$WORK/bg.out")"
expect "$WORK/one.json" "r['pid'] == $(cat "$WORK/sh.pid")" "the report is the one upage run started, not a later child's"

# --no-inherit: the children run without upage; the parent still is paged.
upage_run "$WORK/no.json" --max-rss 12M --no-inherit -- "$PROGS/spawn" 32 >"$WORK/out" ||
	fail "spawn failed with --no-inherit"
[ "$(grep -c 'under upage: no' "$WORK/out")" = 3 ] || fail "a child ran under upage with --no-inherit"
echo "ok: --no-inherit children run without upage"
expect "$WORK/no.json" "r['swap_ins'] > 1000" "the parent was paged with --no-inherit"
UPAGE_INHERIT=0 LD_PRELOAD="/nowhere/x.so:$top_builddir/lib/.libs/libupage.so" \
	"$PROGS/spawn" 8 >"$WORK/out" 2>"$WORK/err" || fail "UPAGE_INHERIT=0 with LD_PRELOAD failed"
[ "$(grep -c 'under upage: no' "$WORK/out")" = 3 ] || fail "UPAGE_INHERIT=0 left libupage.so to children"
[ "$(grep -c 'LD_PRELOAD=/nowhere/x.so$' "$WORK/out")" = 3 ] ||
	fail "UPAGE_INHERIT=0 changed the rest of LD_PRELOAD: $(grep LD_PRELOAD "$WORK/out")"
echo "ok: UPAGE_INHERIT=0 takes only libupage.so out of LD_PRELOAD"

# A chain of execs: each program of it runs under upage, and under the
# engines that trap system calls each adds a seccomp filter its exec'd
# successors keep.  The kernel allows 32768 instructions over them all,
# so the chain's end cannot install one: it must say so, naming the
# inherited filters, and run without upage rather than fail.
cat >"$WORK/chain.sh" <<'SH'
n=$1
shift
if [ "$n" -gt 0 ]; then
	exec sh "$0" $((n - 1)) "$@"
fi
exec "$@" child 8
SH
mkdir "$WORK/chain"
"$UPAGE" run --engine "$ENGINE" --max-rss 12M --report "$WORK/chain/r.%p.json" -- \
	sh "$WORK/chain.sh" 20 "$PROGS/spawn" >"$WORK/out" 2>"$WORK/err" ||
	fail "the chain of execs failed: $(cat "$WORK/out" "$WORK/err")"
end=$(sed -n 's/^child \([0-9]*\) under.*/\1/p' "$WORK/out")
[ -n "$end" ] || fail "the chain's end printed nothing: $(cat "$WORK/out")"
case $ENGINE in
uffd)
	[ -f "$WORK/chain/r.$end.json" ] || fail "the chain's end did not run under upage (no report)"
	expect "$WORK/chain/r.$end.json" "r['engine'] == 'uffd'" "the chain's end paged"
	[ ! -s "$WORK/err" ] || fail "messages from a chain of execs under uffd: $(cat "$WORK/err")"
	echo "ok: a chain of 21 execs runs under upage to its end"
	;;
*)
	[ ! -f "$WORK/chain/r.$end.json" ] || fail "a report from the chain's end, which has no filter"
	grep -q 'the [0-9]* seccomp filters this process inherited' "$WORK/err" ||
		fail "no message naming the inherited filters: $(cat "$WORK/err")"
	grep -q 'running without upage' "$WORK/err" || fail "no 'running without upage': $(cat "$WORK/err")"
	echo "ok: the end of a chain of 21 execs says why it runs without upage"
	;;
esac
