// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zswap.c - the compressed tier in front of the swap areas, as Linux's
 * mm/zswap.c: zswap_store, zswap_load, zswap_invalidate, the pool and its
 * LRU writeback (see zswap.h for the rules it keeps).
 *
 * The pool is one block of memory taken at zswap_init and carved into:
 *  - entries (struct zswap_entry), one per stored page, free ones on a
 *    list;
 *  - a hash table of entry indexes by swap entry (chains through
 *    hash_next);
 *  - chunks of ZSWAP_CHUNK bytes holding compressed data, as zsmalloc's
 *    size classes reduced to one: a page's data is a chain of chunks
 *    (chunk_next), so there is no fragmentation and the pool's fill is
 *    counted exactly; a load gathers the chain into a scratch buffer and
 *    decompresses it from there.
 * Entries are on an LRU list, newest at the head; writeback takes the
 * oldest (the tail) and writes it, decompressed, to its slot.
 *
 * The compressors work in memory taken here too (lz4's state, zstd's
 * static contexts): they never call malloc, which on the fault path would
 * be the program's allocator.
 *
 * Locking: pool_lock protects everything in struct zswap_pool and the
 * counters; it nests inside swap_lock, and no other lock is taken under
 * it.  It is dropped for a writeback's write (at most ZSWAP_WB_MAX at
 * once, wb_done says when one ends), so swap-ins from the pool and slot
 * frees never wait on the disk; see zswap_writeback_entry for why that
 * keeps the pool and the area in agreement.
 */
#include "autoconfig.h"

#include "zswap.h"

#include <errno.h>
#include <lz4.h>
#include <pthread.h>
#include <string.h>
#define ZSTD_STATIC_LINKING_ONLY	/* ZSTD_initStaticCCtx: no malloc */
#include <zstd.h>

#include "stats.h"
#include "sys.h"

#define ZSWAP_CHUNK		64U		/* bytes of compressed data per chunk */
#define ZSWAP_ZSTD_LEVEL	1
#define NIL			UINT32_MAX	/* no entry, no chunk */
#define WRITEBACK_TRIES		16		/* entries written back for one store, at most */
#define WRITEBACK_SKIP		512		/* entries passed over looking for one */

/* zswap_entry.flags */
#define ZE_NO_WRITEBACK		0x1	/* its area is not ours to write (fork), or failed */
#define ZE_WRITEBACK		0x2	/* being written back now */

#define ZSWAP_WB_MAX		4	/* writebacks in flight at once */

struct zswap_entry {
	uint32_t swpentry;		/* the slot (swp_entry_t.val); 0: a free entry */
	uint32_t length;		/* compressed bytes; 0: same-filled */
	union {
		uint64_t value;		/* same-filled: the word */
		uint32_t chunk;		/* else: the first chunk of the data */
	};
	uint32_t lru_prev, lru_next;	/* toward the newer / older entry */
	uint32_t hash_next;		/* the chain of its bucket, or the free list */
	uint16_t flags;		/* ZE_* */
	uint32_t gen;			/* which use of the entry this is (writeback's check) */
};

/* A writeback in flight: its buffers, and the slot it writes. */
struct zswap_wb {
	bool busy;
	swp_entry_t slot;
	unsigned char *page;		/* the entry's page, decompressed */
	unsigned char *gather;		/* its compressed data gathered */
};

struct zswap_pool {
	void *mem;			/* all of it, mem_bytes long */
	size_t mem_bytes;
	enum upage_compressor comp;
	zswap_writepage_fn writepage;
	void *area[MAX_SWAPFILES];	/* what stores gave, by swap type */

	struct zswap_entry *entries;
	uint32_t nr_entries, free_entry;
	uint32_t *hash;			/* 1 << hash_bits bucket heads */
	unsigned int hash_bits;
	uint32_t *chunk_next;		/* the next chunk of a chain, or the free list */
	unsigned char *chunks;
	uint32_t nr_chunks, free_chunk, nr_free_chunks;
	uint32_t lru_head, lru_tail;	/* newest, oldest */

	/* the compressor's memory, and scratch for one page at a time */
	void *lz4_state;
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	void *comp_mem;
	size_t comp_bytes;
	unsigned char *cbuf;		/* compressed data: ZSWAP_MAX_COMPRESSED */
	struct zswap_wb wb[ZSWAP_WB_MAX];
	uint32_t next_gen;

	struct zswap_stats st;
};

/* NULL: no pool.  Set before the runtime goes active, cleared by destroy. */
static struct zswap_pool *pool;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
/* A writeback ended (with pool_lock): a buffer is free, a slot is done. */
static pthread_cond_t wb_done = PTHREAD_COND_INITIALIZER;

/* ---- counters ---------------------------------------------------------- */

#define PUBLISH(field) __atomic_store_n(&s->zswap_##field, pool->st.field, __ATOMIC_RELAXED)

/* Copy the counters into upage_stats, where `upage stat` reads them. */
static void publish_stats(void)
{
	struct upage_stats *s = upage_stats;

	if (!s)
		return;
	PUBLISH(limit_bytes);
	PUBLISH(pool_bytes);
	PUBLISH(stored_pages);
	PUBLISH(same_filled);
	PUBLISH(stores);
	PUBLISH(hits);
	PUBLISH(rejects);
	PUBLISH(pool_full);
	PUBLISH(writebacks);
}

/* ---- the compressors --------------------------------------------------- */

static size_t comp_workspace(enum upage_compressor comp)
{
	if (comp == COMPRESSOR_LZ4)
		return (size_t)LZ4_sizeofState();
	return ZSTD_estimateCCtxSize_usingCParams(ZSTD_getCParams(ZSWAP_ZSTD_LEVEL, PAGE_SIZE, 0)) +
	       ZSTD_estimateDCtxSize();
}

static int comp_init(struct zswap_pool *p)
{
	size_t cbytes;

	p->comp_bytes = PAGE_ALIGN(comp_workspace(p->comp) + 64);
	p->comp_mem = sys_alloc_pages(p->comp_bytes);
	if (!p->comp_mem)
		return -ENOMEM;
	if (p->comp == COMPRESSOR_LZ4) {
		p->lz4_state = p->comp_mem;
		return 0;
	}
	cbytes = ZSTD_estimateCCtxSize_usingCParams(ZSTD_getCParams(ZSWAP_ZSTD_LEVEL, PAGE_SIZE, 0));
	cbytes = (cbytes + 63) & ~(size_t)63;
	p->cctx = ZSTD_initStaticCCtx(p->comp_mem, cbytes);
	p->dctx = ZSTD_initStaticDCtx((char *)p->comp_mem + cbytes, p->comp_bytes - cbytes);
	if (!p->cctx || !p->dctx)
		return -EIO;
	if (ZSTD_isError(ZSTD_CCtx_setParameter(p->cctx, ZSTD_c_compressionLevel,
						 ZSWAP_ZSTD_LEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(p->cctx, ZSTD_c_contentSizeFlag, 0)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(p->cctx, ZSTD_c_checksumFlag, 0)))
		return -EIO;
	return 0;
}

/* Compress a page into p->cbuf: its length, or 0 when over ZSWAP_MAX_COMPRESSED. */
static size_t compress_page(struct zswap_pool *p, const void *src)
{
	size_t n;

	if (p->comp == COMPRESSOR_LZ4) {
		int r = LZ4_compress_fast_extState(p->lz4_state, src, (char *)p->cbuf, PAGE_SIZE,
						   ZSWAP_MAX_COMPRESSED, 1);
		return r > 0 ? (size_t)r : 0;
	}
	n = ZSTD_compress2(p->cctx, p->cbuf, ZSWAP_MAX_COMPRESSED, src, PAGE_SIZE);
	return ZSTD_isError(n) ? 0 : n;
}

/* Decompress @len bytes of @src into @dst: 0, or -EIO if they are not a page. */
static int decompress_page(struct zswap_pool *p, const unsigned char *src, size_t len, void *dst)
{
	if (p->comp == COMPRESSOR_LZ4)
		return LZ4_decompress_safe((const char *)src, dst, (int)len, PAGE_SIZE) ==
			       PAGE_SIZE ? 0 : -EIO;
	return ZSTD_decompressDCtx(p->dctx, dst, PAGE_SIZE, src, len) == PAGE_SIZE ? 0 : -EIO;
}

/* ---- same-filled pages ------------------------------------------------- */

static bool page_same_filled(const void *page, uint64_t *value)
{
	const uint64_t *w = page;

	for (size_t i = 1; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i] != w[0])
			return false;
	*value = w[0];
	return true;
}

static void fill_page(void *page, uint64_t value)
{
	uint64_t *w = page;

	for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		w[i] = value;
}

/* ---- chunks ------------------------------------------------------------ */

static uint32_t chunks_for(size_t len)
{
	return (uint32_t)((len + ZSWAP_CHUNK - 1) / ZSWAP_CHUNK);
}

/* Copy p->cbuf[0..len) into a new chain of chunks: its first.  The caller
 * has made sure there are enough free ones. */
static uint32_t chunks_store(struct zswap_pool *p, size_t len)
{
	uint32_t first = p->free_chunk, c = first, n = chunks_for(len), last = NIL;

	for (uint32_t i = 0; i < n; i++) {
		size_t part = len - (size_t)i * ZSWAP_CHUNK;

		memcpy(p->chunks + (size_t)c * ZSWAP_CHUNK, p->cbuf + (size_t)i * ZSWAP_CHUNK,
		       part < ZSWAP_CHUNK ? part : ZSWAP_CHUNK);
		last = c;
		c = p->chunk_next[c];
	}
	p->free_chunk = c;
	p->chunk_next[last] = NIL;
	p->nr_free_chunks -= n;
	return first;
}

/* Gather a chain of @len bytes into @buf. */
static void chunks_load(struct zswap_pool *p, uint32_t c, size_t len, unsigned char *buf)
{
	for (size_t off = 0; off < len; off += ZSWAP_CHUNK, c = p->chunk_next[c]) {
		size_t part = len - off;

		memcpy(buf + off, p->chunks + (size_t)c * ZSWAP_CHUNK,
		       part < ZSWAP_CHUNK ? part : ZSWAP_CHUNK);
	}
}

static void chunks_free(struct zswap_pool *p, uint32_t c)
{
	while (c != NIL) {
		uint32_t next = p->chunk_next[c];

		p->chunk_next[c] = p->free_chunk;
		p->free_chunk = c;
		p->nr_free_chunks++;
		c = next;
	}
}

/* ---- entries: the hash table and the LRU ------------------------------- */

static inline uint32_t *bucket(struct zswap_pool *p, uint32_t swpentry)
{
	return &p->hash[(swpentry * 0x9e3779b1u) >> (32 - p->hash_bits)];
}

static uint32_t entry_find(struct zswap_pool *p, swp_entry_t e)
{
	uint32_t i = *bucket(p, e.val);

	while (i != NIL && p->entries[i].swpentry != e.val)
		i = p->entries[i].hash_next;
	return i;
}

static void lru_add(struct zswap_pool *p, uint32_t i)
{
	struct zswap_entry *ze = &p->entries[i];

	ze->lru_prev = NIL;
	ze->lru_next = p->lru_head;
	if (p->lru_head != NIL)
		p->entries[p->lru_head].lru_prev = i;
	else
		p->lru_tail = i;
	p->lru_head = i;
}

static void lru_del(struct zswap_pool *p, uint32_t i)
{
	struct zswap_entry *ze = &p->entries[i];

	if (ze->lru_prev != NIL)
		p->entries[ze->lru_prev].lru_next = ze->lru_next;
	else
		p->lru_head = ze->lru_next;
	if (ze->lru_next != NIL)
		p->entries[ze->lru_next].lru_prev = ze->lru_prev;
	else
		p->lru_tail = ze->lru_prev;
}

/* Take entry @i out of the pool: the hash, the LRU, its chunks, the counts. */
static void entry_free(struct zswap_pool *p, uint32_t i)
{
	struct zswap_entry *ze = &p->entries[i];
	uint32_t *link = bucket(p, ze->swpentry);

	while (*link != i)
		link = &p->entries[*link].hash_next;
	*link = ze->hash_next;
	lru_del(p, i);
	if (ze->length) {
		chunks_free(p, ze->chunk);
		p->st.pool_bytes -= (uint64_t)chunks_for(ze->length) * ZSWAP_CHUNK;
	} else {
		p->st.same_filled--;
	}
	p->st.stored_pages--;
	ze->swpentry = 0;
	ze->hash_next = p->free_entry;
	p->free_entry = i;
}

/* A new entry for @e, in the hash and at the LRU's head; one must be free. */
static struct zswap_entry *entry_new(struct zswap_pool *p, swp_entry_t e)
{
	uint32_t i = p->free_entry, *head = bucket(p, e.val);
	struct zswap_entry *ze = &p->entries[i];

	p->free_entry = ze->hash_next;
	ze->swpentry = e.val;
	ze->flags = 0;
	ze->gen = ++p->next_gen;
	ze->hash_next = *head;
	*head = i;
	lru_add(p, i);
	p->st.stored_pages++;
	return ze;
}

/* Entry @i's page, decompressed into @page by way of @gather (a page: the
 * data as one piece).  0 or -EIO. */
static int entry_read(struct zswap_pool *p, uint32_t i, void *page, unsigned char *gather)
{
	struct zswap_entry *ze = &p->entries[i];

	if (!ze->length) {
		fill_page(page, ze->value);
		return 0;
	}
	chunks_load(p, ze->chunk, ze->length, gather);
	return decompress_page(p, gather, ze->length, page);
}

/* ---- writeback --------------------------------------------------------- */

/* Can entry @i be written back to make room (for chunks only: @chunks)? */
static bool writeback_candidate(const struct zswap_pool *p, uint32_t i, bool chunks)
{
	const struct zswap_entry *ze = &p->entries[i];

	/* A same-filled entry holds no chunk: writing it frees none. */
	return !(ze->flags & (ZE_NO_WRITEBACK | ZE_WRITEBACK)) && (!chunks || ze->length);
}

/* Is slot @e being written back?  pool_lock held. */
static bool under_writeback(const struct zswap_pool *p, swp_entry_t e)
{
	for (int b = 0; b < ZSWAP_WB_MAX; b++)
		if (p->wb[b].busy && p->wb[b].slot.val == e.val)
			return true;
	return false;
}

/*
 * A writeback buffer, waiting for one (pool_lock dropped meanwhile) when
 * all are in use: its index, or -EAGAIN after a wait (the pool changed:
 * the caller looks again).
 */
static int wb_get(struct zswap_pool *p)
{
	for (int b = 0; b < ZSWAP_WB_MAX; b++) {
		if (!p->wb[b].busy) {
			p->wb[b].busy = true;
			return b;
		}
	}
	pthread_cond_wait(&wb_done, &pool_lock);
	return -EAGAIN;
}

static void wb_put(struct zswap_pool *p, int b)
{
	p->wb[b].busy = false;
	p->wb[b].slot.val = 0;
	pthread_cond_broadcast(&wb_done);
}

/*
 * Write the oldest entry that may be written back to its slot and free
 * it (@chunks: one that holds chunks).  0 (room was made, or the pool
 * changed while waiting: look again), or -ENOSPC when nothing can be.
 *
 * pool_lock is dropped for the write.  Meanwhile the entry stays in the
 * pool, marked ZE_WRITEBACK, so a load of its slot still finds it; if
 * the slot is freed meanwhile, the entry goes (its generation tells), and
 * a store to the slot, which may go on to write the area, first waits for
 * this write to end (under_writeback), so the area's last write of a slot
 * is always the newest.  A failed write keeps the entry (the data is
 * still good here) and marks it not to be tried again.
 */
static int zswap_writeback_entry(struct zswap_pool *p, bool chunks)
{
	uint32_t i = p->lru_tail, gen;
	int tries = WRITEBACK_SKIP, b, ret;
	struct zswap_wb *wb;
	swp_entry_t e;
	void *area;

	/* Those passed over go to the head, so they do not pile up at the
	 * tail and hide the entries that can go. */
	while (i != NIL && !writeback_candidate(p, i, chunks) && --tries > 0) {
		lru_del(p, i);
		lru_add(p, i);
		i = p->lru_tail;
	}
	if (i == NIL || !writeback_candidate(p, i, chunks))
		return -ENOSPC;
	b = wb_get(p);
	if (b < 0)
		return 0;
	wb = &p->wb[b];
	e.val = p->entries[i].swpentry;
	gen = p->entries[i].gen;
	area = p->area[swp_type(e)];
	if (!area || entry_read(p, i, wb->page, wb->gather)) {
		p->entries[i].flags |= ZE_NO_WRITEBACK;
		wb_put(p, b);
		return -ENOSPC;
	}
	p->entries[i].flags |= ZE_WRITEBACK;
	wb->slot = e;

	pthread_mutex_unlock(&pool_lock);
	ret = p->writepage(area, e, wb->page);
	pthread_mutex_lock(&pool_lock);

	wb_put(p, b);
	if (p->entries[i].gen != gen || p->entries[i].swpentry != e.val)
		return 0;	/* freed while it was written: room made anyway */
	p->entries[i].flags &= ~ZE_WRITEBACK;
	if (ret) {
		p->entries[i].flags |= ZE_NO_WRITEBACK;
		return -ENOSPC;
	}
	entry_free(p, i);
	p->st.writebacks++;
	return 0;
}

static bool has_room(const struct zswap_pool *p, uint32_t nr_chunks)
{
	return p->free_entry != NIL && p->nr_free_chunks >= nr_chunks;
}

/* Room for an entry of @nr_chunks chunks, writing back what it takes
 * (pool_lock may be dropped meanwhile). */
static int make_room(struct zswap_pool *p, uint32_t nr_chunks)
{
	for (int n = 0; !has_room(p, nr_chunks); n++)
		if (n == WRITEBACK_TRIES || zswap_writeback_entry(p, p->free_entry != NIL))
			return -ENOSPC;
	return 0;
}

/* ---- the interface ----------------------------------------------------- */

int zswap_store(void *area, swp_entry_t entry, const void *page)
{
	struct zswap_pool *p;
	struct zswap_entry *ze;
	uint64_t value = 0;
	bool same;
	size_t len = 0;
	uint32_t old;
	int ret = 0;

	pthread_mutex_lock(&pool_lock);
	p = pool;
	if (!p) {
		pthread_mutex_unlock(&pool_lock);
		return -ENODEV;
	}
	/* The slot is written anew: what the pool had for it is stale, and
	 * a writeback of that must end before the caller may write the area. */
	while (under_writeback(p, entry))
		pthread_cond_wait(&wb_done, &pool_lock);
	old = entry_find(p, entry);
	if (old != NIL)
		entry_free(p, old);
	same = page_same_filled(page, &value);
	if (!same) {
		len = compress_page(p, page);
		if (!len) {
			p->st.rejects++;
			ret = -E2BIG;
			goto out;
		}
	}
	if (!has_room(p, chunks_for(len))) {
		/* Writeback drops the lock: another store may have used
		 * cbuf meanwhile, so the page is compressed again. */
		make_room(p, chunks_for(len));
		if (!same)
			len = compress_page(p, page);
		if ((!same && !len) || !has_room(p, chunks_for(len))) {
			p->st.pool_full++;
			ret = -ENOSPC;
			goto out;
		}
	}
	p->area[swp_type(entry)] = area;
	ze = entry_new(p, entry);
	ze->length = (uint32_t)len;
	if (same) {
		ze->value = value;
		p->st.same_filled++;
	} else {
		ze->chunk = chunks_store(p, len);
		p->st.pool_bytes += (uint64_t)chunks_for(len) * ZSWAP_CHUNK;
	}
	p->st.stores++;
out:
	publish_stats();
	pthread_mutex_unlock(&pool_lock);
	return ret;
}

int zswap_load(swp_entry_t entry, void *page)
{
	struct zswap_pool *p;
	uint32_t i;
	int ret = -ENOENT;

	pthread_mutex_lock(&pool_lock);
	p = pool;
	if (p && (i = entry_find(p, entry)) != NIL) {
		ret = entry_read(p, i, page, p->cbuf);
		if (ret) {
			/* Never a wrong page: the caller reports the slot's
			 * error, and the entry stays (the area does not have
			 * the page either), never written back. */
			p->entries[i].flags |= ZE_NO_WRITEBACK;
		} else {
			p->st.hits++;
		}
		publish_stats();
	}
	pthread_mutex_unlock(&pool_lock);
	return ret;
}

void zswap_invalidate(swp_entry_t entry)
{
	struct zswap_pool *p;
	uint32_t i;

	if (!__atomic_load_n(&pool, __ATOMIC_RELAXED))
		return;		/* no tier: swap_free costs nothing more */
	pthread_mutex_lock(&pool_lock);
	p = pool;
	if (p && (i = entry_find(p, entry)) != NIL) {
		entry_free(p, i);
		publish_stats();
	}
	pthread_mutex_unlock(&pool_lock);
}

void zswap_fork_child(void)
{
	pthread_mutex_init(&pool_lock, NULL);
	pthread_cond_init(&wb_done, NULL);
	if (!pool)
		return;
	for (int b = 0; b < ZSWAP_WB_MAX; b++)
		pool->wb[b].busy = false;	/* (fork waits for them: none) */
	for (uint32_t i = pool->lru_head; i != NIL; i = pool->entries[i].lru_next)
		pool->entries[i].flags |= ZE_NO_WRITEBACK;
	/* stats_init gave the child counters of its own: what it did starts
	 * at zero, what it holds does not. */
	pool->st.stores = pool->st.hits = pool->st.rejects = 0;
	pool->st.pool_full = pool->st.writebacks = 0;
	publish_stats();
}

void zswap_get_stats(struct zswap_stats *st)
{
	pthread_mutex_lock(&pool_lock);
	if (pool)
		*st = pool->st;
	else
		memset(st, 0, sizeof(*st));
	pthread_mutex_unlock(&pool_lock);
}

uint64_t zswap_cap_bytes(unsigned long frames)
{
	struct zswap_stats zs;

	zswap_get_stats(&zs);
	return ((uint64_t)frames << PAGE_SHIFT) + zs.limit_bytes;
}

bool zswap_enabled(void)
{
	return __atomic_load_n(&pool, __ATOMIC_RELAXED) != NULL;
}

/* ---- set-up ------------------------------------------------------------ */

/*
 * Carve p->mem: entries (one per 256 bytes of pool: a page averaging less
 * than that fills the entries before the chunks, and writeback makes room
 * as for full chunks), the hash table (a bucket per two entries), the
 * chunk links and the chunks.
 */
static int pool_carve(struct zswap_pool *p, size_t bytes)
{
	size_t nr_entries = bytes / 256, off, rest;
	unsigned int bits = 1;

	while ((1UL << bits) < nr_entries / 2)
		bits++;
	off = nr_entries * sizeof(struct zswap_entry) + (sizeof(uint32_t) << bits);
	if (off + ZSWAP_CHUNK * 64 > bytes || nr_entries >= NIL)
		return -EINVAL;
	rest = bytes - off;
	p->entries = p->mem;
	p->nr_entries = (uint32_t)nr_entries;
	p->hash = (uint32_t *)(p->entries + nr_entries);
	p->hash_bits = bits;
	p->nr_chunks = (uint32_t)(rest / (ZSWAP_CHUNK + sizeof(uint32_t)));
	p->chunk_next = p->hash + (1UL << bits);
	p->chunks = (unsigned char *)(p->chunk_next + p->nr_chunks);

	memset(p->hash, 0xff, sizeof(uint32_t) << bits);
	for (uint32_t i = 0; i < p->nr_entries; i++)
		p->entries[i].hash_next = i + 1 < p->nr_entries ? i + 1 : NIL;
	p->free_entry = 0;
	for (uint32_t c = 0; c < p->nr_chunks; c++)
		p->chunk_next[c] = c + 1 < p->nr_chunks ? c + 1 : NIL;
	p->free_chunk = 0;
	p->nr_free_chunks = p->nr_chunks;
	p->lru_head = p->lru_tail = NIL;
	return 0;
}

static void pool_free(struct zswap_pool *p)
{
	if (!p)
		return;
	sys_free_pages(p->mem, p->mem_bytes);
	sys_free_pages(p->comp_mem, p->comp_bytes);
	sys_free_pages(p->cbuf, PAGE_SIZE);
	for (int b = 0; b < ZSWAP_WB_MAX; b++) {
		sys_free_pages(p->wb[b].page, PAGE_SIZE);
		sys_free_pages(p->wb[b].gather, PAGE_SIZE);
	}
	sys_free_pages(p, PAGE_ALIGN(sizeof(*p)));
}

int zswap_init(size_t pool_bytes, enum upage_compressor comp, zswap_writepage_fn writepage)
{
	struct zswap_pool *p;
	int ret;

	if (pool_bytes < ZSWAP_MIN_POOL || !writepage ||
	    (comp != COMPRESSOR_LZ4 && comp != COMPRESSOR_ZSTD))
		return -EINVAL;
	p = sys_alloc_pages(PAGE_ALIGN(sizeof(*p)));
	if (!p)
		return -ENOMEM;
	p->comp = comp;
	p->writepage = writepage;
	p->mem_bytes = pool_bytes & ~(PAGE_SIZE - 1);
	p->mem = sys_alloc_pages(p->mem_bytes);
	p->cbuf = sys_alloc_pages(PAGE_SIZE);
	ret = !p->mem || !p->cbuf ? -ENOMEM : 0;
	for (int b = 0; b < ZSWAP_WB_MAX; b++) {
		p->wb[b].page = sys_alloc_pages(PAGE_SIZE);
		p->wb[b].gather = sys_alloc_pages(PAGE_SIZE);
		if (!p->wb[b].page || !p->wb[b].gather)
			ret = -ENOMEM;
	}
	if (!ret)
		ret = pool_carve(p, p->mem_bytes);
	if (!ret)
		ret = comp_init(p);
	if (ret) {
		pool_free(p);
		return ret;
	}
	p->st.limit_bytes = p->mem_bytes;
	zswap_destroy();
	pthread_mutex_lock(&pool_lock);
	__atomic_store_n(&pool, p, __ATOMIC_RELEASE);
	publish_stats();
	pthread_mutex_unlock(&pool_lock);
	return 0;
}

void zswap_destroy(void)
{
	struct zswap_pool *p;

	pthread_mutex_lock(&pool_lock);
	p = pool;
	__atomic_store_n(&pool, NULL, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&pool_lock);
	pool_free(p);
}
