#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# accept, getsockname, getpeername with the address in paged-out heap
# memory, and fcntl's record locks with the struct flock there: the
# kernel's results, and no call that never returns.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/addrlock" "$WORK" ||
	fail "a socket address or a record lock in paged-out memory gave a wrong result or hung"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 100" "the heap was paged out and back in"
