#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The compressed tier (--zswap): every byte read back as written under a
# cap well below the data, with pages of one word, text, sparse and random
# pages; a pool far too small spilling to the swap area through LRU
# writeback; incompressible pages rejected to the area; zstd; fork.  The
# pool comes out of the cap: the zone's frames and the pool together stay
# within it.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# The pool took its bytes off the cap, and its figures add up.
expect_pool() {
	expect_capped "$1"
	expect "$1" "r['zswap']['limit_bytes'] == $2" "a pool of $2 bytes"
	expect "$1" "r['peak_resident_bytes'] + r['zswap']['limit_bytes'] <= r['max_rss_bytes']" \
		"frames and pool together within the cap"
	expect "$1" "r['zswap']['pool_bytes'] <= r['zswap']['limit_bytes']" "the pool within its size"
	expect "$1" "r['io_errors'] == 0" "no I/O error"
}

# 1. Exact data under pressure: 48M of mixed pages under a 16M cap, 4M of
#    it the pool: stores, hits, same-filled pages, rejects, writebacks.
upage_run "$WORK/mixed.json" --max-rss 16M --zswap 4M -- "$PROGS/zcheck" 48 3 mixed ||
	fail "mixed pages through the compressed tier lost or mixed data"
expect_pool "$WORK/mixed.json" 4194304
expect "$WORK/mixed.json" "r['zswap']['hits'] > 4096" "swap-ins served from the pool"
expect "$WORK/mixed.json" "r['zswap']['same_filled'] > 1000" "pages of one word kept as the word"
expect "$WORK/mixed.json" "r['zswap']['rejects'] > 1000" "random pages rejected to the area"
expect "$WORK/mixed.json" "r['zswap']['ratio'] > 2" "compressed over 2:1"
expect "$WORK/mixed.json" "r['zswap']['writebacks'] > 0" "the full pool wrote back to the area"
expect "$WORK/mixed.json" "r['swap_ins'] > r['zswap']['hits']" "and some pages came from the area"
expect "$WORK/mixed.json" "r['latency_ns']['zswap_load']['count'] == r['zswap']['hits']" \
	"each page read from the pool timed (latency_ns.zswap_load)"
expect "$WORK/mixed.json" "r['latency_ns']['io_read']['count'] == r['swap_ins'] - r['zswap']['hits']" \
	"io_read counts only the area's reads"

# 2. A full pool spilling to disk: 32M of text through a 1M pool (25%
#    of a 4M cap) that holds a few hundred pages at a time.
upage_run "$WORK/spill.json" --max-rss 4M --zswap 25% -- "$PROGS/zcheck" 32 2 text ||
	fail "a full pool lost data writing back"
expect_pool "$WORK/spill.json" 1048576
expect "$WORK/spill.json" "r['zswap']['writebacks'] > 4096" "thousands of entries written back"
expect "$WORK/spill.json" "r['zswap']['hits'] > 1000" "and the pool still served swap-ins"
expect "$WORK/spill.json" "r['zswap']['rejects'] == 0" "text is never a reject"

# 3. Incompressible pages: every one a reject, read from the area.
upage_run "$WORK/random.json" --max-rss 8M --zswap 2M -- "$PROGS/zcheck" 24 2 random ||
	fail "random pages lost data"
expect_pool "$WORK/random.json" 2097152
expect "$WORK/random.json" "r['zswap']['rejects'] > 4096" "random pages rejected"
# (What the pool holds is zcheck's own table of versions.)
expect "$WORK/random.json" "r['zswap']['stored_pages'] * 20 < r['zswap']['rejects']" \
	"almost nothing kept in the pool"
expect "$WORK/random.json" "r['swap_ins'] > 4096" "they came back from the area"

# 4. zstd.
upage_run "$WORK/zstd.json" --max-rss 12M --zswap 4M --zswap-compressor zstd -- \
	"$PROGS/zcheck" 32 2 mixed || fail "zstd lost data"
expect_pool "$WORK/zstd.json" 4194304
expect "$WORK/zstd.json" "r['zswap']['hits'] > 1000" "zstd served swap-ins"

# 5. fork: the child sees its parent's pages, those in the pool included,
#    and writes its own; the parent's do not change.
upage_run "$WORK/fork.json" --max-rss 16M --zswap 4M -- "$PROGS/zcheck" 32 2 mixed fork ||
	fail "fork with pages in the pool lost or mixed data"
expect_pool "$WORK/fork.json" 4194304
expect "$WORK/fork.json" "r['zswap']['hits'] > 1000" "the parent read back from the pool"

# 6. The environment variable, with a percentage.
env UPAGE_ZSWAP=20% UPAGE_MAX_RSS=10M UPAGE_ENGINE="$ENGINE" UPAGE_REPORT="$WORK/env.json" \
	"$UPAGE" run -- "$PROGS/zcheck" 16 1 mixed >/dev/null || fail "UPAGE_ZSWAP=20% lost data"
expect "$WORK/env.json" "r['zswap']['limit_bytes'] == 10 * 1048576 * 20 // 100 // 4096 * 4096" \
	"UPAGE_ZSWAP=20% of a 10M cap"
