// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pagebench - a paging workload that times its own accesses and checks
 * every page it wrote.
 *
 * It mallocs a working set of N MiB (so under upage the set lives in the
 * paged heap, under the kernel in the cgroup's anonymous memory), fills
 * every page with a pattern derived from the page's index (the setup,
 * not timed), then runs the measured phase: T threads each making their
 * share of the accesses in one of these patterns:
 *
 *   seq      pages in order, P passes over the set
 *   random   pages drawn uniformly
 *   skewed   H% of the accesses to C% of the pages (hot/cold)
 *   zipf     pages drawn from a Zipf law of exponent THETA (YCSB's method)
 *   touch    first touch of fresh memory: each page written once, in order,
 *            inside the measured phase (no setup fill)
 *
 * An access reads the page (ro) or reads, increments and writes back its
 * write counter and writes one more word chosen by that count (rw).  The
 * hot pages of skewed and zipf are spread over the whole set by a fixed
 * bijection, so hotness is not also locality.
 *
 * Threads work on disjoint ranges by default (thread i owns the i-th
 * slice of the pages, and its accesses stay there); with --shared every
 * thread draws from the whole set and a page's update is guarded by a
 * lock bit in its counter word.
 *
 * Each access is timed with CLOCK_MONOTONIC into a per-thread log-linear
 * histogram (16 sub-buckets per power of two: at most 6.25% apart, the
 * reported value is the bucket's middle).  Timing costs two clock reads
 * (timer_ns in the output, about 40 ns here), which every timed access
 * includes; --sample K times one access in K to cut that cost.
 *
 * After the measured phase (its clock stopped) it replays every thread's
 * access sequence to learn how often each page was written, then checks
 * every word of every page: a lost page (zeros), a stale one (an older
 * version) or a torn one (some words of another version) is named on
 * stderr and the exit status is 1.  One JSON line of results goes to
 * stdout either way.
 *
 * Page layout (512 words of 8 bytes):
 *   word 0      the page's write count V (bit 63: the lock, --shared only)
 *   word 1      a tag from the page's index
 *   word 2+q    version u's word for the last write u <= V with
 *               (u - 1) % 510 == q, else the fill pattern base(i) + q
 *
 * usage: see usage() below; exit 0 all pages intact, 1 a page wrong,
 * 2 bad usage or no memory.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_BYTES 4096
#define PAGE_WORDS (PAGE_BYTES / 8)
#define SLOTS (PAGE_WORDS - 2)
#define LOCK_BIT (1ULL << 63)
#define MAX_THREADS 256
#define MAX_REPORTED 10

enum workload { SEQ, RANDOM, SKEWED, ZIPF, TOUCH };
static const char *const workload_names[] = { "seq", "random", "skewed", "zipf", "touch" };

struct options {
	enum workload workload;
	bool rw;		/* read-modify-write, else read-only */
	uint64_t bytes;		/* working set */
	uint64_t passes;	/* accesses = passes * pages, unless accesses is set */
	uint64_t accesses;
	int threads;
	bool shared;
	double hot_pct, cold_pct; /* skewed: hot_pct% of accesses to cold_pct% of pages */
	double theta;		/* zipf exponent */
	uint64_t seed;
	uint64_t sample;	/* time one access in `sample`; 0: none */
	int64_t corrupt_page;	/* test only: damage this page before verifying */
	enum { FLIP, ZERO, STALE } corrupt_how;
};

static struct options opt = {
	.workload = RANDOM, .rw = true, .bytes = 64ULL << 20, .passes = 1, .threads = 1,
	.hot_pct = 90, .cold_pct = 10, .theta = 0.99, .seed = 1, .sample = 1, .corrupt_page = -1,
};

/* --- the page pattern */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t page_tag(uint64_t i)
{
	return mix(i) ^ 0x7061676562656e63ULL;
}

static uint64_t page_base(uint64_t i)
{
	return mix(i + 0x9e3779b97f4a7c15ULL);
}

static uint64_t version_word(uint64_t i, uint64_t v)
{
	return mix(i ^ (v << 40) ^ (v >> 24)) + v;
}

/* What word 2 + q of page i holds after V writes. */
static uint64_t expected_word(uint64_t i, uint64_t V, uint64_t q)
{
	if (V < q + 1)
		return page_base(i) + q;
	return version_word(i, q + 1 + SLOTS * ((V - q - 1) / SLOTS));
}

static void fill_page(uint64_t *p, uint64_t i)
{
	uint64_t base = page_base(i);

	p[0] = 0;
	p[1] = page_tag(i);
	for (uint64_t q = 0; q < SLOTS; q++)
		p[2 + q] = base + q;
}

/* --- a log-linear histogram of nanoseconds */

#define SUB_BITS 4
#define SUB (1 << SUB_BITS)
#define BUCKETS ((64 - SUB_BITS + 1) * SUB)

struct hist {
	uint64_t count[BUCKETS];
	uint64_t n, sum, max;
};

static unsigned bucket_of(uint64_t v)
{
	unsigned e;

	if (v < SUB)
		return (unsigned)v;
	e = 63 - __builtin_clzll(v);
	return (e - SUB_BITS + 1) * SUB + ((v >> (e - SUB_BITS)) & (SUB - 1));
}

static void bucket_bounds(unsigned b, uint64_t *lo, uint64_t *width)
{
	unsigned e;

	if (b < SUB) {
		*lo = b;
		*width = 1;
		return;
	}
	e = b / SUB + SUB_BITS - 1;
	*lo = (uint64_t)(SUB + b % SUB) << (e - SUB_BITS);
	*width = 1ULL << (e - SUB_BITS);
}

static void hist_add(struct hist *h, uint64_t v)
{
	h->count[bucket_of(v)]++;
	h->n++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

static void hist_merge(struct hist *into, const struct hist *h)
{
	for (unsigned b = 0; b < BUCKETS; b++)
		into->count[b] += h->count[b];
	into->n += h->n;
	into->sum += h->sum;
	if (h->max > into->max)
		into->max = h->max;
}

/* The value below which a fraction q of the samples fall: the middle of
 * its bucket (the exact value below 16 ns). */
static uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank = (uint64_t)ceil(q * (double)h->n), seen = 0, lo, width;

	if (!h->n)
		return 0;
	if (rank < 1)
		rank = 1;
	for (unsigned b = 0; b < BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank) {
			bucket_bounds(b, &lo, &width);
			return lo + width / 2;
		}
	}
	return h->max;
}

/* --- random numbers (xoshiro256**) and the access generators */

struct rng {
	uint64_t s[4];
};

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int k = 0; k < 4; k++) {
		seed += 0x9e3779b97f4a7c15ULL;
		r->s[k] = mix(seed);
	}
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = ((s[1] * 5) << 7 | (s[1] * 5) >> 57) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = s[3] << 45 | s[3] >> 19;
	return res;
}

/* Uniform in [0, n) (Lemire's multiply-shift; the bias is 2^-64 * n). */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* The range a thread draws from and the constants of its generator. */
struct range {
	uint64_t first, pages;
	uint64_t scatter;	/* odd multiplier coprime to pages: rank -> page */
	uint64_t hot_pages;	/* skewed */
	double zetan, eta, alpha, half_pow_theta; /* zipf */
};

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static double zeta(uint64_t n, double theta)
{
	double z = 0;

	for (uint64_t k = 1; k <= n; k++)
		z += 1.0 / pow((double)k, theta);
	return z;
}

static void range_init(struct range *rg, uint64_t first, uint64_t pages)
{
	rg->first = first;
	rg->pages = pages;
	rg->scatter = ((uint64_t)((double)pages * 0.6180339887) | 1) % pages;
	if (!rg->scatter)
		rg->scatter = 1;
	while (gcd(rg->scatter, pages) != 1)
		rg->scatter += 2;
	rg->hot_pages = (uint64_t)((double)pages * opt.cold_pct / 100.0);
	if (rg->hot_pages < 1)
		rg->hot_pages = 1;
	if (rg->hot_pages > pages)
		rg->hot_pages = pages;
	if (opt.workload == ZIPF) {
		double zeta2 = 1.0 + pow(0.5, opt.theta);

		rg->zetan = zeta(pages, opt.theta);
		rg->alpha = 1.0 / (1.0 - opt.theta);
		rg->eta = (1.0 - pow(2.0 / (double)pages, 1.0 - opt.theta)) /
			  (1.0 - zeta2 / rg->zetan);
		rg->half_pow_theta = pow(0.5, opt.theta);
	}
}

static uint64_t scatter(const struct range *rg, uint64_t rank)
{
	return rg->first + (uint64_t)(((unsigned __int128)rank * rg->scatter) % rg->pages);
}

/* Gray et al., "Quickly generating billion-record synthetic databases"
 * (the generator YCSB uses): rank 0 is the most frequent. */
static uint64_t zipf_rank(const struct range *rg, struct rng *r)
{
	double u = rng_unit(r), uz = u * rg->zetan;
	uint64_t k;

	if (uz < 1.0)
		return 0;
	if (uz < 1.0 + rg->half_pow_theta)
		return 1;
	k = (uint64_t)((double)rg->pages * pow(rg->eta * u - rg->eta + 1.0, rg->alpha));
	return k < rg->pages ? k : rg->pages - 1;
}

/* The page of access number k. */
static uint64_t next_page(const struct range *rg, struct rng *r, uint64_t k)
{
	switch (opt.workload) {
	case SEQ:
	case TOUCH:
		return rg->first + k % rg->pages;
	case RANDOM:
		return rg->first + rng_below(r, rg->pages);
	case SKEWED:
		if (rng_unit(r) * 100.0 < opt.hot_pct || rg->hot_pages == rg->pages)
			return scatter(rg, rng_below(r, rg->hot_pages));
		return scatter(rg, rg->hot_pages + rng_below(r, rg->pages - rg->hot_pages));
	case ZIPF:
		return scatter(rg, zipf_rank(rg, r));
	}
	return rg->first;
}

/* --- the measured phase */

struct worker {
	pthread_t thread;
	int id;
	struct range range;
	uint64_t accesses;
	uint64_t sink;
	uint64_t start_ns, end_ns; /* this thread's measured phase */
	struct hist *hist;
};

static uint64_t *memory;
static uint64_t total_pages;
static pthread_barrier_t start_line;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static uint64_t *page_at(uint64_t i)
{
	return memory + i * PAGE_WORDS;
}

static void write_access(uint64_t *p, uint64_t i)
{
	uint64_t v;

	if (opt.shared) {
		uint64_t old;
		int spins = 0;

		for (;;) {
			old = __atomic_load_n(&p[0], __ATOMIC_RELAXED);
			if (!(old & LOCK_BIT) &&
			    __atomic_compare_exchange_n(&p[0], &old, old | LOCK_BIT, false,
							__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				break;
			if (++spins > 100) {
				sched_yield();
				spins = 0;
			}
		}
		v = old + 1;
		p[2 + (v - 1) % SLOTS] = version_word(i, v);
		__atomic_store_n(&p[0], v, __ATOMIC_RELEASE);
		return;
	}
	v = p[0] + 1;
	p[0] = v;
	p[2 + (v - 1) % SLOTS] = version_word(i, v);
}

static uint64_t access_page(uint64_t i, uint64_t k)
{
	uint64_t *p = page_at(i);

	if (opt.workload == TOUCH) {
		fill_page(p, i);
		return 0;
	}
	if (opt.rw) {
		write_access(p, i);
		return 0;
	}
	return __atomic_load_n(&p[0], __ATOMIC_RELAXED) +
	       __atomic_load_n(&p[2 + k % SLOTS], __ATOMIC_RELAXED);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct rng r;
	uint64_t sink = 0, coin = mix((uint64_t)w->id + 1);
	/* An access is timed when a coin of its own (not the access
	 * sequence's generator, which verification replays) falls below
	 * this: one in `sample`, at random, so a pager's batch boundaries
	 * cannot line up with the timed accesses. */
	uint64_t threshold = opt.sample ? UINT64_MAX / opt.sample : 0;

	rng_seed(&r, opt.seed * 1000003 + (uint64_t)w->id);
	pthread_barrier_wait(&start_line);
	w->start_ns = now_ns();
	for (uint64_t k = 0; k < w->accesses; k++) {
		uint64_t i = next_page(&w->range, &r, k);

		coin ^= coin << 13, coin ^= coin >> 7, coin ^= coin << 17;
		if (opt.sample == 1 || (opt.sample && coin < threshold)) {
			uint64_t t0 = now_ns();

			sink += access_page(i, k);
			hist_add(w->hist, now_ns() - t0);
		} else {
			sink += access_page(i, k);
		}
	}
	w->end_ns = now_ns();
	w->sink = sink;
	return NULL;
}

/* --- verification */

/* Replay every thread's sequence: how many times each page was written. */
static uint32_t *count_writes(struct worker *ws)
{
	uint32_t *writes = calloc(total_pages, sizeof(*writes));

	if (!writes)
		return NULL;
	if (!opt.rw || opt.workload == TOUCH)
		return writes;
	for (int t = 0; t < opt.threads; t++) {
		struct rng r;

		rng_seed(&r, opt.seed * 1000003 + (uint64_t)ws[t].id);
		for (uint64_t k = 0; k < ws[t].accesses; k++)
			writes[next_page(&ws[t].range, &r, k)]++;
	}
	return writes;
}

/* 0 if page i holds what V writes leave; else the first wrong word's index
 * + 1, with the word read and the word expected. */
static int check_page(uint64_t i, uint64_t V, uint64_t *got, uint64_t *want)
{
	const uint64_t *p = page_at(i);

	if (p[0] != V) {
		*got = p[0], *want = V;
		return 1;
	}
	if (p[1] != page_tag(i)) {
		*got = p[1], *want = page_tag(i);
		return 2;
	}
	for (uint64_t q = 0; q < SLOTS; q++) {
		uint64_t e = expected_word(i, V, q);

		if (p[2 + q] != e) {
			*got = p[2 + q], *want = e;
			return (int)q + 3;
		}
	}
	return 0;
}

/* Tests: the damage a pager could do to page i, written V times. */
static void corrupt(uint64_t i, uint64_t V)
{
	uint64_t *p = page_at(i);

	switch (opt.corrupt_how) {
	case FLIP:
		p[PAGE_WORDS / 2] ^= 1;
		break;
	case ZERO:
		memset(p, 0, PAGE_BYTES);
		break;
	case STALE: /* the page as it was before its last write */
		if (V) {
			p[0] = V - 1;
			p[2 + (V - 1) % SLOTS] = expected_word(i, V - 1, (V - 1) % SLOTS);
		}
		break;
	}
}

static uint64_t verify(const uint32_t *writes)
{
	uint64_t bad = 0, got, want;

	for (uint64_t i = 0; i < total_pages; i++) {
		int w = check_page(i, writes[i], &got, &want);

		if (!w)
			continue;
		if (++bad <= MAX_REPORTED)
			fprintf(stderr,
				"pagebench: page %" PRIu64 " (at %p) is wrong: word %d is %#" PRIx64
				", expected %#" PRIx64 " after %u writes%s\n",
				i, (void *)page_at(i), w - 1, got, want, writes[i],
				got == 0 ? " (a zero page: lost)" :
				w == 1 && got < want ? " (an older version: stale)" : "");
	}
	if (bad > MAX_REPORTED)
		fprintf(stderr, "pagebench: ... %" PRIu64 " wrong pages in all\n", bad);
	return bad;
}

/* --- options and output */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pagebench [-w seq|random|skewed|zipf|touch] [-s SIZE] [--ro|--rw]\n"
		"                 [-p PASSES | -n ACCESSES] [-t THREADS] [--shared]\n"
		"                 [--hot H --cold C] [--theta S] [--seed N] [--sample K]\n"
		"  -w, --workload   access pattern (default random)\n"
		"  -s, --size       working set, K/M/G suffix, MiB without (default 64M)\n"
		"  --rw / --ro      read-modify-write (default) or read-only accesses\n"
		"  -p, --passes     accesses = PASSES x pages (default 1)\n"
		"  -n, --accesses   total number of accesses (instead of -p)\n"
		"  -t, --threads    threads, each on its own slice of the pages (default 1)\n"
		"  --shared         every thread accesses the whole set\n"
		"  --hot, --cold    skewed: H%% of accesses go to C%% of pages (default 90, 10)\n"
		"  --theta          zipf exponent (default 0.99)\n"
		"  --seed           random seed (default 1)\n"
		"  --sample         time one access in K (default 1: all; 0: none)\n"
		"  --test-corrupt-page I[:flip|zero|stale]  (tests) before verifying, flip a\n"
		"                   bit of page I, zero it, or undo its last write\n");
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 20;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		const char *units = "kKmMgG", *u = strchr(units, *end);

		if (!u)
			return -EINVAL;
		shift = 10 * (1 + (int)(u - units) / 2);
		end++;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B')
		end++;
	if (*end || v == 0 || v > (1ULL << (63 - shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || end == s || *end || *s == '-' ? -EINVAL : 0;
}

static int parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end ? -EINVAL : 0;
}

static void bad_option(const char *name, const char *value)
{
	fprintf(stderr, "pagebench: bad value for %s: '%s'\n", name, value);
	exit(2);
}

static void parse_options(int argc, char **argv)
{
	enum { O_RO = 256, O_RW, O_SHARED, O_HOT, O_COLD, O_THETA, O_SEED, O_SAMPLE, O_CORRUPT };
	static const struct option longs[] = {
		{ "workload", required_argument, NULL, 'w' },
		{ "size", required_argument, NULL, 's' },
		{ "passes", required_argument, NULL, 'p' },
		{ "accesses", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "ro", no_argument, NULL, O_RO },
		{ "rw", no_argument, NULL, O_RW },
		{ "shared", no_argument, NULL, O_SHARED },
		{ "hot", required_argument, NULL, O_HOT },
		{ "cold", required_argument, NULL, O_COLD },
		{ "theta", required_argument, NULL, O_THETA },
		{ "seed", required_argument, NULL, O_SEED },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ "test-corrupt-page", required_argument, NULL, O_CORRUPT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t u;
	int c;

	while ((c = getopt_long(argc, argv, "w:s:p:n:t:h", longs, NULL)) != -1) {
		switch (c) {
		case 'w': {
			unsigned k;

			for (k = 0; k < sizeof(workload_names) / sizeof(*workload_names); k++)
				if (!strcmp(optarg, workload_names[k]))
					break;
			if (k == sizeof(workload_names) / sizeof(*workload_names))
				bad_option("--workload", optarg);
			opt.workload = (enum workload)k;
			break;
		}
		case 's':
			if (parse_size(optarg, &opt.bytes) || opt.bytes < PAGE_BYTES)
				bad_option("--size", optarg);
			break;
		case 'p':
			if (parse_u64(optarg, &opt.passes) || !opt.passes)
				bad_option("--passes", optarg);
			break;
		case 'n':
			if (parse_u64(optarg, &opt.accesses) || !opt.accesses)
				bad_option("--accesses", optarg);
			break;
		case 't':
			if (parse_u64(optarg, &u) || !u || u > MAX_THREADS)
				bad_option("--threads", optarg);
			opt.threads = (int)u;
			break;
		case O_RO:
			opt.rw = false;
			break;
		case O_RW:
			opt.rw = true;
			break;
		case O_SHARED:
			opt.shared = true;
			break;
		case O_HOT:
			if (parse_double(optarg, &opt.hot_pct) || opt.hot_pct < 0 || opt.hot_pct > 100)
				bad_option("--hot", optarg);
			break;
		case O_COLD:
			if (parse_double(optarg, &opt.cold_pct) || opt.cold_pct <= 0 ||
			    opt.cold_pct > 100)
				bad_option("--cold", optarg);
			break;
		case O_THETA:
			if (parse_double(optarg, &opt.theta) || opt.theta <= 0 || opt.theta >= 1)
				bad_option("--theta (0 < theta < 1)", optarg);
			break;
		case O_SEED:
			if (parse_u64(optarg, &opt.seed))
				bad_option("--seed", optarg);
			break;
		case O_SAMPLE:
			if (parse_u64(optarg, &opt.sample))
				bad_option("--sample", optarg);
			break;
		case O_CORRUPT: {
			char *how = strchr(optarg, ':');

			if (how)
				*how++ = '\0';
			if (parse_u64(optarg, &u) || (how && strcmp(how, "flip") &&
						      strcmp(how, "zero") && strcmp(how, "stale")))
				bad_option("--test-corrupt-page", optarg);
			opt.corrupt_page = (int64_t)u;
			opt.corrupt_how = !how || !strcmp(how, "flip") ? FLIP :
					  !strcmp(how, "zero") ? ZERO : STALE;
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pagebench: unexpected argument '%s'\n", argv[optind]);
		exit(2);
	}
}

/* Thread t's range and share of the accesses. */
static void plan(struct worker *ws, uint64_t accesses)
{
	uint64_t slice = total_pages / (uint64_t)opt.threads;

	for (int t = 0; t < opt.threads; t++) {
		uint64_t first = opt.shared ? 0 : slice * (uint64_t)t;
		uint64_t pages = opt.shared ? total_pages :
			t == opt.threads - 1 ? total_pages - first : slice;

		ws[t].id = t;
		range_init(&ws[t].range, first, pages);
		if (opt.workload == TOUCH)
			ws[t].accesses = opt.shared ? (t == 0 ? total_pages : 0) : pages;
		else if (opt.workload == SEQ && !opt.accesses)
			ws[t].accesses = opt.passes * pages;
		else
			ws[t].accesses = accesses / (uint64_t)opt.threads +
					 ((uint64_t)t < accesses % (uint64_t)opt.threads);
	}
}

static uint64_t timer_cost_ns(void)
{
	uint64_t t0 = now_ns(), t1 = t0;

	for (int k = 0; k < 1000; k++)
		t1 = now_ns();
	return (t1 - t0) / 1000;
}

int main(int argc, char **argv)
{
	struct worker *ws;
	struct hist *all;
	uint32_t *writes;
	uint64_t accesses = 0, bad, t_setup, t_start, t_end, t_verified;

	parse_options(argc, argv);
	if (opt.threads < 1 || opt.bytes / PAGE_BYTES < (uint64_t)opt.threads) {
		fprintf(stderr, "pagebench: fewer pages than threads\n");
		return 2;
	}
	total_pages = opt.bytes / PAGE_BYTES;
	if (opt.workload == TOUCH)
		opt.shared = false; /* one writer per page: nothing to share */
	if (opt.shared && opt.workload == SEQ && !opt.accesses)
		opt.accesses = opt.passes * total_pages * (uint64_t)opt.threads;
	if (!opt.accesses)
		opt.accesses = opt.passes * total_pages;

	t_setup = now_ns();
	memory = malloc(total_pages * PAGE_BYTES);
	ws = calloc((size_t)opt.threads, sizeof(*ws));
	all = calloc(1, sizeof(*all));
	if (!memory || !ws || !all) {
		fprintf(stderr, "pagebench: cannot allocate %" PRIu64 " MiB\n", opt.bytes >> 20);
		return 2;
	}
	plan(ws, opt.accesses);
	for (int t = 0; t < opt.threads; t++) {
		ws[t].hist = calloc(1, sizeof(struct hist));
		if (!ws[t].hist) {
			fprintf(stderr, "pagebench: out of memory\n");
			return 2;
		}
		accesses += ws[t].accesses;
	}
	if (opt.workload != TOUCH)
		for (uint64_t i = 0; i < total_pages; i++)
			fill_page(page_at(i), i);

	pthread_barrier_init(&start_line, NULL, (unsigned)opt.threads + 1);
	for (int t = 0; t < opt.threads; t++) {
		int err = pthread_create(&ws[t].thread, NULL, worker_main, &ws[t]);

		if (err) {
			fprintf(stderr, "pagebench: pthread_create: %s\n", strerror(err));
			return 2;
		}
	}
	/* The measured phase: from the first thread's start to the last one's
	 * end (the main thread may be descheduled at the barrier). */
	pthread_barrier_wait(&start_line);
	t_start = UINT64_MAX, t_end = 0;
	for (int t = 0; t < opt.threads; t++) {
		pthread_join(ws[t].thread, NULL);
		if (ws[t].start_ns < t_start)
			t_start = ws[t].start_ns;
		if (ws[t].end_ns > t_end)
			t_end = ws[t].end_ns;
	}

	for (int t = 0; t < opt.threads; t++)
		hist_merge(all, ws[t].hist);
	writes = count_writes(ws);
	if (!writes) {
		fprintf(stderr, "pagebench: out of memory for verification\n");
		return 2;
	}
	if (opt.corrupt_page >= 0 && (uint64_t)opt.corrupt_page < total_pages)
		corrupt((uint64_t)opt.corrupt_page, writes[opt.corrupt_page]);
	bad = verify(writes);
	t_verified = now_ns();

	printf("{\"workload\": \"%s\", \"mode\": \"%s\", \"working_set_bytes\": %" PRIu64
	       ", \"pages\": %" PRIu64 ", \"threads\": %d, \"ranges\": \"%s\"",
	       workload_names[opt.workload], opt.rw || opt.workload == TOUCH ? "rw" : "ro",
	       opt.bytes, total_pages, opt.threads, opt.shared ? "shared" : "disjoint");
	if (opt.workload == SKEWED)
		printf(", \"hot_pct\": %g, \"cold_pct\": %g", opt.hot_pct, opt.cold_pct);
	if (opt.workload == ZIPF)
		printf(", \"theta\": %g", opt.theta);
	printf(", \"seed\": %" PRIu64 ", \"accesses\": %" PRIu64 ", \"seconds\": %.6f"
	       ", \"setup_seconds\": %.6f, \"verify_seconds\": %.6f"
	       ", \"sample_every\": %" PRIu64 ", \"timer_ns\": %" PRIu64 ", \"timed_accesses\": %" PRIu64
	       ", \"p50_ns\": %" PRIu64 ", \"p90_ns\": %" PRIu64 ", \"p99_ns\": %" PRIu64
	       ", \"p999_ns\": %" PRIu64 ", \"max_ns\": %" PRIu64 ", \"mean_ns\": %.1f"
	       ", \"verified_pages\": %" PRIu64 ", \"bad_pages\": %" PRIu64 ", \"ok\": %s}\n",
	       opt.seed, accesses, (double)(t_end - t_start) / 1e9,
	       (double)(t_start - t_setup) / 1e9, (double)(t_verified - t_end) / 1e9, opt.sample,
	       timer_cost_ns(), all->n, hist_quantile(all, 0.50), hist_quantile(all, 0.90),
	       hist_quantile(all, 0.99), hist_quantile(all, 0.999), all->max,
	       all->n ? (double)all->sum / (double)all->n : 0.0, total_pages - bad, bad,
	       bad ? "false" : "true");
	return bad ? 1 : 0;
}
