// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_config.c - parse_size and config_load (lib/config.c), with a fake
 * environment: each test sets the variables it needs in a table that
 * config_load reads through fake_getenv.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

struct fake_var {
	const char *name, *value;
};

/* The environment config_load sees, ended by a NULL name. */
static const struct fake_var *fake_env;

static const char *fake_getenv(const char *name)
{
	for (const struct fake_var *v = fake_env; v && v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v->value;
	return NULL;
}

static struct upage_config cfg;
static char err[512];

static int load(const struct fake_var *vars)
{
	fake_env = vars;
	memset(err, 0, sizeof(err));
	return config_load(&cfg, fake_getenv, err, sizeof(err));
}

/* parse_size of @s, which the test expects to succeed. */
static unsigned long long size_of(const char *s)
{
	unsigned long long v = 0;
	int ret = parse_size(s, &v);

	cr_assert_eq(ret, 0, "parse_size(\"%s\") should succeed, returned %d", s, ret);
	return v;
}

static void assert_rejected(const char *s, int expected)
{
	unsigned long long v = 12345;
	int ret = parse_size(s, &v);

	cr_assert_eq(ret, expected, "parse_size(\"%s\") should return %d, returned %d", s,
		     expected, ret);
	cr_assert_eq(v, 12345, "parse_size(\"%s\") should leave *out alone on error", s);
}

/* --- parse_size */

Test(parse_size, plain_digits_are_bytes)
{
	cr_assert_eq(size_of("0"), 0, "\"0\" is 0 bytes");
	cr_assert_eq(size_of("4096"), 4096, "\"4096\" is 4096 bytes");
	cr_assert_eq(size_of("007"), 7, "leading zeros are allowed");
}

Test(parse_size, suffixes_are_powers_of_1024)
{
	cr_assert_eq(size_of("1K"), 1024ULL, "K is 2^10");
	cr_assert_eq(size_of("3M"), 3 * MiB, "M is 2^20");
	cr_assert_eq(size_of("5G"), 5 * GiB, "G is 2^30");
	cr_assert_eq(size_of("2T"), 2 * TiB, "T is 2^40");
}

Test(parse_size, suffixes_ignore_case)
{
	cr_assert_eq(size_of("64m"), 64 * MiB, "\"64m\" is 64 MiB");
	cr_assert_eq(size_of("1g"), GiB, "\"1g\" is 1 GiB");
	cr_assert_eq(size_of("8k"), 8192, "\"8k\" is 8 KiB");
}

Test(parse_size, b_and_ib_after_the_suffix)
{
	cr_assert_eq(size_of("64MB"), 64 * MiB, "\"64MB\" is 64 MiB, not 64 * 10^6");
	cr_assert_eq(size_of("64MiB"), 64 * MiB, "\"64MiB\" is 64 MiB");
	cr_assert_eq(size_of("2kib"), 2048, "\"2kib\" is 2 KiB");
	cr_assert_eq(size_of("512B"), 512, "a bare B is bytes");
}

Test(parse_size, largest_value_fits)
{
	cr_assert_eq(size_of("18446744073709551615"), ~0ULL, "2^64 - 1 fits in 64 bits");
	cr_assert_eq(size_of("16777215T"), 16777215ULL << 40, "16777215T fits in 64 bits");
}

Test(parse_size, digits_overflowing_64_bits_are_erange)
{
	assert_rejected("18446744073709551616", -ERANGE);
	assert_rejected("99999999999999999999999", -ERANGE);
}

Test(parse_size, suffix_overflowing_64_bits_is_erange)
{
	assert_rejected("16777216T", -ERANGE);
	assert_rejected("17179869184G", -ERANGE);
}

Test(parse_size, empty_is_einval)
{
	assert_rejected("", -EINVAL);
}

Test(parse_size, negative_is_einval)
{
	assert_rejected("-5M", -EINVAL);
	assert_rejected("-1", -EINVAL);
}

Test(parse_size, spaces_are_einval)
{
	assert_rejected(" 64M", -EINVAL);
	assert_rejected("64M ", -EINVAL);
	assert_rejected("64 M", -EINVAL);
}

Test(parse_size, junk_is_einval)
{
	assert_rejected("12Q", -EINVAL);
	assert_rejected("64X", -EINVAL);
	assert_rejected("M", -EINVAL);
	assert_rejected("0x10", -EINVAL);
	assert_rejected("1.5G", -EINVAL);
	assert_rejected("+4K", -EINVAL);
	assert_rejected("4KK", -EINVAL);
	assert_rejected("4iB", -EINVAL);
	assert_rejected("4KBB", -EINVAL);
}

Test(parse_size, junk_after_overflowing_digits_is_einval)
{
	assert_rejected("99999999999999999999999Q", -EINVAL);
}

/* --- config_load */

Test(config, defaults_when_unset)
{
	static const struct fake_var none[] = { { NULL, NULL } };
	long pages = sysconf(_SC_PHYS_PAGES), ps = sysconf(_SC_PAGESIZE);
	unsigned long long half = (unsigned long long)pages / 2 * ps;

	/* at most CONFIG_MAX_MAX_RSS, which is also the default arena (4G) */
	if (half > CONFIG_MAX_MAX_RSS)
		half = CONFIG_MAX_MAX_RSS;
	half &= ~(unsigned long long)(ps - 1);

	cr_assert_eq(load(none), 0, "an empty environment should load, got: %s", err);
	cr_assert_eq(cfg.max_rss, half, "max_rss should default to half the RAM (%llu), got %llu",
		     half, cfg.max_rss);
	cr_assert_eq(cfg.arena_size, config_default_arena_size(),
		     "arena should default to config_default_arena_size(), got %llu", cfg.arena_size);
	cr_assert_geq(cfg.arena_size, 4 * GiB, "the default arena should be at least 4G");
	cr_assert_eq(cfg.engine, ENGINE_AUTO, "engine should default to auto");
	cr_assert_str_empty(cfg.swap, "swap should default to \"\" (the caller picks $TMPDIR)");
	cr_assert_str_empty(cfg.report, "report should default to \"\" (no report)");
	cr_assert_not(cfg.verbose, "verbose should default to off");
	cr_assert_not(cfg.summary, "the exit summary should default to off");
	cr_assert(cfg.latency, "latencies should be measured by default");
	cr_assert(cfg.inherit, "executed programs should inherit upage by default");
	cr_assert_not(cfg.max_rss_set, "max_rss_set should be false when UPAGE_MAX_RSS is unset");
}

Test(config, default_max_rss_is_cut_to_a_small_arena)
{
	static const struct fake_var env[] = { { "UPAGE_ARENA_SIZE", "16M" }, { NULL, NULL } };

	cr_assert_eq(load(env), 0, "a 16M arena alone should load, got: %s", err);
	cr_assert_leq(cfg.max_rss, 16 * MiB, "the default max_rss should not exceed the arena");
}

Test(config, every_variable_read)
{
	static const struct fake_var env[] = {
		{ "UPAGE_MAX_RSS", "64M" },	    { "UPAGE_ARENA_SIZE", "1G" },
		{ "UPAGE_ENGINE", "sigsegv" },	    { "UPAGE_SWAP", "/var/tmp/swap" },
		{ "UPAGE_REPORT", "/tmp/r.json" }, { "UPAGE_VERBOSE", "1" },
		{ "UPAGE_INHERIT", "0" },	    { "UPAGE_SUMMARY", "1" },
		{ "UPAGE_LATENCY", "0" },	    { NULL, NULL },
	};

	cr_assert_eq(load(env), 0, "a valid environment should load, got: %s", err);
	cr_assert_eq(cfg.max_rss, 64 * MiB, "max_rss should be 64M");
	cr_assert(cfg.max_rss_set, "max_rss_set should be true when UPAGE_MAX_RSS is given");
	cr_assert_eq(cfg.arena_size, GiB, "arena should be 1G");
	cr_assert_eq(cfg.engine, ENGINE_SIGSEGV, "engine should be sigsegv");
	cr_assert_str_eq(cfg.swap, "/var/tmp/swap", "swap should be the path given");
	cr_assert_str_eq(cfg.report, "/tmp/r.json", "report should be the path given");
	cr_assert(cfg.verbose, "UPAGE_VERBOSE=1 should turn verbose on");
	cr_assert_not(cfg.inherit, "UPAGE_INHERIT=0 should turn inheritance off");
	cr_assert(cfg.summary, "UPAGE_SUMMARY=1 should turn the exit summary on");
	cr_assert_not(cfg.latency, "UPAGE_LATENCY=0 should turn latency measuring off");
}

Test(config, engine_names_parse)
{
	static const struct fake_var uffd[] = { { "UPAGE_ENGINE", "uffd" }, { NULL, NULL } };
	static const struct fake_var autoe[] = { { "UPAGE_ENGINE", "auto" }, { NULL, NULL } };
	static const struct fake_var bus[] = { { "UPAGE_ENGINE", "uffd-sigbus" }, { NULL, NULL } };

	cr_assert_eq(load(bus), 0, "UPAGE_ENGINE=uffd-sigbus should load, got: %s", err);
	cr_assert_eq(cfg.engine, ENGINE_UFFD_SIGBUS, "uffd-sigbus should select ENGINE_UFFD_SIGBUS");
	cr_assert_eq(load(uffd), 0, "UPAGE_ENGINE=uffd should load, got: %s", err);
	cr_assert_eq(cfg.engine, ENGINE_UFFD, "uffd should select ENGINE_UFFD");
	cr_assert_eq(load(autoe), 0, "UPAGE_ENGINE=auto should load, got: %s", err);
	cr_assert_eq(cfg.engine, ENGINE_AUTO, "auto should select ENGINE_AUTO");
}

Test(config, engine_name_round_trips)
{
	cr_assert_str_eq(engine_name(ENGINE_AUTO), "auto", "ENGINE_AUTO is \"auto\"");
	cr_assert_str_eq(engine_name(ENGINE_UFFD), "uffd", "ENGINE_UFFD is \"uffd\"");
	cr_assert_str_eq(engine_name(ENGINE_SIGSEGV), "sigsegv", "ENGINE_SIGSEGV is \"sigsegv\"");
	cr_assert_str_eq(engine_name(ENGINE_UFFD_SIGBUS), "uffd-sigbus",
			 "ENGINE_UFFD_SIGBUS is \"uffd-sigbus\"");
	cr_assert_str_eq(engine_name((enum upage_engine)42), "unknown",
			 "an out-of-range engine is \"unknown\", not a crash");
}

Test(config, max_rss_rounds_down_to_a_page)
{
	static const struct fake_var env[] = { { "UPAGE_MAX_RSS", "1049000" }, { NULL, NULL } };
	unsigned long long ps = sysconf(_SC_PAGESIZE);

	cr_assert_eq(load(env), 0, "1049000 bytes should load, got: %s", err);
	cr_assert_eq(cfg.max_rss, 1049000ULL & ~(ps - 1),
		     "max_rss should round down to a page, got %llu", cfg.max_rss);
}

Test(config, arena_rounds_up_to_4m)
{
	static const struct fake_var env[] = {
		{ "UPAGE_ARENA_SIZE", "17M" }, { "UPAGE_MAX_RSS", "16M" }, { NULL, NULL }
	};

	cr_assert_eq(load(env), 0, "a 17M arena should load, got: %s", err);
	cr_assert_eq(cfg.arena_size, 20 * MiB, "17M should round up to 20M, got %llu",
		     cfg.arena_size);
}

Test(config, max_rss_above_arena_refused)
{
	static const struct fake_var env[] = {
		{ "UPAGE_MAX_RSS", "2G" }, { "UPAGE_ARENA_SIZE", "1G" }, { NULL, NULL }
	};

	cr_assert_eq(load(env), -EINVAL, "max_rss above the arena should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_MAX_RSS=\"2G\": above the arena size of 1G (UPAGE_ARENA_SIZE)",
			 "the message should name both variables, got: %s", err);
}

Test(config, max_rss_equal_to_arena_accepted)
{
	static const struct fake_var env[] = {
		{ "UPAGE_MAX_RSS", "1G" }, { "UPAGE_ARENA_SIZE", "1G" }, { NULL, NULL }
	};

	cr_assert_eq(load(env), 0, "max_rss equal to the arena should load, got: %s", err);
}

Test(config, bad_max_rss_named)
{
	static const struct fake_var env[] = { { "UPAGE_MAX_RSS", "64X" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_MAX_RSS=64X should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_MAX_RSS=\"64X\": not a size (use digits with K, M, G or T)",
			 "the message should name the variable and the value, got: %s", err);
}

Test(config, max_rss_below_minimum_named)
{
	static const struct fake_var env[] = { { "UPAGE_MAX_RSS", "1K" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_MAX_RSS=1K should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_MAX_RSS=\"1K\": below the minimum of 1M",
			 "the message should give the minimum, got: %s", err);
}

Test(config, max_rss_above_maximum_named)
{
	static const struct fake_var env[] = {
		{ "UPAGE_MAX_RSS", "5G" }, { "UPAGE_ARENA_SIZE", "8G" }, { NULL, NULL }
	};

	cr_assert_eq(load(env), -EINVAL, "UPAGE_MAX_RSS=5G should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_MAX_RSS=\"5G\": above the maximum of 4G",
			 "the message should give the maximum, got: %s", err);
}

Test(config, overflowing_max_rss_named)
{
	static const struct fake_var env[] = {
		{ "UPAGE_MAX_RSS", "99999999999999999999999" }, { NULL, NULL }
	};

	cr_assert_eq(load(env), -EINVAL, "an overflowing size should be -EINVAL from config_load");
	cr_assert_str_eq(err, "UPAGE_MAX_RSS=\"99999999999999999999999\": too large (at most 4G)",
			 "the message should say the value is too large, got: %s", err);
}

Test(config, negative_max_rss_named)
{
	static const struct fake_var env[] = { { "UPAGE_MAX_RSS", "-5M" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_MAX_RSS=-5M should be -EINVAL");
	cr_assert(strstr(err, "UPAGE_MAX_RSS=\"-5M\": not a size"),
		  "the message should name the variable and the value, got: %s", err);
}

Test(config, bad_arena_named)
{
	static const struct fake_var env[] = { { "UPAGE_ARENA_SIZE", "1K" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_ARENA_SIZE=1K should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_ARENA_SIZE=\"1K\": below the minimum of 16M",
			 "the message should name the variable and the minimum, got: %s", err);
}

Test(config, arena_above_maximum_named)
{
	static const struct fake_var env[] = { { "UPAGE_ARENA_SIZE", "2T" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_ARENA_SIZE=2T should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_ARENA_SIZE=\"2T\": above the maximum of 1T",
			 "the message should give the maximum, got: %s", err);
}

Test(config, bad_engine_named)
{
	static const struct fake_var env[] = { { "UPAGE_ENGINE", "turbo" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_ENGINE=turbo should be -EINVAL");
	cr_assert_str_eq(err,
			 "UPAGE_ENGINE=\"turbo\": not an engine (use auto, uffd, uffd-sigbus or sigsegv)",
			 "the message should name the variable and list the engines, got: %s", err);
}

Test(config, bad_verbose_named)
{
	static const struct fake_var env[] = { { "UPAGE_VERBOSE", "2" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_VERBOSE=2 should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_VERBOSE=\"2\": not 0 or 1",
			 "the message should name the variable, got: %s", err);
}

Test(config, bad_summary_named)
{
	static const struct fake_var env[] = { { "UPAGE_SUMMARY", "yes" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_SUMMARY=yes should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_SUMMARY=\"yes\": not 0 or 1",
			 "the message should name the variable, got: %s", err);
}

Test(config, bad_latency_named)
{
	static const struct fake_var env[] = { { "UPAGE_LATENCY", "off" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_LATENCY=off should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_LATENCY=\"off\": not 0 or 1",
			 "the message should name the variable, got: %s", err);
}

Test(config, report_in_a_missing_directory_named)
{
	static const struct fake_var env[] = { { "UPAGE_REPORT", "/nonexistent-upage/r.json" },
					       { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "a report in a missing directory should be -EINVAL");
	cr_assert_str_eq(err,
			 "UPAGE_REPORT=\"/nonexistent-upage/r.json\": cannot write in "
			 "/nonexistent-upage: No such file or directory",
			 "the message should name the variable and the directory, got: %s", err);
}

Test(config, report_that_is_a_directory_named)
{
	static const struct fake_var env[] = { { "UPAGE_REPORT", "/tmp/" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "a report path ending in / should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_REPORT=\"/tmp/\": a directory, not a file",
			 "the message should say it is a directory, got: %s", err);
}

Test(config, bad_inherit_named)
{
	static const struct fake_var env[] = { { "UPAGE_INHERIT", "no" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "UPAGE_INHERIT=no should be -EINVAL");
	cr_assert_str_eq(err, "UPAGE_INHERIT=\"no\": not 0 or 1",
			 "the message should name the variable, got: %s", err);
}

Test(config, empty_value_named)
{
	static const char *const vars[] = { "UPAGE_MAX_RSS", "UPAGE_ARENA_SIZE", "UPAGE_ENGINE",
					    "UPAGE_SWAP",    "UPAGE_REPORT",     "UPAGE_VERBOSE",
					    "UPAGE_INHERIT", "UPAGE_SUMMARY", "UPAGE_LATENCY" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		struct fake_var env[] = { { vars[i], "" }, { NULL, NULL } };
		char expected[128];

		snprintf(expected, sizeof(expected), "%s=\"\": empty (unset it for the default)",
			 vars[i]);
		cr_assert_eq(load(env), -EINVAL, "%s set but empty should be -EINVAL", vars[i]);
		cr_assert_str_eq(err, expected, "the message should name %s, got: %s", vars[i],
				 err);
	}
}

Test(config, path_too_long_named)
{
	static char longpath[PATH_MAX + 8];
	struct fake_var env[] = { { "UPAGE_SWAP", longpath }, { NULL, NULL } };

	memset(longpath, 'a', PATH_MAX);
	longpath[0] = '/';
	longpath[PATH_MAX] = '\0';
	cr_assert_eq(load(env), -EINVAL, "a swap path of PATH_MAX bytes should be -EINVAL");
	cr_assert(strncmp(err, "UPAGE_SWAP=\"/aaa", 16) == 0,
		  "the message should name UPAGE_SWAP, got: %s", err);
	cr_assert(strstr(err, "...\": a path of 4096 bytes (at most 4095)"),
		  "the message should cut the value and give the limit, got: %s", err);
	cr_assert_lt(strlen(err), 200, "the message should stay one short line");
}

Test(config, first_bad_variable_reported)
{
	static const struct fake_var env[] = {
		{ "UPAGE_ENGINE", "warp" }, { "UPAGE_MAX_RSS", "12Q" }, { NULL, NULL }
	};

	cr_assert_eq(load(env), -EINVAL, "two bad variables should be -EINVAL");
	cr_assert(strncmp(err, "UPAGE_MAX_RSS=", 14) == 0,
		  "the table's first bad variable should be reported, got: %s", err);
	cr_assert_null(strchr(err, '\n'), "the message should be one line");
}

Test(config, unprintable_value_shown_safely)
{
	static const struct fake_var env[] = { { "UPAGE_ENGINE", "a\nb\"c" }, { NULL, NULL } };

	cr_assert_eq(load(env), -EINVAL, "a value with a newline should be -EINVAL");
	cr_assert_str_eq(err,
			 "UPAGE_ENGINE=\"a?b?c\": not an engine (use auto, uffd, uffd-sigbus or sigsegv)",
			 "newlines and quotes should show as '?', got: %s", err);
}

Test(config, short_error_buffer_truncated)
{
	static const struct fake_var env[] = { { "UPAGE_ENGINE", "turbo" }, { NULL, NULL } };
	char small[8];

	fake_env = env;
	cr_assert_eq(config_load(&cfg, fake_getenv, small, sizeof(small)), -EINVAL,
		     "a bad value should be -EINVAL whatever the buffer");
	cr_assert_str_eq(small, "UPAGE_E", "the message should be cut and NUL terminated");
}

Test(config, zswap_off_by_default)
{
	cr_assert_eq(load(NULL), 0, "expected the defaults to load: %s", err);
	cr_assert_eq(cfg.zswap_bytes, 0, "expected no pool by default");
	cr_assert_eq(cfg.zswap_percent, 0, "expected no pool by default");
	cr_assert_eq(cfg.zswap_compressor, COMPRESSOR_LZ4, "expected lz4 by default");
	cr_assert_eq(config_zswap_bytes(&cfg, 64 * MiB), 0, "expected no pool bytes");
}

Test(config, zswap_size_and_percent)
{
	const struct fake_var size[] = { { "UPAGE_MAX_RSS", "64M" }, { "UPAGE_ZSWAP", "16M" },
					 { "UPAGE_ZSWAP_COMPRESSOR", "zstd" }, { NULL, NULL } };
	const struct fake_var pct[] = { { "UPAGE_MAX_RSS", "64M" }, { "UPAGE_ZSWAP", "25%" },
					{ NULL, NULL } };

	cr_assert_eq(load(size), 0, "expected UPAGE_ZSWAP=16M accepted: %s", err);
	cr_assert_eq(config_zswap_bytes(&cfg, 64 * MiB), 16 * MiB, "expected a 16M pool");
	cr_assert_eq(cfg.zswap_compressor, COMPRESSOR_ZSTD, "expected zstd");
	cr_assert_eq(load(pct), 0, "expected UPAGE_ZSWAP=25%% accepted: %s", err);
	cr_assert_eq(cfg.zswap_percent, 25, "expected 25%%");
	cr_assert_eq(config_zswap_bytes(&cfg, 64 * MiB), 16 * MiB, "expected a quarter of 64M");
	cr_assert_eq(config_zswap_bytes(&cfg, 10 * MiB) % 4096, 0, "expected a page multiple");
}

static void assert_zswap_refused(const char *var, const char *value, const char *why)
{
	const struct fake_var vars[] = { { "UPAGE_MAX_RSS", "64M" }, { var, value }, { NULL, NULL } };

	cr_assert_eq(load(vars), -EINVAL, "expected %s=%s refused", var, value);
	cr_assert(strstr(err, var) != NULL, "expected the message to name %s: %s", var, err);
	cr_assert(strstr(err, why) != NULL, "expected the message to say '%s': %s", why, err);
}

Test(config, bad_zswap_named)
{
	assert_zswap_refused("UPAGE_ZSWAP", "12Q", "not a size or a percentage");
	assert_zswap_refused("UPAGE_ZSWAP", "95%", "from 1% to 90%");
	assert_zswap_refused("UPAGE_ZSWAP", "0%", "from 1% to 90%");
	assert_zswap_refused("UPAGE_ZSWAP", "x%", "not a percentage");
	assert_zswap_refused("UPAGE_ZSWAP", "4K", "below the minimum of 64K");
	assert_zswap_refused("UPAGE_ZSWAP", "64M", "leaves less than 1M");
	assert_zswap_refused("UPAGE_ZSWAP_COMPRESSOR", "gzip", "not a compressor");
}
