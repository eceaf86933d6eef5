#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fork without exec: the child sees every byte, pages paged out at the
# fork included; parent and child then diverge privately, each under the
# cap with a pager of its own; posix_spawn works.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 16M -- "$PROGS/forkcheck" 64 || fail "fork lost or mixed data"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 4096" "pages were paged out around the fork"
