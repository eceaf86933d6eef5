// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mlockcap - mlock, mlockall and their undoing under a cap of 40 MiB:
 * locked heap stays resident (mincore) and intact while 96 MiB of other
 * memory is paged through; a lock beyond the cap fails with ENOMEM or
 * EAGAIN at once, as the kernel's past its limit, and the program goes
 * on; unlocked memory is paged out again.  An alarm turns a hang into a
 * failure.
 *
 * usage: mlockcap   (run under --max-rss 40M)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE	4096
#define LOCKED	(4u << 20)
#define BIG	(48u << 20)
#define FILLER	(96u << 20)

#include "push_out.h"

static int errors;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "mlockcap: " __VA_ARGS__);                                 \
			fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));              \
			errors++;                                                                  \
		}                                                                                  \
	} while (0)

/* Pages of [p, p + len) the kernel has resident. */
static size_t resident(const void *p, size_t len)
{
	static unsigned char vec[BIG / PAGE];
	uintptr_t s = (uintptr_t)p & ~(uintptr_t)(PAGE - 1);
	size_t n = 0, pages = ((uintptr_t)p + len - s + PAGE - 1) / PAGE;

	if (mincore((void *)s, pages * PAGE, vec))
		return 0;
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	return n;
}

static void fill(uint8_t *b, size_t len, int salt)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7 + salt + (i >> 12));
}

static int same(const uint8_t *b, size_t len, int salt)
{
	for (size_t i = 0; i < len; i++)
		if (b[i] != (uint8_t)(i * 7 + salt + (i >> 12)))
			return 0;
	return 1;
}

/* Run without CAP_IPC_LOCK and with RLIMIT_MEMLOCK 0: mlock fails with
 * EPERM, as the kernel's, whatever the uid (root included). */
static int unprivileged(void)
{
	uint8_t *buf = malloc(LOCKED);

	if (!buf)
		return 2;
	fill(buf, LOCKED, 3);
	errno = 0;
	CHECK(mlock(buf, LOCKED) == -1 && errno == EPERM,
	      "mlock without CAP_IPC_LOCK under RLIMIT_MEMLOCK 0: %s, not EPERM", strerror(errno));
	CHECK(same(buf, LOCKED, 3), "memory changed by a refused mlock");
	return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint8_t *buf, *big, *later;
	size_t pages = LOCKED / PAGE;

	alarm(120);
	if (argc > 1 && strcmp(argv[1], "unprivileged") == 0)
		return unprivileged();
	buf = malloc(LOCKED);
	if (!buf)
		return 2;
	fill(buf, LOCKED, 1);

	/* mlockall of a heap within the cap, and a later mapping. */
	CHECK(mlockall(MCL_CURRENT | MCL_FUTURE) == 0, "mlockall of a small heap failed");
	later = mmap(NULL, 1u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(later != MAP_FAILED && resident(later, 1u << 20) == (1u << 20) / PAGE,
	      "MCL_FUTURE: a later mapping is not resident: %zu of %u pages",
	      later != MAP_FAILED ? resident(later, 1u << 20) : 0, (1u << 20) / PAGE);
	CHECK(madvise(buf, PAGE, MADV_DONTNEED) == -1 && errno == EINVAL,
	      "madvise(MADV_DONTNEED) on locked memory did not fail with EINVAL");
	CHECK(munlockall() == 0, "munlockall failed");
	munmap(later, 1u << 20);

	/* mlock: resident and intact while other memory is paged through. */
	CHECK(mlock(buf, LOCKED) == 0, "mlock of 4 MiB under a 40 MiB cap failed");
	push_out();
	push_out();
	CHECK(resident(buf, LOCKED) >= pages, "locked memory was paged out: %zu of %zu resident",
	      resident(buf, LOCKED), pages);
	CHECK(same(buf, LOCKED, 1), "locked memory changed");

	/* Past the cap: refused at once, and the program goes on. */
	big = malloc(BIG);
	if (!big)
		return 2;
	fill(big, BIG, 2);
	errno = 0;
	CHECK(mlock(big, BIG) == -1 && (errno == ENOMEM || errno == EAGAIN),
	      "mlock of 48 MiB under a 40 MiB cap did not fail with ENOMEM or EAGAIN");
	errno = 0;
	CHECK(mlockall(MCL_CURRENT | MCL_FUTURE) == -1 && (errno == ENOMEM || errno == EAGAIN),
	      "mlockall of 150 MiB under a 40 MiB cap did not fail with ENOMEM or EAGAIN");
	push_out();
	CHECK(same(big, BIG, 2), "memory a refused mlock covered changed");
	CHECK(resident(buf, LOCKED) >= pages, "a refused mlock dropped an earlier lock");
	later = malloc(1u << 20);	/* no MCL_FUTURE left behind by the refusal */
	CHECK(later != NULL, "malloc after a refused mlockall failed");
	free(later);

	/* Unlocked: paged out again like any memory. */
	CHECK(munlock(buf, LOCKED) == 0, "munlock failed");
	push_out();
	push_out();
	CHECK(resident(buf, LOCKED) < pages / 2, "unlocked memory stayed resident: %zu of %zu",
	      resident(buf, LOCKED), pages);
	CHECK(same(buf, LOCKED, 1), "unlocked memory changed");
	if (errors)
		fprintf(stderr, "mlockcap: %d failed\n", errors);
	return errors ? 1 : 0;
}
