#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# fd_close.sh under the SIGSEGV engine: its swap area and arena memfd
# survive what the program does to its descriptors.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/fd_close.sh"
