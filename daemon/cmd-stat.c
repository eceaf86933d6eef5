// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-stat.c - `upage stat`: a running process's counters, read live from
 * its stats memfd (stats_read_pid).
 *
 *   upage stat PID              the counters and latency percentiles now
 *   upage stat --json PID       the same as the report's JSON, one line
 *   upage stat -i SECS [-c N]   one line per interval, as vmstat: rates
 *                               and the swap-in p50/p99 of that interval
 *                               (the difference of two histogram
 *                               snapshots), the header repeated every
 *                               screenful; with --json one object a line
 *
 * A pid that does not exist, a process not under upage and another user's
 * process are each one line naming the pid, and exit status 1.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <upage.h>

#include "cmd.h"
#include "histogram.h"
#include "outbuf.h"
#include "stats.h"

#define MAX_INTERVAL	86400.0		/* a day */

static int cmd_stat_exec(int argc, char **argv);

const struct cmd_entry cmd_stat_entry = {
	.name = "stat",
	.usage = "[--json] [-i SECONDS [-c COUNT]] PID",
	.summary = "a running process's counters and latency percentiles, live",
	.exec = cmd_stat_exec,
};

static double mib(uint64_t bytes)
{
	return (double)bytes / (1 << 20);
}

static uint64_t pages_bytes(uint64_t pages)
{
	return pages * STATS_PAGE_BYTES;
}

/* Has @pid ended, its parent not having reaped it yet (a zombie)? */
static bool exited(int pid)
{
	char path[64], buf[256], *paren;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ...": comm may hold anything, the state follows the last ')' */
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

/* The one line for a failed read of @pid; returns the exit status. */
static int read_error(int pid, int err)
{
	if (err == -ENOENT && exited(pid))
		err = -ESRCH;
	switch (err) {
	case -ESRCH:
		fprintf(stderr, "upage stat: no process %d\n", pid);
		break;
	case -ENOENT:
		fprintf(stderr, "upage stat: process %d is not running under upage\n", pid);
		break;
	case -EACCES:
		fprintf(stderr, "upage stat: process %d belongs to another user (permission denied)\n",
			pid);
		break;
	case -EPROTO:
		fprintf(stderr, "upage stat: process %d runs a different version of upage "
				"(its counters are not version %d)\n",
			pid, UPAGE_STATS_VERSION);
		break;
	default:
		fprintf(stderr, "upage stat: process %d: %s\n", pid, strerror(-err));
	}
	return 1;
}

static void print_us(uint64_t ns)
{
	printf(" %10.1f", (double)ns / 1000);
}

/* upage stat PID: everything now. */
static void print_now(const struct upage_stats *st)
{
	printf("pid %d, engine %.*s: resident %.1f MiB of %.1f MiB (peak %.1f MiB), "
	       "swap used %.1f MiB\n",
	       st->pid, (int)sizeof(st->engine), st->engine, mib(pages_bytes(st->resident_pages)),
	       mib(st->max_rss_bytes), mib(pages_bytes(st->peak_resident_pages)),
	       mib(pages_bytes(st->swap_used_pages)));
	printf("lists (pages): active %" PRIu64 ", inactive_dirty %" PRIu64
	       ", inactive_clean %" PRIu64 ", free %" PRIu64 "\n",
	       st->active_pages, st->inactive_dirty_pages, st->inactive_clean_pages,
	       st->free_pages);
	printf("faults: no_page %" PRIu64 ", swap_page %" PRIu64 ", minor %" PRIu64
	       ", wp_page %" PRIu64 ", bad %" PRIu64 "\n",
	       st->faults_no_page, st->faults_swap_page, st->faults_minor, st->faults_wp_page,
	       st->faults_bad);
	printf("paging: swap_ins %" PRIu64 ", swap_outs %" PRIu64 " (%" PRIu64 " writes), "
	       "deactivated %" PRIu64 ", activated %" PRIu64 ", reclaimed %" PRIu64
	       ", direct_reclaims %" PRIu64 ", kswapd_wakeups %" PRIu64 ", dropped %" PRIu64
	       ", io_errors %" PRIu64 "\n",
	       st->swap_ins, st->swap_outs, st->swap_out_clusters, st->pages_deactivated,
	       st->pages_activated, st->pages_reclaimed, st->direct_reclaims,
	       st->kswapd_wakeups, st->pages_dropped, st->io_errors);
	if (st->zswap_limit_bytes)
		printf("zswap: pool %.1f MiB of %.1f MiB, %" PRIu64 " pages (%" PRIu64
		       " same-filled), stores %" PRIu64 ", hits %" PRIu64 ", rejects %" PRIu64
		       ", writebacks %" PRIu64 "\n",
		       mib(st->zswap_pool_bytes), mib(st->zswap_limit_bytes), st->zswap_stored_pages,
		       st->zswap_same_filled, st->zswap_stores, st->zswap_hits, st->zswap_rejects,
		       st->zswap_writebacks);
	if (st->remote_servers)
		printf("remote: %" PRIu64 " memcached servers (%" PRIu64 " set aside), reads %" PRIu64
		       ", writes %" PRIu64 ", failovers %" PRIu64 ", stale %" PRIu64
		       ", missing %" PRIu64 ", rereplications %" PRIu64 ", one-copy writes %" PRIu64
		       ", lost %" PRIu64 ", evictions %" PRIu64 "\n",
		       st->remote_servers, st->remote_servers_down, st->remote_reads,
		       st->remote_writes, st->remote_failovers, st->remote_stale_reads,
		       st->remote_missing_reads, st->remote_rereplications,
		       st->remote_degraded_writes, st->remote_read_errors, st->remote_evictions);
	if (!(st->flags & UPAGE_STATS_F_LATENCY)) {
		printf("latency: not measured (UPAGE_LATENCY=0)\n");
		return;
	}
	printf("%-10s %10s %10s %10s %10s %10s %10s %10s\n", "latency", "count", "mean us",
	       "p50 us", "p90 us", "p99 us", "p99.9 us", "max us");
	for (int k = 0; k < UPAGE_LAT_KINDS; k++) {
		const struct upage_histogram *h = &st->latency[k];

		printf("%-10s %10" PRIu64, latency_kind_name[k], h->count);
		print_us(hist_mean(h));
		print_us(hist_percentile(h, 0.5));
		print_us(hist_percentile(h, 0.9));
		print_us(hist_percentile(h, 0.99));
		print_us(hist_percentile(h, 0.999));
		print_us(h->max_ns);
		printf("\n");
	}
}

static void print_json_now(const struct upage_stats *st)
{
	static char buf[16384];
	struct outbuf o;

	fflush(stdout);
	outbuf_init_fd(&o, STDOUT_FILENO, buf, sizeof(buf));
	stats_write_json(st, &o);
	outbuf_put(&o, "\n", 1);
	outbuf_flush(&o);
}

/* --- the interval lines --- */

/* What one interval line shows: rates over [a, b], @secs long. */
struct interval {
	const struct upage_stats *b;
	double secs;
	double no_page, swap_page, minor, wp_page, swap_ins, swap_outs;
	uint64_t in_count, in_p50, in_p99;	/* swap_page faults in the span */
};

static void interval_of(struct interval *iv, const struct upage_stats *a,
			const struct upage_stats *b, double secs, struct upage_histogram *scratch)
{
	iv->b = b;
	iv->secs = secs;
	iv->no_page = (double)(b->faults_no_page - a->faults_no_page) / secs;
	iv->swap_page = (double)(b->faults_swap_page - a->faults_swap_page) / secs;
	iv->minor = (double)(b->faults_minor - a->faults_minor) / secs;
	iv->wp_page = (double)(b->faults_wp_page - a->faults_wp_page) / secs;
	iv->swap_ins = (double)(b->swap_ins - a->swap_ins) / secs;
	iv->swap_outs = (double)(b->swap_outs - a->swap_outs) / secs;
	hist_diff(scratch, &b->latency[UPAGE_LAT_SWAP_PAGE], &a->latency[UPAGE_LAT_SWAP_PAGE]);
	iv->in_count = hist_total(scratch);
	iv->in_p50 = hist_percentile(scratch, 0.5);
	iv->in_p99 = hist_percentile(scratch, 0.99);
}

struct column {
	const char *name;
	int width;
};

/* Three groups, each with its title over its columns, as vmstat's. */
static const struct column mem_cols[] = {
	{ "resident", 8 }, { "cap", 7 }, { "active", 7 }, { "i_dirty", 7 },
	{ "i_clean", 7 }, { "free", 7 }, { "swap", 7 },
};
static const struct column fault_cols[] = {
	{ "no_page", 8 }, { "swap_page", 9 }, { "minor", 7 }, { "wp_page", 7 },
};
static const struct column swap_cols[] = { { "in", 7 }, { "out", 7 } };
static const struct column lat_cols[] = { { "p50", 7 }, { "p99", 7 } };

struct group {
	const char *title;
	const struct column *cols;
	int nr;
};

#define GROUP(t, c) { t, c, (int)(sizeof(c) / sizeof(c[0])) }
static const struct group groups[] = {
	GROUP("memory MiB", mem_cols),
	GROUP("faults/s", fault_cols),
	GROUP("pages/s", swap_cols),
	GROUP("swap-in us", lat_cols),
};
#define NR_GROUPS	(int)(sizeof(groups) / sizeof(groups[0]))

static void print_header(void)
{
	for (int g = 0; g < NR_GROUPS; g++) {
		int width = -1, len = (int)strlen(groups[g].title) + 2, left;

		for (int c = 0; c < groups[g].nr; c++)
			width += groups[g].cols[c].width + 1;
		left = (width - len) / 2;
		printf(" ");
		for (int i = 0; i < left; i++)
			putchar('-');
		printf(" %s ", groups[g].title);
		for (int i = left + len; i < width; i++)
			putchar('-');
	}
	printf("\n");
	for (int g = 0; g < NR_GROUPS; g++)
		for (int c = 0; c < groups[g].nr; c++)
			printf(" %*s", groups[g].cols[c].width, groups[g].cols[c].name);
	printf("\n");
}

static void print_interval(const struct interval *iv)
{
	const struct upage_stats *b = iv->b;

	printf(" %8.1f %7.1f %7.1f %7.1f %7.1f %7.1f %7.1f", mib(pages_bytes(b->resident_pages)),
	       mib(b->max_rss_bytes), mib(pages_bytes(b->active_pages)),
	       mib(pages_bytes(b->inactive_dirty_pages)), mib(pages_bytes(b->inactive_clean_pages)),
	       mib(pages_bytes(b->free_pages)), mib(pages_bytes(b->swap_used_pages)));
	printf(" %8.0f %9.0f %7.0f %7.0f", iv->no_page, iv->swap_page, iv->minor, iv->wp_page);
	printf(" %7.0f %7.0f", iv->swap_ins, iv->swap_outs);
	if (iv->in_count)
		printf(" %7.1f %7.1f\n", (double)iv->in_p50 / 1000, (double)iv->in_p99 / 1000);
	else
		printf(" %7s %7s\n", "-", "-");
}

static void print_interval_json(const struct interval *iv, double t)
{
	const struct upage_stats *b = iv->b;
	char p50[24] = "null", p99[24] = "null";

	if (iv->in_count) {
		snprintf(p50, sizeof(p50), "%" PRIu64, iv->in_p50);
		snprintf(p99, sizeof(p99), "%" PRIu64, iv->in_p99);
	}
	printf("{\"t_s\": %.3f, \"interval_s\": %.3f, \"pid\": %d, \"resident_bytes\": %" PRIu64
	       ", \"max_rss_bytes\": %" PRIu64 ", \"active_pages\": %" PRIu64
	       ", \"inactive_dirty_pages\": %" PRIu64 ", \"inactive_clean_pages\": %" PRIu64
	       ", \"free_pages\": %" PRIu64 ", \"swap_used_bytes\": %" PRIu64
	       ", \"faults_per_s\": {\"no_page\": %.1f, \"swap_page\": %.1f, \"minor\": %.1f, "
	       "\"wp_page\": %.1f}, \"swap_ins_per_s\": %.1f, \"swap_outs_per_s\": %.1f, "
	       "\"swap_ins\": %" PRIu64 ", \"swap_in_p50_ns\": %s, \"swap_in_p99_ns\": %s}\n",
	       t, iv->secs, b->pid, pages_bytes(b->resident_pages), b->max_rss_bytes,
	       b->active_pages, b->inactive_dirty_pages, b->inactive_clean_pages, b->free_pages,
	       pages_bytes(b->swap_used_pages), iv->no_page, iv->swap_page, iv->minor,
	       iv->wp_page, iv->swap_ins, iv->swap_outs, iv->in_count, p50, p99);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Lines between headers: a screenful, as vmstat (24 rows without a tty). */
static int header_every(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 5)
		return ws.ws_row - 3;
	return 21;
}

static int run_intervals(int pid, double interval, long count, bool json)
{
	struct upage_stats *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *t;
	struct upage_histogram *scratch = malloc(sizeof(*scratch));
	double start, ta, tb;
	int ret, every = header_every();

	if (!a || !b || !scratch) {
		fprintf(stderr, "upage stat: out of memory\n");
		return 1;
	}
	ret = stats_read_pid(pid, a);
	if (ret)
		return read_error(pid, ret);
	start = ta = now_s();
	for (long n = 0; count < 0 || n < count; n++) {
		struct interval iv;

		sleep_until(start + (double)(n + 1) * interval);
		ret = stats_read_pid(pid, b);
		tb = now_s();
		if (ret == -ESRCH || (ret == -ENOENT && exited(pid))) {
			fprintf(stderr, "upage stat: process %d has exited\n", pid);
			return 0;
		}
		if (ret)
			return read_error(pid, ret);
		interval_of(&iv, a, b, tb - ta, scratch);
		if (json) {
			print_interval_json(&iv, tb - start);
		} else {
			if (n % every == 0)
				print_header();
			print_interval(&iv);
		}
		fflush(stdout);
		t = a;
		a = b;
		b = t;
		ta = tb;
	}
	free(a);
	free(b);
	free(scratch);
	return 0;
}

/* --- arguments --- */

static bool parse_pid(const char *s, int *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return false;
	*pid = (int)v;
	return true;
}

static bool parse_interval(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0.01 || v > MAX_INTERVAL)
		return false;
	*out = v;
	return true;
}

static bool parse_count(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0)
		return false;
	*out = v;
	return true;
}

static void help(void)
{
	printf("usage: upage stat %s\n\n"
	       "Print the counters of PID, a process running under upage.\n\n"
	       "  -i, --interval SECONDS  one line every SECONDS (at least 0.01), as vmstat:\n"
	       "                          rates, and the swap-in latency of that interval\n"
	       "  -c, --count COUNT       stop after COUNT lines (with -i; default: until\n"
	       "                          the process ends)\n"
	       "      --json              JSON: the report's object, or one object a line\n",
	       cmd_stat_entry.usage);
}

static int cmd_stat_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double interval = 0;
	long count = -1;
	bool json = false;
	int c, pid, ret;
	struct upage_stats *st;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!parse_interval(optarg, &interval)) {
				fprintf(stderr, "upage stat: -i \"%s\": not a number of seconds "
						"from 0.01 to %.0f\n", optarg, MAX_INTERVAL);
				return cmd_usage(&cmd_stat_entry);
			}
			break;
		case 'c':
			if (!parse_count(optarg, &count)) {
				fprintf(stderr, "upage stat: -c \"%s\": not a positive count\n",
					optarg);
				return cmd_usage(&cmd_stat_entry);
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			help();
			return 0;
		case ':':
			fprintf(stderr, "upage stat: %s needs a value\n", argv[optind - 1]);
			return cmd_usage(&cmd_stat_entry);
		default:
			fprintf(stderr, "upage stat: unknown option %s\n", argv[optind - 1]);
			return cmd_usage(&cmd_stat_entry);
		}
	}
	if (count > 0 && interval == 0) {
		fprintf(stderr, "upage stat: -c needs -i\n");
		return cmd_usage(&cmd_stat_entry);
	}
	if (optind != argc - 1) {
		fprintf(stderr, optind >= argc ? "upage stat: no PID\n"
					       : "upage stat: one PID only\n");
		return cmd_usage(&cmd_stat_entry);
	}
	if (!parse_pid(argv[optind], &pid)) {
		fprintf(stderr, "upage stat: \"%s\" is not a process id\n", argv[optind]);
		return cmd_usage(&cmd_stat_entry);
	}
	if (interval > 0)
		return run_intervals(pid, interval, count, json);

	st = malloc(sizeof(*st));
	if (!st) {
		fprintf(stderr, "upage stat: out of memory\n");
		return 1;
	}
	ret = stats_read_pid(pid, st);
	if (ret) {
		free(st);
		return read_error(pid, ret);
	}
	if (json)
		print_json_now(st);
	else
		print_now(st);
	free(st);
	return 0;
}
