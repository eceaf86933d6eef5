#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# munmap, mprotect, madvise, MAP_FIXED and mremap on arena mappings whose
# pages are paged out behave as the kernel's; a region larger than the cap
# keeps its data through read-only, PROT_NONE and read-write, and through
# mremap moving it while protected.  Under the SIGSEGV engine a page not
# resident stays PROT_NONE in the kernel whatever the program's mprotect
# says, and a read-only region's pages stay read-only.
. "${top_srcdir:-.}/tests/integration/lib.sh"

upage_run "$WORK/r.json" --max-rss 8M -- "$PROGS/mapping" 32 || fail "mapping semantics broken"
expect_capped "$WORK/r.json"
expect "$WORK/r.json" "r['swap_ins'] > 1000" "the mappings were paged out and in"
