/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * swap_memcached_lib.h - libmemcached, loaded only when a memcached pool
 * is named (UPAGE_SWAP=memcached:...).
 *
 * libmemcached brings libstdc++, libsasl2 and libcrypto with it: linked
 * into the preload library they would be loaded into every program run
 * under upage.  So it is opened with dlopen (RTLD_NOW | RTLD_LOCAL: every
 * symbol bound at once, none added to the program's scope) by the first
 * swapon of a pool, and called through the table below, whose entries
 * have the types of libmemcached's own declarations.
 *
 * Locking: memcached_lib_load runs at start-up (swapon), before any
 * thread calls through the table; the table is not written again (a
 * forked child inherits it filled).
 */
#ifndef UPAGE_SWAP_MEMCACHED_LIB_H
#define UPAGE_SWAP_MEMCACHED_LIB_H

#include <libmemcached/memcached.h>

#define MCL_FN(name) __typeof__(memcached_##name) *name

/* What the memcached area calls (swap_memcached.c, memcached_*.c): memcached_X is mcl.X. */
struct memcached_lib {
	MCL_FN(create);
	MCL_FN(free);
	MCL_FN(set_memory_allocators);
	MCL_FN(behavior_set);
	MCL_FN(server_add);
	MCL_FN(server_instance_by_position);
	MCL_FN(server_srcport);
	MCL_FN(result_create);
	MCL_FN(result_free);
	MCL_FN(result_key_value);
	MCL_FN(result_key_length);
	MCL_FN(result_value);
	MCL_FN(result_length);
	MCL_FN(set);
	MCL_FN(get);
	MCL_FN(mget);
	MCL_FN(fetch_result);
	MCL_FN(delete);
	MCL_FN(stat_execute);
	MCL_FN(strerror);
};

extern struct memcached_lib mcl;

/*
 * Open libmemcached and fill mcl (once; again is a no-op).  0, or
 * -ENOENT after one message naming the library and the Debian package
 * that holds it.
 */
int memcached_lib_load(void);

#endif /* UPAGE_SWAP_MEMCACHED_LIB_H */
