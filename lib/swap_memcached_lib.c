// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swap_memcached_lib.c - libmemcached opened at the first swapon of a
 * memcached pool (swap_memcached_lib.h), so that a program run without
 * one loads none of libmemcached, libstdc++, libsasl2 or libcrypto.
 *
 * MEMCACHED_SONAME (configure) is the name the build's libmemcached
 * answers to: the table's types are that version's headers.
 */
#include "autoconfig.h"

#include "swap_memcached_lib.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>

#include "sys.h"

struct memcached_lib mcl;
static bool loaded;

/* Each entry of mcl, by its name in libmemcached. */
#define MCL_ENTRY(name) { "memcached_" #name, (void **)&mcl.name }
static const struct {
	const char *sym;
	void **slot;
} mcl_entries[] = {
	MCL_ENTRY(create),
	MCL_ENTRY(free),
	MCL_ENTRY(set_memory_allocators),
	MCL_ENTRY(behavior_set),
	MCL_ENTRY(server_add),
	MCL_ENTRY(server_instance_by_position),
	MCL_ENTRY(server_srcport),
	MCL_ENTRY(result_create),
	MCL_ENTRY(result_free),
	MCL_ENTRY(result_key_value),
	MCL_ENTRY(result_key_length),
	MCL_ENTRY(result_value),
	MCL_ENTRY(result_length),
	MCL_ENTRY(set),
	MCL_ENTRY(get),
	MCL_ENTRY(mget),
	MCL_ENTRY(fetch_result),
	MCL_ENTRY(delete),
	MCL_ENTRY(stat_execute),
	MCL_ENTRY(strerror),
};

int memcached_lib_load(void)
{
	void *h;

	if (loaded)
		return 0;
	/* RTLD_NOW: no lazy binding later, from a fault handler, whose walk of
	 * the loader's scope could fault on the arena it serves. */
	h = dlopen(MEMCACHED_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		upage_msg("a memcached pool needs libmemcached, which cannot be loaded (%s); "
			  "install it (Debian package %s)",
			  dlerror(), MEMCACHED_PACKAGE);
		return -ENOENT;
	}
	for (size_t i = 0; i < sizeof(mcl_entries) / sizeof(mcl_entries[0]); i++) {
		*mcl_entries[i].slot = dlsym(h, mcl_entries[i].sym);
		if (!*mcl_entries[i].slot) {
			upage_msg("%s has no %s: not the libmemcached upage was built with "
				  "(reinstall Debian package %s)",
				  MEMCACHED_SONAME, mcl_entries[i].sym, MEMCACHED_PACKAGE);
			dlclose(h);
			return -ENOENT;
		}
	}
	loaded = true;
	return 0;
}
