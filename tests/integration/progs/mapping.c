/*
 * mapping - mmap, munmap, mprotect, mremap and madvise on arena memory
 * behave as the kernel's, also when the pages are paged out: a hole cut by
 * munmap faults, a read-only range refuses writes, mremap keeps the data,
 * MADV_DONTNEED and MAP_FIXED give zeros, the neighbours stay intact.
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

int main(int argc, char **argv)
{
	size_t size = (argc > 1 ? strtoul(argv[1], NULL, 0) : 64) * MIB, n = size / 8;
	size_t q = n / 4, page = 4096 / 8;
	struct sigaction sa = { .sa_handler = on_segv };
	uint64_t *p, *r;
	int errors = 0;

	sigaction(SIGSEGV, &sa, NULL);
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
	if (errors)
		return 1;
	printf("mapping: munmap, mprotect, madvise, MAP_FIXED and mremap in the arena: as the kernel's\n");
	return 0;
}
