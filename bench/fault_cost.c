// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fault_cost - what one fault costs, under upage (any engine) or the
 * kernel alone: the figures UPAGE_ENGINE=auto's choice rests on.
 *
 *   fault_cost touch PAGES           first touch (a write) of PAGES new pages
 *   fault_cost cachehit PAGES N      N random reads over PAGES written pages,
 *                                    under a cap smaller than PAGES: each read
 *                                    is classed by what served it (a
 *                                    swap-cache hit, a read from swap)
 *   fault_cost swapin PAGES THREADS  PAGES written, then read back by THREADS
 *                                    threads, each its own slice, in random order
 *   fault_cost pagein PAGES N        N random reads over PAGES pages of text
 *                                    (compressing about 4:1), under a cap
 *                                    smaller than PAGES: the page-ins served by
 *                                    the compressed tier (upage run --zswap)
 *                                    and those read from the swap area, p50 and
 *                                    p99 of each
 *   fault_cost seqin PAGES           PAGES pages of text written, then read in
 *                                    order: pages swapped in per second, with
 *                                    the readahead that batches them
 *
 * Run it under `upage run --max-rss ... --engine ...`, or alone (under a
 * memory cgroup with swap) for the kernel's figures.  A read is classed by
 * the counters that moved while it ran: upage's (upage_stats_read, found
 * with dlsym) or, without upage, the thread's minor and major faults
 * (getrusage).  Prints one line of name=value pairs; times in microseconds.
 */
#include "autoconfig.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include <upage.h>

#define PAGE	4096UL

static int (*stats_read)(struct upage_stats *);

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static char *map_pages(unsigned long pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned long n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static double mean(const double *v, unsigned long n)
{
	double s = 0;

	for (unsigned long i = 0; i < n; i++)
		s += v[i];
	return n ? s / n : 0;
}

/* The median is the figure to read on a shared machine: a fault that
 * lost its CPU to another process counts once, not in the mean. */
static int touch(unsigned long pages)
{
	char *p = map_pages(pages);
	double *t = calloc(pages, sizeof(double)), t0 = now_us(), t1;

	if (!t)
		return 1;
	for (unsigned long i = 0; i < pages; i++) {
		double a = now_us();

		p[i * PAGE] = (char)i;
		t[i] = now_us() - a;
	}
	t1 = now_us();
	printf("touch pages=%lu p50_us=%.2f us_per_page=%.2f\n", pages, median(t, pages),
	       (t1 - t0) / pages);
	return 0;
}

/* Counters that tell what served one access: minor (swap cache, or the
 * kernel's minor fault) and major (a read from swap). */
struct served {
	uint64_t minor, major;
};

static void served_now(struct served *s)
{
	struct upage_stats st;
	struct rusage ru;

	if (stats_read && stats_read(&st) == 0) {
		s->minor = st.faults_minor;
		s->major = st.swap_ins;
		return;
	}
	getrusage(RUSAGE_THREAD, &ru);
	s->minor = ru.ru_minflt;
	s->major = ru.ru_majflt;
}

/*
 * @n random reads over @pages written pages, under a cap smaller than
 * @pages: a page read may be resident, unmapped but still in memory (in
 * upage, the swap cache; in the kernel, the swap cache), or on swap.
 */
static int cachehit(unsigned long pages, unsigned long n)
{
	char *p = map_pages(pages);
	double *hit = calloc(n, sizeof(double)), *in = calloc(n, sizeof(double));
	unsigned long nhit = 0, nin = 0, nnone = 0;
	uint64_t seed = 88172645463325252ULL;
	volatile char sink;

	if (!hit || !in)
		return 1;
	for (unsigned long i = 0; i < pages; i++)
		memset(p + i * PAGE, (int)i, 64);
	for (unsigned long k = 0; k < n; k++) {
		unsigned long i = rnd(&seed) % pages;
		struct served a, b;
		double t0, t1;

		served_now(&a);
		t0 = now_us();
		sink = p[i * PAGE + 8];
		t1 = now_us();
		served_now(&b);
		if (b.major > a.major)
			in[nin++] = t1 - t0;
		else if (b.minor > a.minor)
			hit[nhit++] = t1 - t0;
		else
			nnone++;
	}
	(void)sink;
	printf("cachehit pages=%lu reads=%lu hits=%lu hit_p50_us=%.2f hit_mean_us=%.2f "
	       "swapins=%lu swapin_p50_us=%.2f resident=%lu\n",
	       pages, n, nhit, median(hit, nhit), mean(hit, nhit), nin, median(in, nin), nnone);
	return 0;
}

struct slice {
	char *base;
	unsigned long first, n;
	uint64_t sum;
};

static void *read_slice(void *arg)
{
	struct slice *s = arg;
	unsigned long *order = malloc(s->n * sizeof(*order));
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ s->first;

	if (!order)
		return NULL;
	for (unsigned long i = 0; i < s->n; i++)
		order[i] = i;
	for (unsigned long i = s->n - 1; i > 0; i--) {
		unsigned long j = rnd(&seed) % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned long i = 0; i < s->n; i++)
		s->sum += (unsigned char)s->base[(s->first + order[i]) * PAGE];
	free(order);
	return NULL;
}

static int swapin(unsigned long pages, int threads)
{
	char *p = map_pages(pages);
	pthread_t tid[64];
	struct slice sl[64];
	struct upage_stats st0, st1;
	double t0, t1;
	int have = 0;

	if (threads < 1 || threads > 64)
		return 1;
	for (unsigned long i = 0; i < pages; i++)
		p[i * PAGE] = (char)(i * 7 + 1);
	have = stats_read && stats_read(&st0) == 0;
	t0 = now_us();
	for (int t = 0; t < threads; t++) {
		sl[t] = (struct slice){ p, pages / threads * t, pages / threads, 0 };
		pthread_create(&tid[t], NULL, read_slice, &sl[t]);
	}
	for (int t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	t1 = now_us();
	for (int t = 0; t < threads; t++)
		for (unsigned long i = 0; i < sl[t].n; i++)
			sl[t].sum -= (unsigned char)(char)((sl[t].first + i) * 7 + 1);
	for (int t = 0; t < threads; t++)
		if (sl[t].sum) {
			fprintf(stderr, "swapin: thread %d read wrong data\n", t);
			return 1;
		}
	if (have)
		stats_read(&st1);
	printf("swapin pages=%lu threads=%d us_total=%.0f pages_per_s=%.0f swapins=%llu\n", pages,
	       threads, t1 - t0, (pages / threads * threads) / ((t1 - t0) / 1e6),
	       have ? (unsigned long long)(st1.swap_ins - st0.swap_ins) : 0ULL);
	return 0;
}

static double percentile(double *v, unsigned long n, unsigned int pct)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n * pct / 100 < n ? n * pct / 100 : n - 1];
}

/* Text, different on every page: what a heap of strings compresses like. */
static void fill_text(char *page, unsigned long n)
{
	size_t off = 0;

	for (int line = 0; off < PAGE; line++) {
		char l[96];
		int len = snprintf(l, sizeof(l), "record %lu field %d: value %lu\n", n, line,
				   (n * 2654435761UL + (unsigned long)line * 40503UL) % 100000);
		size_t take = PAGE - off < (size_t)len ? PAGE - off : (size_t)len;

		memcpy(page + off, l, take);
		off += take;
	}
}

/*
 * @n random reads over @pages pages of text, each classed by what served
 * it: the compressed tier (zswap_hits moved), the swap area (swap_ins
 * moved, zswap_hits did not), or neither (resident, or the swap cache).
 */
static int pagein(unsigned long pages, unsigned long n)
{
	char *p = map_pages(pages);
	double *zs = calloc(n, sizeof(double)), *disk = calloc(n, sizeof(double));
	unsigned long nzs = 0, ndisk = 0, nother = 0;
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	volatile char sink;

	if (!zs || !disk || !stats_read) {
		fprintf(stderr, "pagein: run it under upage\n");
		return 1;
	}
	for (unsigned long i = 0; i < pages; i++)
		fill_text(p + i * PAGE, i);
	for (unsigned long k = 0; k < n; k++) {
		unsigned long i = rnd(&seed) % pages;
		struct upage_stats a, b;
		double t0, t1;

		stats_read(&a);
		t0 = now_us();
		sink = p[i * PAGE + 8];
		t1 = now_us();
		stats_read(&b);
		if (b.zswap_hits > a.zswap_hits)
			zs[nzs++] = t1 - t0;
		else if (b.swap_ins > a.swap_ins)
			disk[ndisk++] = t1 - t0;
		else
			nother++;
	}
	(void)sink;
	printf("pagein pages=%lu reads=%lu zswap=%lu zswap_p50_us=%.2f zswap_p99_us=%.2f "
	       "disk=%lu disk_p50_us=%.2f disk_p99_us=%.2f other=%lu\n",
	       pages, n, nzs, percentile(zs, nzs, 50), percentile(zs, nzs, 99), ndisk,
	       percentile(disk, ndisk, 50), percentile(disk, ndisk, 99), nother);
	return 0;
}

/* @pages pages of text written, then read in order (one byte a page). */
static int seqin(unsigned long pages)
{
	char *p = map_pages(pages);
	struct upage_stats a, b;
	volatile char sink;
	double t0, t1;

	if (!stats_read) {
		fprintf(stderr, "seqin: run it under upage\n");
		return 1;
	}
	for (unsigned long i = 0; i < pages; i++)
		fill_text(p + i * PAGE, i);
	stats_read(&a);
	t0 = now_us();
	for (unsigned long i = 0; i < pages; i++)
		sink = p[i * PAGE + 8];
	t1 = now_us();
	stats_read(&b);
	(void)sink;
	printf("seqin pages=%lu us_total=%.0f pages_per_s=%.0f swapins=%llu readahead=%llu\n",
	       pages, t1 - t0, pages / ((t1 - t0) / 1e6),
	       (unsigned long long)(b.swap_ins - a.swap_ins),
	       (unsigned long long)(b.swap_readahead_pages - a.swap_readahead_pages));
	return 0;
}

int main(int argc, char **argv)
{
	stats_read = (int (*)(struct upage_stats *))dlsym(RTLD_DEFAULT, "upage_stats_read");
	if (argc == 3 && !strcmp(argv[1], "touch"))
		return touch(strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "cachehit"))
		return cachehit(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "swapin"))
		return swapin(strtoul(argv[2], NULL, 0), atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "seqin"))
		return seqin(strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "pagein"))
		return pagein(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
	fprintf(stderr, "usage: fault_cost touch PAGES | cachehit PAGES READS | swapin PAGES THREADS"
			" | pagein PAGES READS | seqin PAGES\n");
	return 2;
}
