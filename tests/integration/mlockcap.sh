#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mlock and mlockall under a cap: locked heap stays resident and intact
# while other memory is paged through, a lock past the cap fails with
# ENOMEM or EAGAIN at once (never a hang), munlock lets it be paged again.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 40M -- "$PROGS/mlockcap" ||
	fail "mlock or mlockall under a cap did not keep the kernel's meaning"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the unlocked heap was paged out and back in"
