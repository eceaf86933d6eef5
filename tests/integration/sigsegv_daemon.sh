#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# daemon.sh under the SIGSEGV engine: the cap changes (frames out of
# service and back) must hold there too.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/daemon.sh"
