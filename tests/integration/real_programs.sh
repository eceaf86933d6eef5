#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real, unmodified programs give the same output under upage as without
# it, with a cap well below what they use: python3 building a large dict,
# sort of a file larger than the cap, sqlite3 with a large cache.
. "${top_srcdir:-.}/tests/integration/lib.sh"

for p in python3 sort sqlite3; do
	command -v $p >/dev/null || skip "$p is not installed"
done

# python3: a dict of 400 000 entries (about 60 MiB) under 24 MiB.
py='d = {i: str(i) * 8 for i in range(400000)}
print(len(d), sum(map(len, d.values())), d[123457], sum(k for k in d if k % 7 == 0))'
want=$(python3 -c "$py")
got=$(upage_run "$WORK/py.json" --max-rss 24M -- python3 -c "$py") || fail "python3 under upage failed"
[ "$got" = "$want" ] || fail "python3: got '$got', expected '$want'"
echo "ok: python3 output identical"
expect_capped "$WORK/py.json"
expect "$WORK/py.json" "r['swap_outs'] > 1000" "python3 was paged"

# sort: 6 MB of lines, about 20 MB of sort's memory (text and line
# table), under an 8 MiB cap.  The lines come as eight interleaved
# ascending runs: with random lines every comparison is a random page
# access and the test spends minutes in swap reads at 75 us each (that
# case is in `make stress`); here the whole table is still paged out and
# back many times.
seq 0 399999 | awk '{ printf "%08d-%s\n", ($1 % 8) * 50000 + int($1 / 8), $1 }' >"$WORK/in.txt"
want=$(sort "$WORK/in.txt" | md5sum)
got=$(upage_run "$WORK/sort.json" --max-rss 8M -- sort -S 100M "$WORK/in.txt" | md5sum) ||
	fail "sort under upage failed"
[ "$got" = "$want" ] || fail "sort: output differs"
echo "ok: sort output identical"
expect_capped "$WORK/sort.json"
expect "$WORK/sort.json" "r['swap_outs'] > 1000" "sort was paged"

# sqlite3: an in-memory database of about 30 MiB, cache of 200 MiB, 12 MiB cap.
sql="PRAGMA cache_size = -200000;
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 150000)
INSERT INTO t SELECT i, (i * 7919) % 100003, printf('%0150d', i) FROM c;
CREATE INDEX tk ON t(k);
SELECT count(*), sum(k), sum(length(v)), max(v) FROM t;
SELECT k, count(*) FROM t GROUP BY k ORDER BY count(*) DESC, k LIMIT 3;"
want=$(echo "$sql" | sqlite3 :memory:)
got=$(echo "$sql" | upage_run "$WORK/sql.json" --max-rss 12M -- sqlite3 :memory:) ||
	fail "sqlite3 under upage failed"
[ "$got" = "$want" ] || fail "sqlite3: got '$got', expected '$want'"
echo "ok: sqlite3 output identical"
expect_capped "$WORK/sql.json"
expect "$WORK/sql.json" "r['swap_outs'] > 1000" "sqlite3 was paged"
