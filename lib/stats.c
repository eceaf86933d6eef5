// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats.c - the counters, where another process can read them.
 *
 * struct upage_stats (include/upage.h) lives in a shared mapping of a memfd
 * named "upage-stats": `upage stat PID` finds it through /proc/PID/fd, and
 * it goes away with the process.  Writers use relaxed atomics (count_event,
 * stats_resident_add): no lock, safe on the fault path and in a signal
 * handler.  Nothing here calls malloc or the interposed mmap.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <upage.h>

#include "overhead.h"
#include "ownfd.h"
#include "procfd.h"
#include "stats.h"
#include "sys.h"

#define STATS_MEMFD_NAME	"upage-stats"
#define STATS_PAGE_BYTES	((uint64_t)4096)	/* the pager's page: PAGE_SIZE */

/*
 * The counters, NULL until stats_init.  The pointer is set once at start-up
 * (again in a forked child); the fields are updated with relaxed atomics.
 */
struct upage_stats *upage_stats;

bool latency_enabled = true;

/* How upage_stats is mapped, for stats_init to undo it in a forked child. */
static int stats_fd = -1;		/* the memfd, or -1 */
static size_t stats_map_len;		/* 0: upage_stats is stats_static */
static struct upage_stats stats_static;	/* when no memory can be mapped */

static size_t stats_len(void)
{
	return (sizeof(struct upage_stats) + STATS_PAGE_BYTES - 1) & ~(STATS_PAGE_BYTES - 1);
}

/* A shared mapping of a new memfd, its descriptor in *fdp; or NULL. */
static struct upage_stats *stats_map_memfd(size_t len, int *fdp)
{
	void *p;
	int fd;

	fd = memfd_create(STATS_MEMFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return NULL;
	/* Out of the program's way (ownfd.h): `upage stat` finds it there. */
	fd = ownfd_place(fd);
	if (ftruncate(fd, len) < 0)
		goto fail;
	/* Nobody may shrink it under us: that would turn counting into SIGBUS. */
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	overhead_register(p, len);	/* upage's own memory */
	*fdp = fd;
	return p;
fail:
	close(fd);
	return NULL;
}

/*
 * Called once at start-up, and again in a forked child, which must not go
 * on counting into its parent's shared mapping: the child gets its own
 * memfd, starting from the counters it inherited.
 */
int stats_init(const char *engine, unsigned long long max_rss, unsigned long long arena_bytes)
{
	struct upage_stats *st, *old = upage_stats;
	size_t len = stats_len(), old_len = stats_map_len;
	int fd = -1, old_fd = stats_fd, ret = 0;

	st = stats_map_memfd(len, &fd);
	if (!st) {
		st = sys_alloc_pages(len);
		if (!st) {
			/* Still count, privately, so count_event never sees NULL. */
			st = old && !old_len ? old : &stats_static;
			len = 0;
			ret = -ENOMEM;
		}
	}
	if (old && old != st)
		*st = *old;
	else if (!old)
		memset(st, 0, sizeof(*st));

	st->magic = UPAGE_STATS_MAGIC;
	st->version = UPAGE_STATS_VERSION;
	st->pid = getpid();
	memset(st->engine, 0, sizeof(st->engine));
	if (engine)
		strncpy(st->engine, engine, sizeof(st->engine) - 1);
	st->max_rss_bytes = max_rss;
	st->arena_bytes = arena_bytes;
	st->flags = latency_enabled ? UPAGE_STATS_F_LATENCY : 0;

	__atomic_store_n(&upage_stats, st, __ATOMIC_RELEASE);
	stats_map_len = len;
	if (old && old != st && old_len) {
		overhead_unregister(old, old_len);
		sys_munmap(old, old_len);
	}
	if (old_fd != fd) {
		ownfd_close(&stats_fd);
		stats_fd = fd;
		ownfd_add(&stats_fd, "counters memfd");
	}
	return ret;
}

void stats_set_latency(bool on)
{
	latency_enabled = on;
	if (upage_stats) {
		if (on)
			__atomic_fetch_or(&upage_stats->flags, UPAGE_STATS_F_LATENCY, __ATOMIC_RELAXED);
		else
			__atomic_fetch_and(&upage_stats->flags, ~(uint64_t)UPAGE_STATS_F_LATENCY,
					   __ATOMIC_RELAXED);
	}
}

void stats_gauge_add(uint64_t *now, uint64_t *peak, long delta)
{
	uint64_t n = __atomic_add_fetch(now, (uint64_t)delta, __ATOMIC_RELAXED);
	uint64_t p = __atomic_load_n(peak, __ATOMIC_RELAXED);

	/* A failed exchange reloads p: retry only while n is still above it. */
	while (n > p &&
	       !__atomic_compare_exchange_n(peak, &p, n, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void stats_resident_add(long delta)
{
	struct upage_stats *st = upage_stats;

	if (st)
		stats_gauge_add(&st->resident_pages, &st->peak_resident_pages, delta);
}

const char *const latency_kind_name[UPAGE_LAT_KINDS] = {
	[UPAGE_LAT_NO_PAGE] = "no_page",
	[UPAGE_LAT_SWAP_PAGE] = "swap_page",
	[UPAGE_LAT_MINOR] = "minor",
	[UPAGE_LAT_WP_PAGE] = "wp_page",
	[UPAGE_LAT_EVICT] = "evict",
	[UPAGE_LAT_IO_READ] = "io_read",
	[UPAGE_LAT_IO_WRITE] = "io_write",
	[UPAGE_LAT_ZSWAP_LOAD] = "zswap_load",
	[UPAGE_LAT_REMOTE_READ] = "remote_read",
};

static bool json_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

#define LOAD(field) __atomic_load_n(&st->field, __ATOMIC_RELAXED)

/*
 * The compressed tier's object: its ratio is of the pages it holds
 * compressed (same-filled ones take no pool bytes), 0 when it holds none.
 */
static void json_zswap(const struct upage_stats *st, struct outbuf *o)
{
	uint64_t bytes = LOAD(zswap_pool_bytes);
	uint64_t stored = LOAD(zswap_stored_pages), same = LOAD(zswap_same_filled);
	uint64_t compressed = stored > same ? stored - same : 0;	/* read one by one */
	double ratio = bytes ? (double)(compressed * STATS_PAGE_BYTES) / (double)bytes : 0.0;

	outbuf_printf(o,
		      "\"zswap\": {\"limit_bytes\": %" PRIu64 ", \"pool_bytes\": %" PRIu64
		      ", \"stored_pages\": %" PRIu64 ", \"same_filled\": %" PRIu64
		      ", \"ratio\": %.2f, \"stores\": %" PRIu64 ", \"hits\": %" PRIu64
		      ", \"rejects\": %" PRIu64 ", \"pool_full\": %" PRIu64
		      ", \"writebacks\": %" PRIu64 "}, ",
		      LOAD(zswap_limit_bytes), bytes, stored, same, ratio, LOAD(zswap_stores),
		      LOAD(zswap_hits), LOAD(zswap_rejects), LOAD(zswap_pool_full),
		      LOAD(zswap_writebacks));
}

/* The memcached pool's object (UPAGE_SWAP=memcached:...). */
static void json_remote(const struct upage_stats *st, struct outbuf *o)
{
	outbuf_printf(o,
		      "\"remote\": {\"servers\": %" PRIu64 ", \"servers_down\": %" PRIu64
		      ", \"reads\": %" PRIu64 ", \"writes\": %" PRIu64 ", \"failovers\": %" PRIu64
		      ", \"stale_reads\": %" PRIu64 ", \"missing_reads\": %" PRIu64
		      ", \"rereplications\": %" PRIu64 ", \"degraded_writes\": %" PRIu64
		      ", \"read_errors\": %" PRIu64 ", \"evictions\": %" PRIu64
		      ", \"servers_evicting\": %" PRIu64 ", \"deletes\": %" PRIu64
		      ", \"deletes_dropped\": %" PRIu64 "}, ",
		      LOAD(remote_servers), LOAD(remote_servers_down), LOAD(remote_reads),
		      LOAD(remote_writes), LOAD(remote_failovers), LOAD(remote_stale_reads),
		      LOAD(remote_missing_reads), LOAD(remote_rereplications),
		      LOAD(remote_degraded_writes), LOAD(remote_read_errors), LOAD(remote_evictions),
		      LOAD(remote_servers_evicting), LOAD(remote_deletes),
		      LOAD(remote_deletes_dropped));
}

static void json_counters(const struct upage_stats *st, struct outbuf *o)
{
	char engine[sizeof(st->engine) + 1];
	size_t i;

	/* The engine name may come from another process: print only [a-z0-9_-]. */
	for (i = 0; i < sizeof(st->engine) && st->engine[i]; i++)
		engine[i] = json_name_char(st->engine[i]) ? st->engine[i] : '?';
	engine[i] = '\0';

	outbuf_printf(o,
		      "\"pid\": %" PRId32 ", \"engine\": \"%s\", "
		      "\"max_rss_bytes\": %" PRIu64 ", \"arena_bytes\": %" PRIu64 ", "
		      "\"peak_resident_bytes\": %" PRIu64 ", \"resident_bytes\": %" PRIu64 ", ",
		      st->pid, engine, LOAD(max_rss_bytes), LOAD(arena_bytes),
		      LOAD(peak_resident_pages) * STATS_PAGE_BYTES,
		      LOAD(resident_pages) * STATS_PAGE_BYTES);
	outbuf_printf(o,
		      "\"faults\": {\"no_page\": %" PRIu64 ", \"swap_page\": %" PRIu64
		      ", \"wp_page\": %" PRIu64 ", \"minor\": %" PRIu64 ", \"bad\": %" PRIu64 "}, ",
		      LOAD(faults_no_page), LOAD(faults_swap_page), LOAD(faults_wp_page),
		      LOAD(faults_minor), LOAD(faults_bad));
	outbuf_printf(o,
		      "\"swap_ins\": %" PRIu64 ", \"swap_outs\": %" PRIu64
		      ", \"swap_out_clusters\": %" PRIu64 ", "
		      "\"pages_deactivated\": %" PRIu64 ", \"pages_activated\": %" PRIu64
		      ", \"pages_reclaimed\": %" PRIu64 ", "
		      "\"direct_reclaims\": %" PRIu64 ", \"kswapd_wakeups\": %" PRIu64
		      ", \"pages_dropped\": %" PRIu64 ", \"io_errors\": %" PRIu64 ", ",
		      LOAD(swap_ins), LOAD(swap_outs), LOAD(swap_out_clusters),
		      LOAD(pages_deactivated), LOAD(pages_activated), LOAD(pages_reclaimed),
		      LOAD(direct_reclaims), LOAD(kswapd_wakeups), LOAD(pages_dropped),
		      LOAD(io_errors));
	outbuf_printf(o,
		      "\"max_faults_in_flight\": %" PRIu64 ", \"max_reads_in_flight\": %" PRIu64
		      ", ",
		      LOAD(max_faults_in_flight), LOAD(max_reads_in_flight));
	outbuf_printf(o,
		      "\"pages_faulted_around\": %" PRIu64 ", \"faultaround_unused\": %" PRIu64
		      ", \"swap_readahead_pages\": %" PRIu64 ", \"swap_readahead_runs\": %" PRIu64
		      ", \"swapin_mapped_dirty\": %" PRIu64 ", \"overhead_bytes\": %" PRIu64 ", ",
		      LOAD(pages_faulted_around), LOAD(faultaround_unused),
		      LOAD(swap_readahead_pages), LOAD(swap_readahead_runs),
		      LOAD(swapin_mapped_dirty), LOAD(overhead_bytes));
	outbuf_printf(o,
		      "\"lists\": {\"active\": %" PRIu64 ", \"inactive_dirty\": %" PRIu64
		      ", \"inactive_clean\": %" PRIu64 ", \"free\": %" PRIu64 "}, "
		      "\"swap_used_bytes\": %" PRIu64 ", ",
		      LOAD(active_pages), LOAD(inactive_dirty_pages), LOAD(inactive_clean_pages),
		      LOAD(free_pages), LOAD(swap_used_pages) * STATS_PAGE_BYTES);
	json_zswap(st, o);
	json_remote(st, o);
}

/* "name": {"count": .., "mean": .., "p50": .., ..., "buckets": [[lo, hi, n], ...]} */
static void json_histogram(const char *name, const struct upage_histogram *h, struct outbuf *o)
{
	bool first = true;

	outbuf_printf(o,
		      "\"%s\": {\"count\": %" PRIu64 ", \"mean\": %" PRIu64 ", \"p50\": %" PRIu64
		      ", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"p999\": %" PRIu64
		      ", \"max\": %" PRIu64 ", \"buckets\": [",
		      name, h->count, hist_mean(h), hist_percentile(h, 0.5), hist_percentile(h, 0.9),
		      hist_percentile(h, 0.99), hist_percentile(h, 0.999), h->max_ns);
	for (unsigned int i = 0; i < UPAGE_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		outbuf_printf(o, "%s[%" PRIu64 ", %" PRIu64 ", %" PRIu64 "]", first ? "" : ", ",
			      hist_bucket_lower(i), hist_bucket_upper(i), h->buckets[i]);
		first = false;
	}
	outbuf_put(o, "]}", 2);
}

/* Per second over the span from @a to @b, which may be 0 ms long. */
static uint64_t per_second(uint64_t da, uint64_t dt_ms)
{
	return dt_ms ? (da * 1000 + dt_ms / 2) / dt_ms : 0;
}

/* "timeline": {"interval_ms": N, "samples": [{"t_ms", "resident_bytes",
 * "swap_ins_per_s", "swap_outs_per_s"}, ...]}: each rate over the span
 * since the sample before (the first sample is the start). */
static void json_timeline(const struct upage_timeline *tl, struct outbuf *o)
{
	uint32_t nr = tl->nr < UPAGE_TIMELINE_LEN ? tl->nr : UPAGE_TIMELINE_LEN;

	outbuf_printf(o, "\"timeline\": {\"interval_ms\": %" PRIu32 ", \"samples\": [",
		      tl->interval_ms);
	for (uint32_t i = 1; i < nr; i++) {
		const struct upage_timeline_sample *a = &tl->s[i - 1], *b = &tl->s[i];
		uint64_t dt = b->t_ms - a->t_ms;

		outbuf_printf(o,
			      "%s{\"t_ms\": %" PRIu64 ", \"resident_bytes\": %" PRIu64
			      ", \"swap_ins_per_s\": %" PRIu64 ", \"swap_outs_per_s\": %" PRIu64 "}",
			      i > 1 ? ", " : "", b->t_ms, b->resident_pages * STATS_PAGE_BYTES,
			      per_second(b->swap_ins - a->swap_ins, dt),
			      per_second(b->swap_outs - a->swap_outs, dt));
	}
	outbuf_put(o, "]}", 2);
}

void stats_write_json(const struct upage_stats *st, struct outbuf *o)
{
	outbuf_put(o, "{", 1);
	json_counters(st, o);
	/* null, not zeros, when nothing was measured (UPAGE_LATENCY=0): a
	 * reader must not take an empty histogram for a fast one. */
	if (!(st->flags & UPAGE_STATS_F_LATENCY)) {
		outbuf_printf(o, "\"latency_ns\": null, ");
	} else {
		outbuf_put(o, "\"latency_ns\": {", 15);
		for (int k = 0; k < UPAGE_LAT_KINDS; k++) {
			if (k)
				outbuf_put(o, ", ", 2);
			json_histogram(latency_kind_name[k], &st->latency[k], o);
		}
		outbuf_put(o, "}, ", 3);
	}
	json_timeline(&st->timeline, o);
	outbuf_put(o, "}", 1);
}

int stats_format_json(const struct upage_stats *st, char *buf, size_t len)
{
	struct outbuf o;

	outbuf_init_str(&o, buf, len);
	stats_write_json(st, &o);
	outbuf_flush(&o);
	return (int)o.total;
}

/*
 * @pid as the process itself sees it: the last of NSpid in
 * /proc/PID/status (the innermost PID namespace), or @pid.
 */
static int own_pid(int pid)
{
	char path[64], buf[2048], *p;
	ssize_t n;
	int fd, last = pid;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pid;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return pid;
	buf[n] = '\0';
	p = strstr(buf, "\nNSpid:");
	if (!p)
		return pid;
	for (p += 7; *p && *p != '\n';) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		last = (int)v;
		p = end;
	}
	return last;
}

/*
 * The counters of process @pid, through its memfd (procfd.c).  upage's
 * own tasks (untraced.c) share the program's descriptors but are
 * processes of their own: the counters say whose they are.
 */
int stats_read_pid(int pid, struct upage_stats *st)
{
	ssize_t n;
	int fd;

	fd = procfd_open_memfd(pid, STATS_MEMFD_NAME, O_RDONLY);
	if (fd < 0)
		return fd;
	n = pread(fd, st, sizeof(*st), 0);
	close(fd);
	/* Another version's counters may be shorter: the header says so. */
	if (n < (ssize_t)(3 * sizeof(uint32_t)) || st->magic != UPAGE_STATS_MAGIC ||
	    st->pid != own_pid(pid))
		return -ENOENT;
	if (st->version != UPAGE_STATS_VERSION)
		return -EPROTO;
	if (n != (ssize_t)sizeof(*st))
		return -ENOENT;
	return 0;
}

__attribute__((visibility("default"))) int upage_stats_read(struct upage_stats *st)
{
	struct upage_stats *cur = __atomic_load_n(&upage_stats, __ATOMIC_ACQUIRE);

	if (!cur) {
		errno = ENOSYS;
		return -1;
	}
	*st = *cur;
	return 0;
}
