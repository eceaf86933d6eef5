#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# setuid_exec.sh under the SIGSEGV engine, whose filter sets no_new_privs.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/setuid_exec.sh"
