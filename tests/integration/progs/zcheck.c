// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zcheck - pages of known contents that compress well, badly or to one
 * word, written and checked again and again: the compressed tier's
 * verifying workload.  Exit 0 when every byte read is the byte written, 1
 * at the first wrong page (printed), 2 on a setup error.
 *
 * usage: zcheck SIZE_MIB PASSES [mixed|text|random] [fork]
 *
 * Page i holds, by kind (mixed: i % 4; text or random: that kind only):
 *   0  one repeated word (a same-filled page)
 *   1  text, different on every page (compresses about 4:1)
 *   2  zeros with a few words set (compresses to almost nothing)
 *   3  pseudo-random bytes (does not compress: a reject)
 * and a version: each pass reads every page in a scattered order, then
 * writes a new version into one page in seven, so slots are rewritten and
 * freed while the pool holds them.  With "fork", after the first pass a
 * child checks every page, rewrites one in three and checks again, and
 * the parent, once the child is gone, checks that its own pages did not
 * change.
 *
 * With ZCHECK_GATE=FILE in the environment, pass p starts only once FILE
 * holds a number >= p, and while it waits FILE.at holds p: a test can
 * break the swap area between given passes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE	4096UL

enum { KIND_SAME, KIND_TEXT, KIND_SPARSE, KIND_RANDOM };

static int mode_kind = -1;	/* -1: mixed */

static int kind_of(size_t i)
{
	return mode_kind >= 0 ? mode_kind : (int)(i % 4);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* The contents of page @i at version @v. */
static void fill(unsigned char *p, size_t i, uint32_t v)
{
	uint64_t *w = (uint64_t *)p;
	size_t off = 0;

	switch (kind_of(i)) {
	case KIND_SAME:
		for (size_t k = 0; k < PAGE / 8; k++)
			w[k] = mix(i * 131 + v);
		break;
	case KIND_TEXT:
		for (int line = 0; off < PAGE; line++) {
			char l[80];
			int n = snprintf(l, sizeof(l), "page %zu v%u line %d: %llu\n", i, v, line,
					 (unsigned long long)(mix(i + (uint64_t)line) % 1000));
			size_t take = PAGE - off < (size_t)n ? PAGE - off : (size_t)n;

			memcpy(p + off, l, take);
			off += take;
		}
		break;
	case KIND_SPARSE:
		memset(p, 0, PAGE);
		for (int k = 0; k < 8; k++)
			w[mix(i + (uint64_t)k) % (PAGE / 8)] = mix(i ^ ((uint64_t)v << 32)) + (uint64_t)k;
		break;
	default:
		for (size_t k = 0; k < PAGE / 8; k++)
			w[k] = mix((i << 20) ^ ((uint64_t)v << 44) ^ k);
		break;
	}
}

static int check(unsigned char *mem, const uint32_t *ver, size_t n, const char *who, int pass)
{
	static unsigned char want[PAGE];
	size_t stride = 7919;	/* a prime: a scattered order over all pages */

	while (n % stride == 0)
		stride += 2;
	for (size_t k = 0; k < n; k++) {
		size_t i = (k * stride) % n;

		fill(want, i, ver[i]);
		if (memcmp(mem + i * PAGE, want, PAGE)) {
			size_t b = 0;

			while (mem[i * PAGE + b] == want[b])
				b++;
			fprintf(stderr, "zcheck: %s pass %d: page %zu (kind %d, v%u) byte %zu is %#x, "
					"wrote %#x\n",
				who, pass, i, kind_of(i), ver[i], b, mem[i * PAGE + b], want[b]);
			return 1;
		}
	}
	return 0;
}

static void rewrite(unsigned char *mem, uint32_t *ver, size_t n, size_t every, size_t from)
{
	for (size_t i = from % every; i < n; i += every)
		fill(mem + i * PAGE, i, ++ver[i]);
}

static int child(unsigned char *mem, uint32_t *ver, size_t n)
{
	if (check(mem, ver, n, "child", 0))
		return 1;
	rewrite(mem, ver, n, 3, 1);
	return check(mem, ver, n, "child", 1);
}

/* ZCHECK_GATE: wait until the gate lets pass @p start. */
static void gate(int p)
{
	const char *file = getenv("ZCHECK_GATE");
	char at[4096];
	FILE *f;

	if (!file)
		return;
	snprintf(at, sizeof(at), "%s.at", file);
	f = fopen(at, "w");
	if (f) {
		fprintf(f, "%d\n", p);
		fclose(f);
	}
	for (;;) {
		int open_to = -1;

		f = fopen(file, "r");
		if (f) {
			if (fscanf(f, "%d", &open_to) != 1)
				open_to = -1;
			fclose(f);
		}
		if (open_to >= p)
			return;
		usleep(20000);
	}
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 32;
	int passes = argc > 2 ? atoi(argv[2]) : 3;
	const char *mode = argc > 3 ? argv[3] : "mixed";
	int do_fork = argc > 4 && strcmp(argv[4], "fork") == 0;
	size_t n = mib * (1 << 20) / PAGE;
	unsigned char *mem;
	uint32_t *ver;

	if (strcmp(mode, "text") == 0)
		mode_kind = KIND_TEXT;
	else if (strcmp(mode, "random") == 0)
		mode_kind = KIND_RANDOM;
	else if (strcmp(mode, "mixed") != 0)
		return fprintf(stderr, "zcheck: mode %s: use mixed, text or random\n", mode), 2;
	mem = aligned_alloc(PAGE, n * PAGE);	/* page i is one page: its kind is the page's */
	ver = calloc(n, sizeof(*ver));
	if (!mem || !ver)
		return fprintf(stderr, "zcheck: malloc of %zu MiB failed\n", mib), 2;
	for (size_t i = 0; i < n; i++)
		fill(mem + i * PAGE, i, 0);
	for (int p = 0; p < passes; p++) {
		gate(p);
		if (check(mem, ver, n, "parent", p))
			return 1;
		if (p == 0 && do_fork) {
			int status;
			pid_t pid = fork();

			if (pid < 0)
				return perror("zcheck: fork"), 2;
			if (pid == 0)
				_exit(child(mem, ver, n));
			if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
			    WEXITSTATUS(status) != 0)
				return fprintf(stderr, "zcheck: the child failed (%#x)\n", status), 1;
			if (check(mem, ver, n, "parent after the child", p))
				return 1;
		}
		rewrite(mem, ver, n, 7, (size_t)p);
	}
	if (check(mem, ver, n, "parent", passes))
		return 1;
	printf("zcheck: %zu MiB (%s%s), %d passes: intact\n", mib, mode, do_fork ? ", fork" : "",
	       passes);
	return 0;
}
