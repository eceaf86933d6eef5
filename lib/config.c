// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - upage's options: one table, read once from the environment.
 *
 * As mimalloc's options.c: each row names the variable, its kind, its
 * default and a line of help; config_load walks the table, so adding an
 * option is one row and one field in struct upage_config.  The library
 * calls config_load from its constructor, before the allocator is ready,
 * so nothing here allocates: messages go into the caller's buffer.
 */
#include "autoconfig.h"

#include "config.h"
#include "outfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

enum option_kind {
	OPT_SIZE,	/* bytes, parse_size; bounded and rounded */
	OPT_ENGINE,	/* auto | uffd | uffd-sigbus | sigsegv */
	OPT_PATH,	/* a path shorter than PATH_MAX, never empty when set */
	OPT_OUTPUT,	/* OPT_PATH of a file to write: its directory must be writable */
	OPT_BOOL,	/* 0 or 1 */
	OPT_SOCKET,	/* a Unix socket's path (shorter than sun_path), or "none" */
	OPT_ZSWAP,	/* 0, a size (OPT_SIZE's bounds), or N% of the cap (1-90) */
	OPT_COMPRESSOR,	/* lz4 | zstd */
};

enum option_round {
	ROUND_NONE,
	ROUND_DOWN_PAGE,	/* down to the system's page size */
	ROUND_UP_4M,		/* up to 4 MiB */
};

struct config_option {
	const char *name;		/* the environment variable */
	enum option_kind kind;
	const char *def;		/* default as a user writes it; NULL: computed */
	const char *help;
	size_t offset;			/* of the field in struct upage_config */
	unsigned long long min, max;	/* OPT_SIZE: bounds of the value given */
	enum option_round round;	/* OPT_SIZE: applied after the bounds check */
};

#define FIELD(f) offsetof(struct upage_config, f)

/* In the order they are checked: the first bad one is the one reported. */
static const struct config_option options[] = {
	{ "UPAGE_MAX_RSS", OPT_SIZE, NULL,
	  "resident cap (default: half the RAM, at most 4G and at most the arena)",
	  FIELD(max_rss), CONFIG_MIN_MAX_RSS, CONFIG_MAX_MAX_RSS, ROUND_DOWN_PAGE },
	{ "UPAGE_MAX_RSS_CEILING", OPT_SIZE, NULL,
	  "the highest the cap may be raised to while the program runs (upage set, upaged) "
	  "(default: the larger of the cap and the default cap)",
	  FIELD(max_rss_ceiling), CONFIG_MIN_MAX_RSS, CONFIG_MAX_MAX_RSS, ROUND_DOWN_PAGE },
	{ "UPAGE_ARENA_SIZE", OPT_SIZE, NULL,
	  "address space reserved for the heap, rounded up to 4M (default: the larger of 4G "
	  "and twice the RAM, at most 1T)",
	  FIELD(arena_size), CONFIG_MIN_ARENA, CONFIG_MAX_ARENA, ROUND_UP_4M },
	{ "UPAGE_ENGINE", OPT_ENGINE, "auto",
	  "fault engine: auto, uffd, uffd-sigbus or sigsegv",
	  FIELD(engine), 0, 0, ROUND_NONE },
	{ "UPAGE_SWAP", OPT_PATH, "",
	  "swap device, directory or new file (default: $TMPDIR, else /tmp; "
	  "/var/tmp when that is RAM-backed)",
	  FIELD(swap), 0, 0, ROUND_NONE },
	{ "UPAGE_SWAP_FORCE", OPT_BOOL, "0",
	  "1: use a swap device or existing file even if it holds a file system",
	  FIELD(swap_force), 0, 0, ROUND_NONE },
	{ "UPAGE_REPORT", OPT_OUTPUT, "",
	  "file for the JSON report written at exit (default: none)",
	  FIELD(report), 0, 0, ROUND_NONE },
	{ "UPAGE_LATENCY", OPT_BOOL, "1",
	  "0: do not measure latencies (saves two clock reads a fault; no latency_ns)",
	  FIELD(latency), 0, 0, ROUND_NONE },
	{ "UPAGE_SUMMARY", OPT_BOOL, "0",
	  "1: print a latency table and a swap-in histogram on stderr at exit",
	  FIELD(summary), 0, 0, ROUND_NONE },
	{ "UPAGE_VERBOSE", OPT_BOOL, "0",
	  "1: print the values in force at start-up",
	  FIELD(verbose), 0, 0, ROUND_NONE },
	{ "UPAGE_INHERIT", OPT_BOOL, "1",
	  "0: programs this one executes run without upage",
	  FIELD(inherit), 0, 0, ROUND_NONE },
	{ "UPAGE_SOCKET", OPT_SOCKET, UPAGED_SOCKET_DEFAULT,
	  "upaged's socket, to register with (none: do not)",
	  FIELD(socket), 0, 0, ROUND_NONE },
	{ "UPAGE_ZSWAP", OPT_ZSWAP, "0",
	  "compressed pool in front of swap, taken off the cap: SIZE or N% of it (0: none)",
	  FIELD(zswap_bytes), CONFIG_MIN_ZSWAP, CONFIG_MAX_MAX_RSS, ROUND_DOWN_PAGE },
	{ "UPAGE_ZSWAP_COMPRESSOR", OPT_COMPRESSOR, "lz4",
	  "the compressed pool's compressor: lz4 or zstd",
	  FIELD(zswap_compressor), 0, 0, ROUND_NONE },
};

#define NR_OPTIONS (sizeof(options) / sizeof(options[0]))

static const char *const engine_names[] = {
	[ENGINE_AUTO] = "auto",
	[ENGINE_UFFD] = "uffd",
	[ENGINE_SIGSEGV] = "sigsegv",
	[ENGINE_UFFD_SIGBUS] = "uffd-sigbus",
};

static const char *const compressor_names[] = {
	[COMPRESSOR_LZ4] = "lz4",
	[COMPRESSOR_ZSTD] = "zstd",
};

const char *compressor_name(enum upage_compressor c)
{
	if ((unsigned int)c >= sizeof(compressor_names) / sizeof(compressor_names[0]))
		return "unknown";
	return compressor_names[c];
}

const char *engine_name(enum upage_engine e)
{
	if ((unsigned int)e >= sizeof(engine_names) / sizeof(engine_names[0]))
		return "unknown";
	return engine_names[e];
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The power of 1024 a suffix letter stands for, or -1. */
static int suffix_shift(char c)
{
	switch (lower(c)) {
	case 'k':
		return 10;
	case 'm':
		return 20;
	case 'g':
		return 30;
	case 't':
		return 40;
	}
	return -1;
}

int parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	bool overflow = false;
	const char *p = s;
	int shift = 0;

	if (!s || *p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int d = *p - '0';

		if (v > (ULLONG_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (*p && suffix_shift(*p) >= 0)
		shift = suffix_shift(*p++);
	/* "B" after a suffix or alone, "iB" only after a suffix */
	if (shift && lower(p[0]) == 'i' && lower(p[1]) == 'b')
		p += 2;
	else if (lower(p[0]) == 'b')
		p++;
	if (*p)
		return -EINVAL;
	if (overflow || (shift && v > (ULLONG_MAX >> shift)))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

/* @v as a user would write it: the largest suffix that divides it. */
static void format_size(unsigned long long v, char *buf, size_t len)
{
	static const char suffixes[] = "TGMK";
	int shift = 40;

	for (const char *c = suffixes; *c; c++, shift -= 10) {
		if (v && (v & ((1ULL << shift) - 1)) == 0) {
			snprintf(buf, len, "%llu%c", v >> shift, *c);
			return;
		}
	}
	snprintf(buf, len, "%llu", v);
}

/*
 * Write one line into @err: NAME="value": what is wrong.  A long value is
 * cut, and bytes that are not printable ASCII are shown as '?', so the line
 * stays one line.
 */
static int __attribute__((format(printf, 5, 6)))
config_error(char *err, size_t errlen, const char *name, const char *value, const char *fmt, ...)
{
	char shown[80], why[256];
	size_t i, max = sizeof(shown) - 4;
	va_list ap;

	for (i = 0; value[i] && i < max; i++)
		shown[i] = value[i] >= 0x20 && value[i] < 0x7f && value[i] != '"' ? value[i] : '?';
	if (value[i]) {
		memcpy(shown + i, "...", 3);
		i += 3;
	}
	shown[i] = '\0';

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (err && errlen)
		snprintf(err, errlen, "%s=\"%s\": %s", name, shown, why);
	return -EINVAL;
}

static unsigned long long page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (unsigned long long)ps : 4096;
}

unsigned long long config_default_max_rss(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	unsigned long long ps = page_size(), v;

	if (pages <= 0)
		v = 1ULL << 30;	/* unknown RAM: 1G */
	else
		v = (unsigned long long)pages / 2 * ps;
	if (v > CONFIG_MAX_MAX_RSS)
		v = CONFIG_MAX_MAX_RSS;
	if (v < CONFIG_MIN_MAX_RSS)
		v = CONFIG_MIN_MAX_RSS;
	return v & ~(ps - 1);
}

/*
 * Address space costs nothing until used, and a runtime reserves its heap
 * whole at start-up: the JVM a quarter of the RAM (its default -Xmx) and
 * more besides.  A reservation that does not fit the arena is served
 * outside it, unpaged, so the default leaves room for one as large as the
 * RAM, twice over.
 */
unsigned long long config_default_arena_size(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	unsigned long long v = pages > 0 ? 2ULL * (unsigned long long)pages * page_size() : 0;

	if (v < ARENA_DEFAULT_MIN)
		v = ARENA_DEFAULT_MIN;
	if (v > CONFIG_MAX_ARENA)
		v = CONFIG_MAX_ARENA;
	return (v + (4ULL << 20) - 1) & ~((4ULL << 20) - 1);
}

static int load_size(const struct config_option *opt, const char *value,
		     unsigned long long *out, char *err, size_t errlen)
{
	char bound[32];
	unsigned long long v;
	int ret;

	ret = parse_size(value, &v);
	if (ret == -ERANGE) {
		format_size(opt->max, bound, sizeof(bound));
		return config_error(err, errlen, opt->name, value, "too large (at most %s)",
				    bound);
	}
	if (ret)
		return config_error(err, errlen, opt->name, value,
				    "not a size (use digits with K, M, G or T)");
	if (v < opt->min) {
		format_size(opt->min, bound, sizeof(bound));
		return config_error(err, errlen, opt->name, value, "below the minimum of %s",
				    bound);
	}
	if (v > opt->max) {
		format_size(opt->max, bound, sizeof(bound));
		return config_error(err, errlen, opt->name, value, "above the maximum of %s",
				    bound);
	}
	switch (opt->round) {
	case ROUND_DOWN_PAGE:
		v &= ~(page_size() - 1);
		break;
	case ROUND_UP_4M:
		v = (v + (4ULL << 20) - 1) & ~((4ULL << 20) - 1);
		break;
	case ROUND_NONE:
		break;
	}
	*out = v;
	return 0;
}

static int load_engine(const struct config_option *opt, const char *value,
		       enum upage_engine *out, char *err, size_t errlen)
{
	for (size_t e = 0; e < sizeof(engine_names) / sizeof(engine_names[0]); e++) {
		if (strcmp(value, engine_names[e]) == 0) {
			*out = (enum upage_engine)e;
			return 0;
		}
	}
	return config_error(err, errlen, opt->name, value,
			    "not an engine (use auto, uffd, uffd-sigbus or sigsegv)");
}

static int load_path(const struct config_option *opt, const char *value, char *out,
		     char *err, size_t errlen)
{
	size_t len = strlen(value);

	if (len >= PATH_MAX)
		return config_error(err, errlen, opt->name, value,
				    "a path of %zu bytes (at most %d)", len, PATH_MAX - 1);
	memcpy(out, value, len + 1);
	return 0;
}

/* A file written at exit: say now, not then, that it cannot be. */
static int load_output(const struct config_option *opt, const char *value, char *out,
		       char *err, size_t errlen)
{
	char dir[PATH_MAX], why[256];
	const char *slash;
	int ret = load_path(opt, value, out, err, errlen);

	if (ret || !value[0])
		return ret;
	slash = strrchr(value, '/');
	if (slash && !slash[1])
		return config_error(err, errlen, opt->name, value, "a directory, not a file");
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == value)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - value), value);
	if (access(dir, W_OK | X_OK))
		return config_error(err, errlen, opt->name, value, "cannot write in %s: %s", dir,
				    strerror(errno));
	if (!strstr(value, "%p") && outfile_check(value, why, sizeof(why)))
		return config_error(err, errlen, opt->name, value, "%s", why);
	return 0;
}

static int load_bool(const struct config_option *opt, const char *value, bool *out,
		     char *err, size_t errlen)
{
	if (strcmp(value, "0") == 0 || strcmp(value, "1") == 0) {
		*out = value[0] == '1';
		return 0;
	}
	return config_error(err, errlen, opt->name, value, "not 0 or 1");
}

static int load_socket(const struct config_option *opt, const char *value, char *out,
		       char *err, size_t errlen)
{
	size_t len = strlen(value);

	if (strcmp(value, "none") == 0) {
		out[0] = '\0';
		return 0;
	}
	if (len >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return config_error(err, errlen, opt->name, value,
				    "a socket path of %zu bytes (at most %zu)", len,
				    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	memcpy(out, value, len + 1);
	return 0;
}

/* UPAGE_ZSWAP: "0", N% (1 to CONFIG_MAX_ZSWAP_PERCENT) or a size. */
static int load_zswap(const struct config_option *opt, const char *value,
		      struct upage_config *cfg, char *err, size_t errlen)
{
	size_t len = strlen(value);
	unsigned long pct = 0;

	cfg->zswap_bytes = 0;
	cfg->zswap_percent = 0;
	if (strcmp(value, "0") == 0)
		return 0;
	if (len > 1 && value[len - 1] == '%') {
		for (size_t i = 0; i + 1 < len; i++) {
			if (value[i] < '0' || value[i] > '9' || pct > 100)
				return config_error(err, errlen, opt->name, value,
						    "not a percentage (use 1%% to %d%%)",
						    CONFIG_MAX_ZSWAP_PERCENT);
			pct = pct * 10 + (unsigned long)(value[i] - '0');
		}
		if (pct < 1 || pct > CONFIG_MAX_ZSWAP_PERCENT)
			return config_error(err, errlen, opt->name, value,
					    "a percentage of the cap from 1%% to %d%%",
					    CONFIG_MAX_ZSWAP_PERCENT);
		cfg->zswap_percent = (unsigned int)pct;
		return 0;
	}
	if (parse_size(value, &cfg->zswap_bytes) == -EINVAL)
		return config_error(err, errlen, opt->name, value,
				    "not a size or a percentage (use 0, 64M or 25%%)");
	return load_size(opt, value, &cfg->zswap_bytes, err, errlen);
}

static int load_compressor(const struct config_option *opt, const char *value,
			   enum upage_compressor *out, char *err, size_t errlen)
{
	for (size_t c = 0; c < sizeof(compressor_names) / sizeof(compressor_names[0]); c++) {
		if (strcmp(value, compressor_names[c]) == 0) {
			*out = (enum upage_compressor)c;
			return 0;
		}
	}
	return config_error(err, errlen, opt->name, value, "not a compressor (use lz4 or zstd)");
}

/* Parse @value (never NULL) for @opt into its field of @cfg. */
static int load_option(struct upage_config *cfg, const struct config_option *opt,
		       const char *value, char *err, size_t errlen)
{
	void *field = (char *)cfg + opt->offset;

	switch (opt->kind) {
	case OPT_SIZE:
		return load_size(opt, value, field, err, errlen);
	case OPT_ENGINE:
		return load_engine(opt, value, field, err, errlen);
	case OPT_PATH:
		return load_path(opt, value, field, err, errlen);
	case OPT_OUTPUT:
		return load_output(opt, value, field, err, errlen);
	case OPT_BOOL:
		return load_bool(opt, value, field, err, errlen);
	case OPT_SOCKET:
		return load_socket(opt, value, field, err, errlen);
	case OPT_ZSWAP:
		return load_zswap(opt, value, cfg, err, errlen);
	case OPT_COMPRESSOR:
		return load_compressor(opt, value, field, err, errlen);
	}
	return -EINVAL;
}

/*
 * UPAGE_MAX_RSS_CEILING: unset, the larger of the cap and the default cap
 * (cut to the arena); set, at least the cap and at most the arena.
 */
static int check_ceiling(struct upage_config *cfg, const char *const set[], char *err,
			 size_t errlen)
{
	unsigned long long def = config_default_max_rss();
	char bound[32];

	for (size_t i = 0; i < NR_OPTIONS; i++) {
		if (options[i].offset != FIELD(max_rss_ceiling))
			continue;
		cfg->max_rss_ceiling_set = set[i] != NULL;
		if (!set[i]) {
			if (def > cfg->arena_size)
				def = cfg->arena_size;
			cfg->max_rss_ceiling = def > cfg->max_rss ? def : cfg->max_rss;
		} else if (cfg->max_rss_ceiling < cfg->max_rss) {
			format_size(cfg->max_rss, bound, sizeof(bound));
			return config_error(err, errlen, options[i].name, set[i],
					    "below the cap of %s (UPAGE_MAX_RSS)", bound);
		} else if (cfg->max_rss_ceiling > cfg->arena_size) {
			format_size(cfg->arena_size, bound, sizeof(bound));
			return config_error(err, errlen, options[i].name, set[i],
					    "above the arena size of %s (UPAGE_ARENA_SIZE)", bound);
		}
	}
	return 0;
}

/*
 * UPAGE_MAX_RSS is bounded by the arena, known only once every row is read:
 * unset, it is the computed default cut to the arena; set above the arena,
 * it is an error.
 */
static int check_max_rss(struct upage_config *cfg, const char *const set[], char *err,
			 size_t errlen)
{
	char arena[32];

	for (size_t i = 0; i < NR_OPTIONS; i++) {
		if (options[i].offset != FIELD(max_rss))
			continue;
		cfg->max_rss_set = set[i] != NULL;
		if (!set[i]) {
			cfg->max_rss = config_default_max_rss();
			if (cfg->max_rss > cfg->arena_size)
				cfg->max_rss = cfg->arena_size;
		} else if (cfg->max_rss > cfg->arena_size) {
			format_size(cfg->arena_size, arena, sizeof(arena));
			return config_error(err, errlen, options[i].name, set[i],
					    "above the arena size of %s (UPAGE_ARENA_SIZE)", arena);
		}
	}
	return check_ceiling(cfg, set, err, errlen);
}

/*
 * A pool of a size leaves the zone what is left of the cap: at least
 * CONFIG_MIN_MAX_RSS of frames.  (A percentage always does.)
 */
static int check_zswap(struct upage_config *cfg, const char *const set[], char *err,
		       size_t errlen)
{
	char cap[32];

	for (size_t i = 0; i < NR_OPTIONS; i++) {
		if (options[i].offset != FIELD(zswap_bytes) || !set[i] || !cfg->zswap_bytes)
			continue;
		if (cfg->zswap_bytes + CONFIG_MIN_MAX_RSS > cfg->max_rss) {
			format_size(cfg->max_rss, cap, sizeof(cap));
			return config_error(err, errlen, options[i].name, set[i],
					    "leaves less than 1M of the resident cap of %s "
					    "(UPAGE_MAX_RSS) to the program's pages",
					    cap);
		}
	}
	return 0;
}

int config_load(struct upage_config *cfg, const char *(*getenv_fn)(const char *),
		char *err, size_t errlen)
{
	const char *set[NR_OPTIONS];
	int ret;

	if (err && errlen)
		err[0] = '\0';
	memset(cfg, 0, sizeof(*cfg));

	/* The defaults first, through the same parser as the user's values. */
	for (size_t i = 0; i < NR_OPTIONS; i++) {
		if (options[i].def) {
			ret = load_option(cfg, &options[i], options[i].def, err, errlen);
			if (ret)
				return ret;	/* a bad row in the table */
		}
	}

	for (size_t i = 0; i < NR_OPTIONS; i++) {
		const struct config_option *opt = &options[i];

		set[i] = getenv_fn ? getenv_fn(opt->name) : NULL;
		if (!set[i])
			continue;
		if (!set[i][0])
			return config_error(err, errlen, opt->name, set[i],
					    "empty (unset it for the default)");
		ret = load_option(cfg, opt, set[i], err, errlen);
		if (ret)
			return ret;
	}

	for (size_t i = 0; i < NR_OPTIONS; i++)
		if (options[i].offset == FIELD(arena_size))
			cfg->arena_size_set = set[i] != NULL;
	if (!cfg->arena_size_set)
		cfg->arena_size = config_default_arena_size();
	ret = check_max_rss(cfg, set, err, errlen);
	if (ret)
		return ret;
	return check_zswap(cfg, set, err, errlen);
}

unsigned long long config_zswap_bytes(const struct upage_config *cfg, unsigned long long cap)
{
	unsigned long long v = cfg->zswap_bytes;

	if (cfg->zswap_percent)
		v = cap * cfg->zswap_percent / 100;	/* cap <= 4G: no overflow */
	return v & ~(page_size() - 1);
}
