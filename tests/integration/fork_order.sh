#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fork when a library initialised before libupage called malloc (a C++
# program: libstdc++'s constructor does; redis-server is one): jemalloc
# then registered its fork handlers before upage's, and glibc's order
# (prepare in reverse) made jemalloc lock its mutexes in the arena while
# upage held mmap_lock (under the SIGSEGV engine, frozen): the forking
# thread deadlocked on itself, with SIGTERM blocked (hence timeout -k).
# libstdc++ is preloaded here to be initialised first.
. "${top_srcdir:-.}/tests/integration/lib.sh"

cxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')
[ -n "$cxx" ] && [ -f "$cxx" ] || skip "libstdc++.so.6 not found"
LD_PRELOAD="$cxx" timeout -k 10 120 "$UPAGE" run --engine "$ENGINE" --report "$WORK/r.json" --max-rss 16M -- \
	"$PROGS/forkcheck" 32 || fail "forkcheck with libstdc++ initialised first: status $? (124: hung)"
expect_capped "$WORK/r.json"
echo "ok: fork with jemalloc initialised before libupage"
