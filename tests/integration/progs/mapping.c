// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mapping - mmap, munmap, mprotect, mremap and madvise on arena memory
 * behave as the kernel's, also when the pages are paged out: a hole cut by
 * munmap faults, a read-only range refuses writes, mremap keeps the data,
 * MADV_DONTNEED and MAP_FIXED give zeros, the neighbours stay intact.
 * A region larger than the cap cycled through read-only, PROT_NONE and
 * read-write keeps every byte (a page paged out while read-only reads back
 * its data, never zeros) and refuses what each protection forbids on every
 * MiB; mremap moving a read-only or PROT_NONE region keeps its data and
 * its protection.
 *
 * usage: mapping SIZE_MIB   (run under a cap well below SIZE_MIB)
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <unistd.h>

#define MIB (1UL << 20)

static sigjmp_buf env;
static volatile sig_atomic_t faults;

static void on_segv(int sig)
{
	faults++;
	siglongjmp(env, 1);
}

static int touch(volatile uint8_t *p, int write)
{
	if (sigsetjmp(env, 1))
		return -1;
	if (write)
		*p = 1;
	else
		(void)*p;
	return 0;
}

static uint64_t word(size_t i)
{
	return i * 0x9e3779b97f4a7c15ULL + 7;
}

static void fill(uint64_t *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		p[i] = word(i);
}

static int check(const uint64_t *p, size_t from, size_t to, const char *what)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != word(i)) {
			fprintf(stderr, "mapping: %s: word %zu is %#llx\n", what, i,
				(unsigned long long)p[i]);
			return 1;
		}
	return 0;
}

static int zero(const uint64_t *p, size_t from, size_t to, const char *what)
{
	for (size_t i = from; i < to; i++)
		if (p[i]) {
			fprintf(stderr, "mapping: %s: word %zu not zero\n", what, i);
			return 1;
		}
	return 0;
}

/* Every MiB of [p, p+len) must (@want 0) or must not (@want -1) take a
 * read or write. */
static int probe(uint64_t *p, size_t len, int write, int want, const char *what)
{
	for (size_t off = 0; off < len; off += MIB) {
		volatile uint8_t *b = (uint8_t *)p + off + 4096 + 8 * (off / MIB % 500);

		if (touch(b, write) != want) {
			fprintf(stderr, "mapping: %s: %s at +%zu MiB %s\n", what,
				write ? "a write" : "a read", off / MIB,
				want ? "did not fault" : "faulted");
			return 1;
		}
	}
	return 0;
}

/* The same check, the words of [p, p+len) being those from @first on. */
static int check_from(const uint64_t *p, size_t first, size_t words, const char *what)
{
	for (size_t i = 0; i < words; i++)
		if (p[i] != word(first + i)) {
			fprintf(stderr, "mapping: %s: word %zu is %#llx\n", what, i,
				(unsigned long long)p[i]);
			return 1;
		}
	return 0;
}

/*
 * mprotect and mremap of a region larger than the cap, so that most of its
 * pages are paged out whatever its protection: the engine, not the
 * program's mprotect, decides what the kernel maps.
 */
static int protections(size_t size)
{
	size_t n = size / 8, half = size / 2, quarter = size / 4;
	uint64_t *m, *r, *s;
	int errors = 0;

	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 1;
	fill(m, 0, n);

	/* read-only: every byte, read twice round the cap; no write lands */
	if (mprotect(m, size, PROT_READ))
		return 1;
	errors += check(m, 0, n, "read-only region");
	errors += probe(m, size, 1, -1, "read-only region");
	errors += check(m, 0, n, "read-only region, read again");

	/* PROT_NONE: nothing reads, resident or not */
	if (mprotect(m, size, PROT_NONE))
		return 1;
	errors += probe(m, size, 0, -1, "PROT_NONE region");

	/* read-write again: the data is there and takes writes */
	if (mprotect(m, size, PROT_READ | PROT_WRITE))
		return 1;
	errors += check(m, 0, n, "read-write again");
	for (size_t i = 0; i < n; i++)
		m[i] = ~word(i);
	for (size_t i = 0; i < n; i++)
		if (m[i] != ~word(i)) {
			fprintf(stderr, "mapping: rewritten word %zu is %#llx\n", i,
				(unsigned long long)m[i]);
			errors++;
			break;
		}
	fill(m, 0, n);

	/* mremap of a read-only half, which must move (the other half
	 * follows it): the data and the protection move along */
	if (mprotect(m, half, PROT_READ))
		return 1;
	r = mremap(m, half, size, MREMAP_MAYMOVE);
	if (r == MAP_FAILED || r == m) {
		fprintf(stderr, "mapping: mremap of the read-only half did not move\n");
		return 1;
	}
	errors += check(r, 0, n / 2, "moved read-only half");
	errors += zero(r, n / 2, n, "moved read-only half's growth");
	errors += probe(r, size, 1, -1, "moved read-only half");
	if (mprotect(r, size, PROT_READ | PROT_WRITE) || probe(r, size, 1, 0, "moved half, read-write"))
		errors++;
	munmap(r, size);

	/* mremap of a PROT_NONE quarter (the last quarter follows it) */
	if (mprotect(m + n / 2, quarter, PROT_NONE))
		return 1;
	s = mremap(m + n / 2, quarter, half, MREMAP_MAYMOVE);
	if (s == MAP_FAILED || s == m + n / 2) {
		fprintf(stderr, "mapping: mremap of the PROT_NONE quarter did not move\n");
		return 1;
	}
	errors += probe(s, half, 0, -1, "moved PROT_NONE quarter");
	if (mprotect(s, half, PROT_READ))
		return 1;
	errors += check_from(s, n / 2, n / 4, "moved PROT_NONE quarter");
	errors += zero(s, n / 4, n / 2, "moved PROT_NONE quarter's growth");
	errors += check_from(m + 3 * n / 4, 3 * n / 4, n / 4, "the quarter left behind");
	munmap(s, half);
	munmap(m + 3 * n / 4, quarter);
	return errors;
}

int main(int argc, char **argv)
{
	size_t size = (argc > 1 ? strtoul(argv[1], NULL, 0) : 64) * MIB, n = size / 8;
	size_t q = n / 4, page = 4096 / 8;
	struct sigaction sa = { .sa_handler = on_segv };
	uint64_t *p, *r;
	int errors = 0;

	sigaction(SIGSEGV, &sa, NULL);
	/* A hang guard, not a timing check: an access the engine serves
	 * without opening the page faults for ever. */
	alarm(600);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 2;
	fill(p, 0, n);
	errors += check(p, 0, n, "after fill");

	/* munmap a hole in the middle: it faults, the rest is intact */
	if (munmap(p + q, MIB))
		return 2;
	if (touch((uint8_t *)(p + q) + 100, 0) == 0) {
		fprintf(stderr, "mapping: reading an unmapped hole did not fault\n");
		errors++;
	}
	errors += check(p, 0, q, "below the hole") + check(p, q + MIB / 8, n, "above the hole");

	/* mprotect read-only: reads work, writes fault; back to read-write */
	if (mprotect(p, 4 * MIB, PROT_READ))
		return 2;
	errors += check(p, 0, 4 * MIB / 8, "read-only range");
	if (touch((uint8_t *)p + 5000, 1) == 0) {
		fprintf(stderr, "mapping: a write to a read-only page did not fault\n");
		errors++;
	}
	if (mprotect(p, 4 * MIB, PROT_READ | PROT_WRITE) || touch((uint8_t *)p + 5000, 1))
		errors++;
	p[5000 / 8] = word(5000 / 8);

	/* MADV_DONTNEED: zeros there, data elsewhere */
	madvise(p + 2 * q, MIB, MADV_DONTNEED);
	errors += zero(p + 2 * q, 0, MIB / 8, "after MADV_DONTNEED");
	fill(p, 2 * q, 2 * q + MIB / 8);

	/* MAP_FIXED over a part: zeros */
	if (mmap(p + 3 * q, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != p + 3 * q)
		return 2;
	errors += zero(p + 3 * q, 0, MIB / 8, "after MAP_FIXED");
	fill(p, 3 * q, 3 * q + MIB / 8);

	/* mremap the top part to twice its size: data kept, the growth zero */
	r = mremap(p + 3 * q, size - 3 * q * 8, 2 * (size - 3 * q * 8), MREMAP_MAYMOVE);
	if (r == MAP_FAILED) {
		perror("mapping: mremap");
		return 2;
	}
	for (size_t i = 0; i < n - 3 * q; i++)
		if (r[i] != word(3 * q + i)) {
			fprintf(stderr, "mapping: mremap lost word %zu\n", i);
			errors++;
			break;
		}
	errors += zero(r, n - 3 * q, 2 * (n - 3 * q), "mremap growth");
	/* shrink it back */
	if (mremap(r, 2 * (size - 3 * q * 8), page * 8, 0) != r)
		errors++;
	errors += check(p, 0, q, "first quarter at the end");
	errors += protections(size / 2);
	if (errors)
		return 1;
	printf("mapping: munmap, mprotect, madvise, MAP_FIXED and mremap in the arena: as the kernel's\n");
	printf("mapping: read-only, PROT_NONE and read-write cycles and mremap of protected regions keep the data\n");
	return 0;
}
