// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memcached_alloc.c - libmemcached's memory, outside the arena
 * (memcached_alloc.h): a block's size class is written in the 16 bytes
 * before it (or its length, for raw pages, with the top bit set).
 *
 * Locking: the kmem_caches' own locks.
 */
#include "autoconfig.h"

#include "memcached_alloc.h"

#include <pthread.h>
#include <string.h>

#include "pgtable.h"
#include "sys.h"

#define MC_CLASSES	10			/* 64 B .. 32 KiB */
#define MC_HDR		16			/* the block's size class, before it */

static struct kmem_cache mc_caches[MC_CLASSES];
static pthread_once_t mc_caches_once = PTHREAD_ONCE_INIT;

static void mc_caches_init(void)
{
	for (int c = 0; c < MC_CLASSES; c++)
		kmem_cache_init(&mc_caches[c], (size_t)64 << c);
}

static int mc_class(size_t total)
{
	for (int c = 0; c < MC_CLASSES; c++)
		if (total <= (size_t)64 << c)
			return c;
	return -1;
}

void *mc_malloc(const memcached_st *m, size_t size, void *ctx)
{
	size_t total = size + MC_HDR;
	int c = mc_class(total);
	char *p;

	(void)m;
	(void)ctx;
	if (c >= 0) {
		p = kmem_cache_alloc(&mc_caches[c]);
	} else {
		total = PAGE_ALIGN(total);
		p = sys_alloc_pages(total);
	}
	if (!p)
		return NULL;
	*(size_t *)p = c >= 0 ? (size_t)c : total | 1UL << 63;
	return p + MC_HDR;
}

static size_t mc_usable(const void *ptr)
{
	size_t tag = *(const size_t *)((const char *)ptr - MC_HDR);

	if (tag & 1UL << 63)
		return (tag & ~(1UL << 63)) - MC_HDR;
	return ((size_t)64 << tag) - MC_HDR;
}

void mc_free(const memcached_st *m, void *ptr, void *ctx)
{
	char *p;
	size_t tag;

	(void)m;
	(void)ctx;
	if (!ptr)
		return;
	p = (char *)ptr - MC_HDR;
	tag = *(size_t *)p;
	if (tag & 1UL << 63)
		sys_free_pages(p, tag & ~(1UL << 63));
	else
		kmem_cache_free(&mc_caches[tag], p);
}

void *mc_realloc(const memcached_st *m, void *ptr, size_t size, void *ctx)
{
	void *n;

	if (ptr && size <= mc_usable(ptr))
		return ptr;
	n = mc_malloc(m, size, ctx);
	if (n && ptr) {
		memcpy(n, ptr, mc_usable(ptr));
		mc_free(m, ptr, ctx);
	}
	return n;
}

void *mc_calloc(const memcached_st *m, size_t nelem, size_t elsize, void *ctx)
{
	size_t size;

	if (__builtin_mul_overflow(nelem, elsize, &size))
		return NULL;
	return mc_malloc(m, size, ctx);		/* kmem_cache and raw pages are zeroed */
}

void memcached_alloc_init(void)
{
	pthread_once(&mc_caches_once, mc_caches_init);
}

void memcached_alloc_lock(void)
{
	for (int c = 0; c < MC_CLASSES; c++)
		pthread_mutex_lock(&mc_caches[c].lock);
}

void memcached_alloc_unlock(void)
{
	for (int c = MC_CLASSES - 1; c >= 0; c--)
		pthread_mutex_unlock(&mc_caches[c].lock);
}

void memcached_alloc_fork_child(void)
{
	for (int c = 0; c < MC_CLASSES; c++)
		pthread_mutex_init(&mc_caches[c].lock, NULL);
}
