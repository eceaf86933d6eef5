#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# redis_bgsave.sh under the SIGSEGV engine: a real server that forks for
# BGSAVE from a thread-rich process whose jemalloc started before upage
# (libstdc++'s start-up allocates), the fork-order case in earnest.
top_srcdir=${top_srcdir:-.}
UPAGE_TEST_ENGINE=sigsegv exec sh "$top_srcdir/tests/integration/redis_bgsave.sh"
