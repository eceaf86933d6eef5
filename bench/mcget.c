// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcget - what a memcached server costs bare, as upage's memcached area
 * talks to it (binary protocol, TCP_NODELAY, values of a page and a
 * 32-byte header): the anchors of bench/tiers.sh.
 *
 * usage: mcget HOST PORT [N [PORT...]]
 *
 * Prints one line: set and get p50/p99 of N single operations (default
 * 5000), and the pages per second of multi-gets of 64 keys, on one
 * server.  With more PORTs (servers on HOST too), also the get p50/p99
 * of N pages spread over all the servers, a connection each, read in a
 * scattered order: what a page-in from the pool is, a get of one page
 * from whichever server holds it (the one-server figure keeps that
 * server's worker awake, back to back).
 */
#include <libmemcached/memcached.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VALUE	(4096 + 32)
#define BATCH	64

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, int p)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[(long)n * p / 100 < n ? (long)n * p / 100 : n - 1];
}

#define MAX_SERVERS	16

static memcached_st *connect_one(const char *host, const char *port)
{
	memcached_st *m = memcached_create(NULL);

	if (!m)
		return NULL;
	memcached_behavior_set(m, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
	memcached_behavior_set(m, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
	memcached_server_add(m, host, (in_port_t)atoi(port));
	return m;
}

/* Gets of @n pages spread over the servers @ports[0..nr): p50 and p99 into @out. */
static int spread_gets(const char *host, char **ports, int nr, int n, const char *value, double *tg,
		       double out[2])
{
	memcached_st *ms[MAX_SERVERS];
	memcached_return_t rc;

	for (int s = 0; s < nr; s++)
		if (!(ms[s] = connect_one(host, ports[s])))
			return 1;
	for (int i = 0; i < n; i++) {
		char k[32];
		int len = snprintf(k, sizeof(k), "mcget:spread:%d", i);

		rc = memcached_set(ms[i % nr], k, (size_t)len, value, VALUE, 0, 0);
		if (rc != MEMCACHED_SUCCESS) {
			fprintf(stderr, "mcget: set: %s\n", memcached_strerror(ms[i % nr], rc));
			return 1;
		}
	}
	for (int i = 0; i < n; i++) {
		int key = (int)(((long)i * 7919) % n);
		char k[32];
		int len = snprintf(k, sizeof(k), "mcget:spread:%d", key);
		size_t vlen;
		uint32_t flags;
		double t0 = now_us();
		char *v = memcached_get(ms[key % nr], k, (size_t)len, &vlen, &flags, &rc);

		tg[i] = now_us() - t0;
		if (!v || vlen != VALUE) {
			fprintf(stderr, "mcget: spread get: %s\n", memcached_strerror(ms[key % nr], rc));
			return 1;
		}
		free(v);
	}
	out[0] = pct(tg, n, 50);
	out[1] = pct(tg, n, 99);
	for (int s = 0; s < nr; s++)
		memcached_free(ms[s]);
	return 0;
}

int main(int argc, char **argv)
{
	static char value[VALUE], keys[BATCH][32];
	const char *kp[BATCH];
	size_t kl[BATCH];
	int n = argc > 3 ? atoi(argv[3]) : 5000;
	double *ts = calloc((size_t)n, sizeof(*ts)), *tg = calloc((size_t)n, sizeof(*tg));
	memcached_st *m = memcached_create(NULL);
	memcached_return_t rc;
	double t0, total = 0;
	long pages = 0;

	double spread[2] = { 0, 0 };
	int nr = argc > 4 ? argc - 3 : 0;	/* the spread servers: PORT and the others */

	if (argc < 3 || !m || !ts || !tg || n < BATCH || nr > MAX_SERVERS) {
		fprintf(stderr, "usage: mcget HOST PORT [N >= %d [PORT...]] (%d servers at most)\n",
			BATCH, MAX_SERVERS);
		return 2;
	}
	memcached_behavior_set(m, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
	memcached_behavior_set(m, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
	memcached_server_add(m, argv[1], (in_port_t)atoi(argv[2]));
	memset(value, 0x5a, sizeof(value));
	for (int i = 0; i < n; i++) {
		char k[32];
		int len = snprintf(k, sizeof(k), "mcget:%d", i);

		t0 = now_us();
		rc = memcached_set(m, k, (size_t)len, value, sizeof(value), 0, 0);
		ts[i] = now_us() - t0;
		if (rc != MEMCACHED_SUCCESS) {
			fprintf(stderr, "mcget: set: %s\n", memcached_strerror(m, rc));
			return 1;
		}
	}
	for (int i = 0; i < n; i++) {
		char k[32];
		int len = snprintf(k, sizeof(k), "mcget:%d", (i * 7919) % n);
		size_t vlen;
		uint32_t flags;
		char *v;

		t0 = now_us();
		v = memcached_get(m, k, (size_t)len, &vlen, &flags, &rc);
		tg[i] = now_us() - t0;
		if (!v || vlen != VALUE) {
			fprintf(stderr, "mcget: get: %s\n", memcached_strerror(m, rc));
			return 1;
		}
		free(v);
	}
	for (int b = 0; b + BATCH <= n; b += BATCH) {
		memcached_result_st *r;

		for (int k = 0; k < BATCH; k++) {
			kl[k] = (size_t)snprintf(keys[k], sizeof(keys[k]), "mcget:%d", b + k);
			kp[k] = keys[k];
		}
		t0 = now_us();
		if (memcached_mget(m, kp, kl, BATCH) != MEMCACHED_SUCCESS)
			return 1;
		while ((r = memcached_fetch_result(m, NULL, &rc))) {
			pages++;
			memcached_result_free(r);
		}
		total += now_us() - t0;
	}
	printf("bare set_p50_us=%.1f set_p99_us=%.1f get_p50_us=%.1f get_p99_us=%.1f "
	       "mget%d_pages_per_s=%.0f",
	       pct(ts, n, 50), pct(ts, n, 99), pct(tg, n, 50), pct(tg, n, 99), BATCH,
	       pages / (total / 1e6));
	if (nr) {
		char *ports[MAX_SERVERS];

		ports[0] = argv[2];
		for (int s = 1; s < nr; s++)
			ports[s] = argv[3 + s];
		if (spread_gets(argv[1], ports, nr, n, value, tg, spread))
			return 1;
		printf(" spread_servers=%d spread_get_p50_us=%.1f spread_get_p99_us=%.1f", nr,
		       spread[0], spread[1]);
	}
	printf("\n");
	memcached_free(m);
	return 0;
}
