/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h - upage's options, read once from the environment at start-up.
 *
 * One table (config.c) holds every option: its variable, its default, its
 * kind.  A bad value is reported with the variable's name and the value,
 * and the caller then runs the program without upage: never half
 * configured.
 */
#ifndef UPAGE_CONFIG_H
#define UPAGE_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* The preload library's file name: `upage run` puts it in LD_PRELOAD,
 * UPAGE_INHERIT=0 takes it out (exec.c). */
#define LIBRARY_NAME	"libupage.so"

enum upage_engine {
	ENGINE_AUTO,
	ENGINE_UFFD,		/* userfaultfd, handler threads */
	ENGINE_SIGSEGV,		/* mprotect and SIGSEGV */
	ENGINE_UFFD_SIGBUS,	/* userfaultfd in SIGBUS mode, in the faulting thread */
};

/* The compressed tier's compressor (UPAGE_ZSWAP_COMPRESSOR). */
enum upage_compressor {
	COMPRESSOR_LZ4,
	COMPRESSOR_ZSTD,
};

/* Bounds of the sizes (bytes). */
#define CONFIG_MIN_MAX_RSS	(1ULL << 20)	/* 1 MiB */
#define CONFIG_MAX_MAX_RSS	(4ULL << 30)	/* 20-bit frame numbers */
#define CONFIG_MIN_ARENA	(16ULL << 20)
#define CONFIG_MAX_ARENA	(1ULL << 40)	/* 1 TiB of address space */
#define CONFIG_MIN_ZSWAP	(64ULL << 10)	/* UPAGE_ZSWAP, when not 0 */
#define CONFIG_MAX_ZSWAP_PERCENT 90

struct upage_config {
	unsigned long long max_rss;	/* UPAGE_MAX_RSS: resident cap, page multiple */
	bool max_rss_set;		/* ... given by the user, not the default */
	unsigned long long max_rss_ceiling; /* UPAGE_MAX_RSS_CEILING: the cap may rise to it */
	bool max_rss_ceiling_set;	/* ... given by the user */
	unsigned long long arena_size;	/* UPAGE_ARENA_SIZE: reservation, 4 MiB multiple */
	bool arena_size_set;		/* ... given by the user, not the default */
	enum upage_engine engine;	/* UPAGE_ENGINE: auto | uffd | uffd-sigbus | sigsegv */
	char swap[PATH_MAX];		/* UPAGE_SWAP: device, directory or new file */
	bool swap_force;		/* UPAGE_SWAP_FORCE: use a device whatever it holds */
	char report[PATH_MAX];		/* UPAGE_REPORT: JSON report at exit ("" none) */
	bool latency;			/* UPAGE_LATENCY: measure latencies (histograms) */
	bool summary;			/* UPAGE_SUMMARY: latency summary on stderr at exit */
	bool verbose;			/* UPAGE_VERBOSE: print the values in force */
	bool inherit;			/* UPAGE_INHERIT: exec'd programs keep upage */
	char socket[PATH_MAX];		/* UPAGE_SOCKET: upaged's, "" when "none" */
	/* UPAGE_ZSWAP: the compressed tier's pool, taken off the resident
	 * cap: zswap_bytes, or zswap_percent of the cap; both 0: none. */
	unsigned long long zswap_bytes;
	unsigned int zswap_percent;
	enum upage_compressor zswap_compressor;	/* UPAGE_ZSWAP_COMPRESSOR: lz4 | zstd */
};

/*
 * Parse a size: digits with an optional K, M, G or T suffix (powers of
 * 1024; "KiB", "k", "MB" are accepted alike).  Returns 0, -EINVAL for
 * anything else (empty, negative, junk), -ERANGE when it overflows.
 */
int parse_size(const char *s, unsigned long long *out);

/*
 * Fill @cfg from @getenv_fn (getenv in the library, a table in tests).
 * Returns 0, or -EINVAL with one line in @err naming the variable, the
 * value and what is wrong.
 */
int config_load(struct upage_config *cfg, const char *(*getenv_fn)(const char *),
		char *err, size_t errlen);

const char *engine_name(enum upage_engine e);
const char *compressor_name(enum upage_compressor c);

/* The pool of the compressed tier under a cap of @cap bytes, a page
 * multiple (0: none). */
unsigned long long config_zswap_bytes(const struct upage_config *cfg, unsigned long long cap);

/* Where upaged listens unless UPAGE_SOCKET says otherwise. */
#define UPAGED_SOCKET_DEFAULT	"/run/upage/upaged.sock"

/* The default cap: half the RAM, at most CONFIG_MAX_MAX_RSS, a page multiple. */
unsigned long long config_default_max_rss(void);
/* The arena's size when UPAGE_ARENA_SIZE is unset: the larger of
 * ARENA_DEFAULT_MIN and twice the RAM, at most CONFIG_MAX_ARENA. */
#define ARENA_DEFAULT_MIN	(4ULL << 30)
unsigned long long config_default_arena_size(void);

#endif /* UPAGE_CONFIG_H */
