#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# signals_handler.sh under the SIGSEGV engine: a SIGALRM handler on an
# alternate stack the program took from malloc (the arena), where the
# kernel cannot write a signal frame onto a paged-out, PROT_NONE page, so
# upage gives the kernel a stack of its own; and the program's own
# SIGSEGV and SIGBUS handlers.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/signals_handler.sh"
