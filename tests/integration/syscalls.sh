#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# read, fread, recv into and write, send from paged-out memory, in single
# large calls: the kernel takes those faults itself.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 12M -- "$PROGS/syscalls" "$WORK" 24 ||
	fail "a system call on paged-out memory failed or lost data"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 4096" "the buffers were paged out and back in"
