#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A Go program under upage (tests/integration/golang): with cgo, a Go heap
# of 160 MiB under a 48 MiB cap, filled by goroutines, collected
# (runtime.GC, whose scavenger returns memory with raw madvise calls) and
# read back, written to a file and read back into paged-out heap with Go's
# own system calls, and C.malloc'd memory written from Go and read from C
# and back: every byte as written, and the Go heap paged (swap-outs and
# swap-ins in the report), and a static Go program run with os/exec (Go's
# own fork and exec: the child resets the runtime's signal handlers with
# raw calls before its trapped execve).  Without cgo (a static program making raw
# system calls, which upage is never loaded into): it runs as without
# upage, unpaged, and leaves no report.
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v go >/dev/null || skip "no Go toolchain (Debian golang-go)"
command -v cc >/dev/null || command -v gcc >/dev/null || skip "no C compiler for cgo"
# Offline, with the build's caches in the test's own directory.
GOCACHE=$WORK/gocache GOPATH=$WORK/gopath GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
GO111MODULE=on GOTELEMETRY=off
export GOCACHE GOPATH GOFLAGS GOPROXY GOTOOLCHAIN GO111MODULE GOTELEMETRY
mkdir "$WORK/src"
cp "$top_srcdir"/tests/integration/golang/*.go "$top_srcdir/tests/integration/golang/go.mod" "$WORK/src"
(cd "$WORK/src" && CGO_ENABLED=1 go build -o "$WORK/goheap" . && CGO_ENABLED=0 go build -o "$WORK/goheap-static" .) \
	>"$WORK/build.out" 2>&1 || fail "go build failed: $(cat "$WORK/build.out")"

"$WORK/goheap" 32 >"$WORK/native.out" 2>&1 || fail "goheap fails without upage: $(cat "$WORK/native.out")"

expect_out() {	# FILE N: goheap made its N checks (it stops at the first wrong byte)
	[ "$(grep -c ': wrong bytes: 0$' "$1")" = "$2" ] || fail "goheap said: $(cat "$1")"
}

GOHEAP_EXEC=$WORK/goheap-static
export GOHEAP_EXEC
upage_run "$WORK/r.json" --max-rss 48M -- "$WORK/goheap" 160 >"$WORK/r.out" 2>"$WORK/r.err" ||
	fail "goheap (cgo) failed under upage: $(tail -n 20 "$WORK/r.out" "$WORK/r.err")"
unset GOHEAP_EXEC
expect_out "$WORK/r.out" 6
! grep -q "cannot serve" "$WORK/r.err" || fail "a fault was not served: $(cat "$WORK/r.err")"
echo "ok: a cgo program's Go heap, file I/O and C heap read back as written"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_outs'] > 10000 and r['swap_ins'] > 10000" "the Go heap was paged"

upage_run "$WORK/s.json" --max-rss 48M -- "$WORK/goheap-static" 96 >"$WORK/s.out" 2>&1 ||
	fail "goheap without cgo failed under upage: $(tail -n 20 "$WORK/s.out")"
expect_out "$WORK/s.out" 3
grep -qx "no cgo" "$WORK/s.out" || fail "goheap-static said: $(cat "$WORK/s.out")"
[ ! -e "$WORK/s.json" ] || fail "a static Go program was paged? $(cat "$WORK/s.json")"
echo "ok: a Go program without cgo runs, unpaged (no report)"
