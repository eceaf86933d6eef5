#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mapping.sh under the SIGSEGV engine: mprotect and mremap of arena
# regions go through the engine, so a page not resident stays PROT_NONE
# in the kernel whatever the program's mprotect says, and a read-only
# region's pages stay read-only (progs/mapping.c checks every byte).
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/mapping.sh"
