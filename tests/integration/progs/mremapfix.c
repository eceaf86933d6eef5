// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mremapfix - mremap(MREMAP_MAYMOVE | MREMAP_FIXED) of heap memory whose
 * pages are paged out, to addresses the program reserved itself: a
 * PROT_NONE reservation (in upage's arena under upage), one holding data
 * of its own, one outside the arena (a shared mapping), a move that
 * shrinks, MREMAP_DONTUNMAP, and the kernel's refusals.  Each case prints
 * one line of what it saw (errno names, whether the data arrived, whether
 * the old range and the target's untouched tail fault), so that the
 * transcript under upage can be compared with the one the kernel gives
 * without it; the program also fails on any difference from what the
 * kernel documents.
 *
 * usage: mremapfix   (run under a cap of a few MiB: it touches 48 MiB)
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PROG "mremapfix"
#include "transcript.h"

#define SRC	(8 * MIB)	/* each moved mapping */

static sigjmp_buf env;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

/* "segv" when reading @p faults, else "ok". */
static const char *probe(volatile const char *p)
{
	if (sigsetjmp(env, 1))
		return "segv";
	(void)*p;
	return "ok";
}

static char *filled(size_t len, unsigned seed)
{
	uint64_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mremapfix: mmap");
		exit(2);
	}
	for (size_t i = 0; i < len / 8; i++)
		p[i] = word(i, seed);
	return (char *)p;
}

static const char *data(const char *p, size_t len, unsigned seed)
{
	const uint64_t *w = (const uint64_t *)p;

	for (size_t i = 0; i < len / 8; i++)
		if (w[i] != word(i, seed))
			return "bad";
	return "ok";
}

static const char *zeros(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return "bad";
	return "ok";
}

static const char *err_name(void *r)
{
	if (r != MAP_FAILED)
		return "ok";
	switch (errno) {
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	default: return strerror(errno);
	}
}

/* Move an 8 MiB mapping onto @target (a reservation of @tlen bytes) at
 * its start, shrunk to @new_len. */
static void move_onto(const char *name, char *target, size_t tlen, size_t new_len,
		      const char *want)
{
	char *src = filled(SRC, 1), *r, line[256];
	const char *moved, *old, *tail, *again;

	push_out();
	r = mremap(src, SRC, new_len, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	moved = r == target ? data(r, new_len, 1) : "-";
	old = probe(src);
	tail = tlen > new_len ? probe(target + new_len) : "-";
	push_out();	/* and the moved data paged out again, where upage pages it */
	again = r == target ? data(r, new_len, 1) : "-";
	snprintf(line, sizeof(line), "%s: %s moved=%s old=%s tail=%s again=%s", name,
		 r == MAP_FAILED ? err_name(r) : r == target ? "ok" : "elsewhere", moved, old,
		 tail, again);
	expect(line, want);
	munmap(target, tlen);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_NODEFER };
	char *t, *src, *r, line[256];

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	/* MREMAP_DONTUNMAP: the old range stays mapped, empty. */
	src = filled(SRC, 3);
	push_out();
	r = mremap(src, SRC, SRC, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	snprintf(line, sizeof(line), "dontunmap: %s moved=%s old=%s", err_name(r),
		 r != MAP_FAILED ? data(r, SRC, 3) : "-",
		 r != MAP_FAILED ? zeros(src, SRC) : "-");
	expect(line, "dontunmap: ok moved=ok old=ok");
	if (r != MAP_FAILED)
		munmap(r, SRC);
	munmap(src, SRC);

	/* A PROT_NONE reservation of the program's (in the arena). */
	t = mmap(NULL, 2 * SRC, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	move_onto("reserved", t, 2 * SRC, SRC,
		  "reserved: ok moved=ok old=segv tail=segv again=ok");

	/* A target holding data of its own: replaced where the move lands,
	 * kept beyond. */
	t = filled(SRC + MIB, 9);
	mprotect(t + SRC, MIB, PROT_NONE);
	move_onto("replaced", t, SRC + MIB, SRC,
		  "replaced: ok moved=ok old=segv tail=segv again=ok");

	/* Outside the arena: a shared reservation stays out of it. */
	t = mmap(NULL, 2 * SRC, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	move_onto("outside", t, 2 * SRC, SRC, "outside: ok moved=ok old=segv tail=segv again=ok");

	/* Shrinking while moving: the first half moves, all of it goes. */
	t = mmap(NULL, SRC, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	move_onto("shrunk", t, SRC, SRC / 2, "shrunk: ok moved=ok old=segv tail=segv again=ok");

	/* The kernel's refusals. */
	src = filled(SRC, 4);
	t = mmap(NULL, SRC, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	push_out();
	snprintf(line, sizeof(line), "refused: nomaymove=%s overlap=%s unaligned=%s",
		 err_name(mremap(src, SRC, SRC, MREMAP_FIXED, t)),
		 err_name(mremap(src, SRC, SRC, MREMAP_MAYMOVE | MREMAP_FIXED, src + PAGE)),
		 err_name(mremap(src, SRC, SRC, MREMAP_MAYMOVE | MREMAP_FIXED, t + 1)));
	expect(line, "refused: nomaymove=EINVAL overlap=EINVAL unaligned=EINVAL");
	snprintf(line, sizeof(line), "kept: %s", data(src, SRC, 4));
	expect(line, "kept: ok");
	return errors ? 1 : 0;
}
