// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_stats.c - the counters (lib/stats.c): their memfd, the peak, the
 * JSON report and reading another process's counters through /proc.
 * Criterion runs each test in a process of its own, so each starts with
 * upage_stats NULL.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <upage.h>

#include "ownfd.h"
#include "stats.h"
#include "timeline.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static void init(void)
{
	int ret = stats_init("uffd", 64 * MiB, 4 * GiB);

	cr_assert_eq(ret, 0, "stats_init should succeed, returned %d", ret);
	cr_assert_not_null(upage_stats, "stats_init should set upage_stats");
}

/* How many of this process's descriptors are upage's memfd; the last in *fdp. */
static int count_stats_memfds(int *fdp)
{
	char path[300], link[256];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	cr_assert_not_null(dir, "/proc/self/fd should be readable");
	while ((d = readdir(dir))) {
		ssize_t len;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (strncmp(link, "/memfd:upage-stats", 18) == 0) {
			n++;
			if (fdp)
				*fdp = atoi(d->d_name);
		}
	}
	closedir(dir);
	return n;
}

/* --- stats_init */

Test(stats, init_sets_header)
{
	init();
	cr_assert_eq(upage_stats->magic, UPAGE_STATS_MAGIC, "magic should be UPAGE_STATS_MAGIC");
	cr_assert_eq(upage_stats->version, UPAGE_STATS_VERSION,
		     "version should be UPAGE_STATS_VERSION");
	cr_assert_eq(upage_stats->pid, getpid(), "pid should be the caller's");
	cr_assert_str_eq(upage_stats->engine, "uffd", "engine should be the name given");
	cr_assert_eq(upage_stats->max_rss_bytes, 64 * MiB, "max_rss_bytes should be the cap");
	cr_assert_eq(upage_stats->arena_bytes, 4 * GiB, "arena_bytes should be the arena's size");
	cr_assert_eq(upage_stats->resident_pages, 0, "counters should start at zero");
	cr_assert_eq(upage_stats->io_errors, 0, "counters should start at zero");
}

Test(stats, init_truncates_a_long_engine_name)
{
	stats_init("an-engine-name-far-too-long", MiB, 16 * MiB);
	cr_assert_eq(strlen(upage_stats->engine), sizeof(upage_stats->engine) - 1,
		     "the engine name should be cut to fit, NUL terminated");
}

Test(stats, init_maps_a_cloexec_memfd_of_upages_own)
{
	int fd = -1;

	init();
	cr_assert_eq(count_stats_memfds(&fd), 1, "one memfd named upage-stats should be open");
	cr_assert(ownfd_is(fd), "the memfd (%d) should be one of upage's own descriptors", fd);
	cr_assert(syscall(SYS_fcntl, fd, F_GETFD) & FD_CLOEXEC,
		  "the memfd should be close-on-exec");
}

Test(stats, reinit_keeps_counters_and_one_memfd)
{
	init();
	count_event(swap_ins, 7);
	stats_resident_add(3);
	cr_assert_eq(stats_init("sigsegv", 32 * MiB, 4 * GiB), 0,
		     "a second stats_init should work");
	cr_assert_eq(upage_stats->swap_ins, 7, "counters should carry over a second stats_init");
	cr_assert_eq(upage_stats->resident_pages, 3, "resident pages should carry over");
	cr_assert_str_eq(upage_stats->engine, "sigsegv", "the header should be rewritten");
	cr_assert_eq(count_stats_memfds(NULL), 1, "the old memfd should be closed");
}

Test(stats, forked_child_reinit_stops_sharing)
{
	int status;
	pid_t pid;

	init();
	count_event(swap_outs, 1);
	pid = fork();
	cr_assert_geq(pid, 0, "fork should work");
	if (pid == 0) {
		stats_init("uffd", 64 * MiB, 4 * GiB);
		count_event(swap_outs, 100);
		_exit(upage_stats->swap_outs == 101 && upage_stats->pid == getpid() ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid, "waitpid should reap the child");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the child should start from the inherited counters, with its own pid");
	cr_assert_eq(upage_stats->swap_outs, 1, "the child's counting should not reach the parent");
}

/* --- stats_resident_add */

Test(stats, resident_add_before_init_is_harmless)
{
	stats_resident_add(1);
	cr_assert_null(upage_stats, "stats_resident_add should not create the counters");
}

Test(stats, peak_tracks_the_maximum)
{
	init();
	stats_resident_add(5);
	stats_resident_add(-3);
	stats_resident_add(1);
	cr_assert_eq(upage_stats->resident_pages, 3, "5 - 3 + 1 pages should be resident");
	cr_assert_eq(upage_stats->peak_resident_pages, 5, "the peak should stay at 5");
	stats_resident_add(10);
	cr_assert_eq(upage_stats->peak_resident_pages, 13, "the peak should rise to 13");
	stats_resident_add(-13);
	cr_assert_eq(upage_stats->resident_pages, 0, "all pages should be gone");
	cr_assert_eq(upage_stats->peak_resident_pages, 13, "the peak should stay at 13");
}

#define NR_THREADS	4
#define NR_ROUNDS	20000

static void *add_and_remove(void *arg)
{
	(void)arg;
	for (int i = 0; i < NR_ROUNDS; i++) {
		stats_resident_add(1);
		stats_resident_add(-1);
	}
	return NULL;
}

Test(stats, peak_is_exact_under_threads)
{
	pthread_t t[NR_THREADS];

	init();
	stats_resident_add(1000);
	for (int i = 0; i < NR_THREADS; i++)
		pthread_create(&t[i], NULL, add_and_remove, NULL);
	for (int i = 0; i < NR_THREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(upage_stats->resident_pages, 1000, "every add should be matched by its sub");
	cr_assert_geq(upage_stats->peak_resident_pages, 1001,
		      "the threads' adds should raise the peak");
	cr_assert_leq(upage_stats->peak_resident_pages, 1000 + NR_THREADS,
		      "the peak should never exceed what was resident at once");
}

/* --- gauges */

Test(stats, gauge_keeps_the_highest_value_seen)
{
	uint64_t now = 0, peak = 0;

	stats_gauge_add(&now, &peak, 1);
	stats_gauge_add(&now, &peak, 1);
	stats_gauge_add(&now, &peak, 1);
	stats_gauge_add(&now, &peak, -1);
	stats_gauge_add(&now, &peak, -1);
	stats_gauge_add(&now, &peak, 1);
	cr_assert_eq(now, 2, "three up, two down, one up should leave 2 in flight");
	cr_assert_eq(peak, 3, "the peak should stay at the 3 once in flight");
}

static uint64_t gauge_now, gauge_peak;

static void *gauge_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000; i++) {
		stats_gauge_add(&gauge_now, &gauge_peak, 1);
		stats_gauge_add(&gauge_now, &gauge_peak, -1);
	}
	return NULL;
}

Test(stats, gauge_from_threads_ends_at_zero_within_bounds)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, gauge_worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(gauge_now, 0, "every +1 should have its -1");
	cr_assert(gauge_peak >= 1 && gauge_peak <= 4, "the peak should be 1 to 4, got %llu",
		  (unsigned long long)gauge_peak);
}

Test(stats, in_flight_without_counters_still_counts)
{
	struct upage_stats *saved = upage_stats;
	uint64_t now = 0;

	upage_stats = NULL;
	count_in_flight(&now, max_reads_in_flight, 1);
	count_in_flight(&now, max_reads_in_flight, -1);
	upage_stats = saved;
	cr_assert_eq(now, 0, "the gauge should balance with no counters mapped");
}

/* --- stats_format_json */

static void fill(struct upage_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->magic = UPAGE_STATS_MAGIC;
	st->version = UPAGE_STATS_VERSION;
	st->pid = 4242;
	strcpy(st->engine, "sigsegv");
	st->max_rss_bytes = 64 * MiB;
	st->arena_bytes = 4 * GiB;
	st->flags = UPAGE_STATS_F_LATENCY;
	st->resident_pages = 10;
	st->peak_resident_pages = 20;
	st->faults_no_page = 101;
	st->faults_swap_page = 102;
	st->faults_wp_page = 103;
	st->faults_minor = 104;
	st->faults_bad = 105;
	st->swap_ins = 201;
	st->swap_outs = 202;
	st->swap_out_clusters = 203;
	st->pages_deactivated = 301;
	st->pages_activated = 302;
	st->pages_reclaimed = 303;
	st->direct_reclaims = 304;
	st->kswapd_wakeups = 305;
	st->pages_dropped = 306;
	st->io_errors = 307;
	st->max_faults_in_flight = 401;
	st->max_reads_in_flight = 402;
}

Test(stats, json_has_every_key_and_value)
{
	static const char *const expected[] = {
		"\"engine\": \"sigsegv\"",
		"\"max_rss_bytes\": 67108864",
		"\"arena_bytes\": 4294967296",
		"\"peak_resident_bytes\": 81920",
		"\"resident_bytes\": 40960",
		("\"faults\": {\"no_page\": 101, \"swap_page\": 102, \"wp_page\": 103, "
		 "\"minor\": 104, \"bad\": 105}"),
		"\"swap_ins\": 201",
		"\"swap_outs\": 202",
		"\"swap_out_clusters\": 203",
		"\"pages_deactivated\": 301",
		"\"pages_activated\": 302",
		"\"pages_reclaimed\": 303",
		"\"direct_reclaims\": 304",
		"\"kswapd_wakeups\": 305",
		"\"pages_dropped\": 306",
		"\"io_errors\": 307",
		"\"max_faults_in_flight\": 401",
		"\"max_reads_in_flight\": 402",
	};
	struct upage_stats st;
	static char buf[65536];
	int len;

	fill(&st);
	len = stats_format_json(&st, buf, sizeof(buf));
	cr_assert_eq(len, (int)strlen(buf), "the return should be the length written");
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		cr_assert_not_null(strstr(buf, expected[i]), "the JSON should hold %s, got: %s",
				   expected[i], buf);
}

Test(stats, json_is_one_balanced_object)
{
	struct upage_stats st;
	static char buf[65536];
	int depth = 0, quotes = 0;

	fill(&st);
	hist_record_n(&st.latency[UPAGE_LAT_SWAP_PAGE], 90000, 5);
	stats_format_json(&st, buf, sizeof(buf));
	cr_assert_eq(buf[0], '{', "the JSON should be an object, got: %s", buf);
	for (const char *p = buf; *p; p++) {
		if (*p == '"')
			quotes++;
		if (quotes % 2)
			continue;
		if (*p == '{' || *p == '[')
			depth++;
		if (*p == '}' || *p == ']')
			depth--;
		cr_assert_geq(depth, 0, "a '}' should never close more than was opened: %s", buf);
		cr_assert(depth > 0 || p[1] == '\0', "the object should end the text: %s", buf);
		cr_assert_neq(*p, '\n', "the JSON should be one line");
	}
	cr_assert_eq(depth, 0, "every '{' should be closed: %s", buf);
	cr_assert_eq(quotes % 2, 0, "every string should be closed: %s", buf);
}

Test(stats, json_truncated_returns_needed_length)
{
	struct upage_stats st;
	static char full[65536];
	char small[16];
	int need, got;

	fill(&st);
	need = stats_format_json(&st, full, sizeof(full));
	got = stats_format_json(&st, small, sizeof(small));
	cr_assert_eq(got, need, "a short buffer should still return the length needed (%d), got %d",
		     need, got);
	cr_assert_eq(strlen(small), sizeof(small) - 1, "the short buffer should be NUL terminated");
	cr_assert_eq(strncmp(small, full, sizeof(small) - 1), 0,
		     "the short buffer should hold the start of the JSON");
	cr_assert_eq(stats_format_json(&st, NULL, 0), need, "NULL, 0 should measure");
}

Test(stats, json_engine_from_another_process_is_sanitised)
{
	struct upage_stats st;
	static char buf[65536];

	fill(&st);
	memcpy(st.engine, "ab\"c\\d\nxyzw", sizeof(st.engine));	/* no NUL */
	stats_format_json(&st, buf, sizeof(buf));
	cr_assert_not_null(strstr(buf, "\"engine\": \"ab?c?d?xyzw\""),
			   "quotes, backslashes and newlines should show as '?', got: %s", buf);
}

static json_t *parse(const struct upage_stats *st)
{
	static char buf[1 << 20];
	json_error_t err;
	json_t *root;
	int len = stats_format_json(st, buf, sizeof(buf));

	cr_assert_lt(len, (int)sizeof(buf), "the JSON should fit the test's buffer");
	root = json_loads(buf, 0, &err);
	cr_assert_not_null(root, "the report should be valid JSON: %s at %d: %.200s", err.text,
			   err.position, buf);
	return root;
}

static uint64_t member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	cr_assert(json_is_integer(v), "%s should be an integer", key);
	return (uint64_t)json_integer_value(v);
}

Test(stats, json_latency_ns_has_every_kind_with_its_percentiles)
{
	static const char *const members[] = { "count", "mean", "p50", "p90", "p99", "p999", "max" };
	struct upage_stats st;
	json_t *root, *lat;

	fill(&st);
	for (int i = 1; i <= 1000; i++)
		hist_record(&st.latency[UPAGE_LAT_SWAP_PAGE], 1000ULL * i);	/* 1 us .. 1 ms */
	hist_record_n(&st.latency[UPAGE_LAT_IO_WRITE], 250000, 32);
	root = parse(&st);
	lat = json_object_get(root, "latency_ns");
	cr_assert(json_is_object(lat), "latency_ns should be an object");
	cr_assert_eq(json_object_size(lat), UPAGE_LAT_KINDS, "one member per kind");
	for (int k = 0; k < UPAGE_LAT_KINDS; k++) {
		json_t *h = json_object_get(lat, latency_kind_name[k]), *buckets, *b;
		uint64_t sum = 0, last_lo = 0;
		size_t i;

		cr_assert(json_is_object(h), "latency_ns.%s should be there", latency_kind_name[k]);
		for (size_t m = 0; m < sizeof(members) / sizeof(members[0]); m++)
			member(h, members[m]);
		cr_assert_eq(member(h, "count"), st.latency[k].count, "%s's count",
			     latency_kind_name[k]);
		cr_assert(member(h, "p50") <= member(h, "p90") && member(h, "p90") <= member(h, "p99") &&
				  member(h, "p99") <= member(h, "p999") &&
				  member(h, "p999") <= member(h, "max"),
			  "%s's percentiles should be ordered, up to the max", latency_kind_name[k]);
		buckets = json_object_get(h, "buckets");
		cr_assert(json_is_array(buckets), "%s's buckets should be an array",
			  latency_kind_name[k]);
		json_array_foreach(buckets, i, b) {
			uint64_t lo = (uint64_t)json_integer_value(json_array_get(b, 0));
			uint64_t hi = (uint64_t)json_integer_value(json_array_get(b, 1));
			uint64_t n = (uint64_t)json_integer_value(json_array_get(b, 2));

			cr_assert_eq(json_array_size(b), 3, "a bucket is [lower, upper, count]");
			cr_assert(lo < hi && n > 0, "bucket [%llu, %llu) should be non-empty",
				  (unsigned long long)lo, (unsigned long long)hi);
			cr_assert(i == 0 || lo > last_lo, "buckets should be in order");
			last_lo = lo;
			sum += n;
		}
		cr_assert_eq(sum, st.latency[k].count, "%s's buckets should hold its count",
			     latency_kind_name[k]);
	}
	lat = json_object_get(lat, "swap_page");
	cr_assert_eq(member(lat, "mean"), 500500, "the mean of 1..1000 us should be 500.5 us");
	cr_assert_eq(member(lat, "max"), 1000000, "the max should be 1 ms");
	cr_assert(member(lat, "p50") >= 500000 * 15 / 16 && member(lat, "p50") <= 500000 * 17 / 16,
		  "p50 should be about 500 us");
	json_decref(root);
}

Test(stats, json_latency_ns_is_null_when_not_measured)
{
	struct upage_stats st;
	json_t *root;

	fill(&st);
	st.flags &= ~(uint64_t)UPAGE_STATS_F_LATENCY;
	root = parse(&st);
	cr_assert(json_is_null(json_object_get(root, "latency_ns")),
		  "latency_ns should be null, not zeros, when UPAGE_LATENCY=0");
	json_decref(root);
}

Test(stats, set_latency_off_stops_recording_and_clears_the_flag)
{
	init();
	cr_assert(upage_stats->flags & UPAGE_STATS_F_LATENCY, "measuring should be on by default");
	stats_set_latency(false);
	cr_assert_not(upage_stats->flags & UPAGE_STATS_F_LATENCY, "the flag should be cleared");
	cr_assert_eq(latency_now(), 0, "no clock should be read when off");
	latency_record_n(UPAGE_LAT_NO_PAGE, 1000, 1);
	cr_assert_eq(upage_stats->latency[UPAGE_LAT_NO_PAGE].count, 0, "nothing should be recorded");
	stats_set_latency(true);
	latency_record_n(UPAGE_LAT_NO_PAGE, 1000, 1);
	cr_assert_eq(upage_stats->latency[UPAGE_LAT_NO_PAGE].count, 1, "on again, it records");
}

Test(stats, json_timeline_gives_rates_between_samples)
{
	struct upage_stats st;
	json_t *root, *tl, *samples, *s;

	fill(&st);
	timeline_reset(&st.timeline);
	timeline_add(&st.timeline, &(struct upage_timeline_sample){ 0, 10, 0, 0 });
	timeline_add(&st.timeline, &(struct upage_timeline_sample){ 100, 20, 50, 10 });
	timeline_add(&st.timeline, &(struct upage_timeline_sample){ 300, 30, 50, 110 });
	root = parse(&st);
	tl = json_object_get(root, "timeline");
	cr_assert_eq(member(tl, "interval_ms"), TIMELINE_INTERVAL_MS, "the interval should show");
	samples = json_object_get(tl, "samples");
	cr_assert_eq(json_array_size(samples), 2, "the start is the base, not a sample");
	s = json_array_get(samples, 0);
	cr_assert_eq(member(s, "t_ms"), 100, "the first sample's time");
	cr_assert_eq(member(s, "resident_bytes"), 20 * 4096, "resident in bytes");
	cr_assert_eq(member(s, "swap_ins_per_s"), 500, "50 swap-ins in 100 ms are 500/s");
	cr_assert_eq(member(s, "swap_outs_per_s"), 100, "10 swap-outs in 100 ms are 100/s");
	s = json_array_get(samples, 1);
	cr_assert_eq(member(s, "swap_ins_per_s"), 0, "no swap-ins in the second span");
	cr_assert_eq(member(s, "swap_outs_per_s"), 500, "100 swap-outs in 200 ms are 500/s");
	json_decref(root);
}

Test(stats, json_lists_and_swap_used)
{
	struct upage_stats st;
	json_t *root, *lists;

	fill(&st);
	st.active_pages = 1;
	st.inactive_dirty_pages = 2;
	st.inactive_clean_pages = 3;
	st.free_pages = 4;
	st.swap_used_pages = 5;
	root = parse(&st);
	lists = json_object_get(root, "lists");
	cr_assert_eq(member(lists, "active"), 1, "active pages");
	cr_assert_eq(member(lists, "inactive_dirty"), 2, "inactive_dirty pages");
	cr_assert_eq(member(lists, "inactive_clean"), 3, "inactive_clean pages");
	cr_assert_eq(member(lists, "free"), 4, "free pages");
	cr_assert_eq(member(root, "swap_used_bytes"), 5 * 4096, "swap used in bytes");
	json_decref(root);
}

/* --- stats_read_pid */

Test(stats, read_own_pid_finds_the_memfd)
{
	struct upage_stats st;
	int ret;

	init();
	count_event(faults_no_page, 11);
	count_event(swap_ins, 22);
	stats_resident_add(33);
	ret = stats_read_pid(getpid(), &st);
	cr_assert_eq(ret, 0, "stats_read_pid on our own pid should find the memfd, got %d", ret);
	cr_assert_eq(memcmp(&st, upage_stats, sizeof(st)), 0,
		     "the counters read through /proc should be ours");
	cr_assert_eq(st.faults_no_page, 11, "faults_no_page should read back");
	cr_assert_eq(st.peak_resident_pages, 33, "the peak should read back");
}

Test(stats, read_pid_sees_another_process_live)
{
	int to_child[2], to_parent[2], status;
	struct upage_stats st;
	char c;
	pid_t pid;

	cr_assert_eq(pipe(to_child), 0, "pipe");
	cr_assert_eq(pipe(to_parent), 0, "pipe");
	pid = fork();
	cr_assert_geq(pid, 0, "fork should work");
	if (pid == 0) {
		stats_init("uffd", 8 * MiB, 1 * GiB);
		count_event(swap_outs, 5);
		if (write(to_parent[1], "r", 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(2);
		count_event(swap_outs, 1);
		if (write(to_parent[1], "r", 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	cr_assert_eq(read(to_parent[0], &c, 1), 1, "the child should signal it is ready");
	cr_assert_eq(stats_read_pid(pid, &st), 0, "the child's counters should be found");
	cr_assert_eq(st.pid, pid, "the counters should be the child's");
	cr_assert_eq(st.swap_outs, 5, "the child's count should read back");
	cr_assert_eq(write(to_child[1], "g", 1), 1, "resume the child");
	cr_assert_eq(read(to_parent[0], &c, 1), 1, "the child should count again");
	cr_assert_eq(stats_read_pid(pid, &st), 0, "the child's counters should still be found");
	cr_assert_eq(st.swap_outs, 6, "a second read should see the new count");
	cr_assert_eq(write(to_child[1], "g", 1), 1, "let the child exit");
	waitpid(pid, &status, 0);
}

Test(stats, read_pid_without_upage_is_enoent)
{
	struct upage_stats st;
	int ret = stats_read_pid(getpid(), &st);

	cr_assert_eq(ret, -ENOENT, "a process without upage should be -ENOENT, got %d", ret);
}

Test(stats, read_pid_ignores_other_memfds)
{
	struct upage_stats st;
	int a = memfd_create("upage-statsx", 0), b = memfd_create("other", 0), ret;

	cr_assert(a >= 0 && b >= 0, "memfd_create should work");
	cr_assert_eq(ftruncate(a, 4096), 0, "ftruncate");
	ret = stats_read_pid(getpid(), &st);
	cr_assert_eq(ret, -ENOENT, "memfds of other names should be ignored, got %d", ret);
}

Test(stats, read_pid_nonexistent_is_esrch)
{
	struct upage_stats st;
	long pid_max = 4194304;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");

	if (f) {
		if (fscanf(f, "%ld", &pid_max) != 1)
			pid_max = 4194304;
		fclose(f);
	}
	cr_assert_eq(stats_read_pid((int)pid_max + 1, &st), -ESRCH,
		     "a pid above pid_max should be -ESRCH");
	cr_assert_eq(stats_read_pid(0, &st), -ESRCH, "pid 0 should be -ESRCH");
	cr_assert_eq(stats_read_pid(-1, &st), -ESRCH, "a negative pid should be -ESRCH");
}

Test(stats, read_pid_refuses_an_unknown_version)
{
	struct upage_stats st;
	int ret;

	init();
	upage_stats->version = UPAGE_STATS_VERSION + 1;
	ret = stats_read_pid(getpid(), &st);
	cr_assert_eq(ret, -EPROTO, "a version this build does not know should be -EPROTO, got %d",
		     ret);
}

Test(stats, read_pid_names_an_older_shorter_version)
{
	struct upage_stats st;
	/* version 1: 4 KiB of counters, the same header (magic, version, pid) */
	uint32_t header[3] = { UPAGE_STATS_MAGIC, 1, (uint32_t)getpid() };
	int fd = memfd_create("upage-stats", 0), ret;

	cr_assert_geq(fd, 0, "memfd_create");
	cr_assert_eq(ftruncate(fd, 4096), 0, "ftruncate");
	cr_assert_eq(pwrite(fd, header, sizeof(header), 0), (ssize_t)sizeof(header), "pwrite");
	ret = stats_read_pid(getpid(), &st);
	cr_assert_eq(ret, -EPROTO, "an older, shorter version should be -EPROTO, got %d", ret);
}

/* upage's own tasks (untraced.c) share the program's descriptors: the
 * counters of another process found among them are not this one's. */
Test(stats, read_pid_skips_another_process_counters)
{
	struct upage_stats st;
	int ret;

	init();
	upage_stats->pid = getpid() + 1;
	ret = stats_read_pid(getpid(), &st);
	cr_assert_eq(ret, -ENOENT, "another process's counters should be -ENOENT, got %d", ret);
}

/* --- upage_stats_read */

Test(stats, public_read_without_upage_is_enosys)
{
	struct upage_stats st;

	errno = 0;
	cr_assert_eq(upage_stats_read(&st), -1, "upage_stats_read before init should return -1");
	cr_assert_eq(errno, ENOSYS, "errno should be ENOSYS");
}

Test(stats, public_read_copies_the_counters)
{
	struct upage_stats st;

	init();
	count_event(kswapd_wakeups, 9);
	cr_assert_eq(upage_stats_read(&st), 0, "upage_stats_read should succeed after init");
	cr_assert_eq(st.kswapd_wakeups, 9, "the copy should hold the counters");
	cr_assert_eq(st.magic, UPAGE_STATS_MAGIC, "the copy should hold the header");
}
