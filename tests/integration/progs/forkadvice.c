// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * forkadvice - MADV_WIPEONFORK, MADV_DONTFORK and their undoing
 * (MADV_KEEPONFORK, MADV_DOFORK) on heap memory whose pages are paged out
 * at the fork: a child reads zeros where the parent wiped on fork (and so
 * does its own child), has no mapping where the parent said DONTFORK (a
 * touch dies of SIGSEGV), and sees the data everywhere else; the parent
 * keeps all of its data.  Each step prints one line, so the transcript
 * under upage can be compared with the kernel's own; the program also
 * fails on a difference from what the kernel documents.
 *
 * usage: forkadvice   (run under a cap of a few MiB: it touches 48 MiB)
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "forkadvice"
#include "transcript.h"

#define LEN	(4 * MIB)

static const char *seen(const char *p, size_t len, unsigned seed)
{
	return seen_at(p, 0, len, seed);
}

static char *region(size_t len, unsigned seed)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("forkadvice: mmap");
		exit(2);
	}
	fill_at(p, 0, len, seed);
	return p;
}

static const char *status(int st)
{
	static char buf[32];

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	return buf;
}

static const char *err(int ret)
{
	return ret == 0 ? "ok" : errno == EINVAL ? "EINVAL" : errno == ENOMEM ? "ENOMEM" : "other";
}

int main(void)
{
	char *heap, *holed, *wipe, *dontfork, *kept, *dofork, *part, line[256];
	int st;
	pid_t pid;

	/* Heap memory (malloc'd, so the heap under upage) and mappings. */
	heap = aligned_alloc(PAGE, LEN);
	fill_at(heap, 0, LEN, 1);
	wipe = region(LEN, 2);
	dontfork = region(LEN, 3);
	kept = region(LEN, 4);
	dofork = region(LEN, 5);
	part = region(3 * MIB, 6);
	holed = region(3 * MIB, 8);
	munmap(holed + MIB, MIB);
	snprintf(line, sizeof(line), "advice: heap=%s", err(madvise(heap, LEN, MADV_WIPEONFORK)));
	expect(line, "advice: heap=ok");
	snprintf(line, sizeof(line), "advice: wipe=%s", err(madvise(wipe, LEN, MADV_WIPEONFORK)));
	expect(line, "advice: wipe=ok");
	snprintf(line, sizeof(line), "advice: dontfork=%s",
		 err(madvise(dontfork, LEN, MADV_DONTFORK)));
	expect(line, "advice: dontfork=ok");
	snprintf(line, sizeof(line), "advice: kept=%s",
		 err(madvise(kept, LEN, MADV_WIPEONFORK) || madvise(kept, LEN, MADV_KEEPONFORK)));
	expect(line, "advice: kept=ok");
	snprintf(line, sizeof(line), "advice: dofork=%s",
		 err(madvise(dofork, LEN, MADV_DONTFORK) || madvise(dofork, LEN, MADV_DOFORK)));
	expect(line, "advice: dofork=ok");
	snprintf(line, sizeof(line), "advice: part=%s", err(madvise(part + MIB, MIB, MADV_WIPEONFORK)));
	expect(line, "advice: part=ok");
	snprintf(line, sizeof(line), "advice: unaligned=%s",
		 err(madvise(part + 1, MIB, MADV_WIPEONFORK)));
	expect(line, "advice: unaligned=EINVAL");
	/* A hole: ENOMEM, and the advice taken where there is memory. */
	snprintf(line, sizeof(line), "advice: holed=%s",
		 err(madvise(holed, 3 * MIB, MADV_WIPEONFORK)));
	expect(line, "advice: holed=ENOMEM");
	push_out();

	pid = fork();
	if (pid == 0) {
		pid_t grandchild;

		snprintf(line, sizeof(line),
			 "child: heap=%s wipe=%s kept=%s dofork=%s part=%s,%s,%s holed=%s,%s",
			 seen(heap, LEN, 1), seen(wipe, LEN, 2), seen(kept, LEN, 4),
			 seen(dofork, LEN, 5), seen(part, MIB, 6), seen_at(part, MIB, MIB, 6),
			 seen_at(part, 2 * MIB, MIB, 6), seen(holed, MIB, 8),
			 seen_at(holed, 2 * MIB, MIB, 8));
		expect(line, "child: heap=zeros wipe=zeros kept=data dofork=data part=data,zeros,data "
			     "holed=zeros,zeros");
		/* The advice is inherited: the child's own child wipes too. */
		fill_at(wipe, 0, LEN, 7);
		push_out();
		grandchild = fork();
		if (grandchild == 0)
			_exit(strcmp(seen(wipe, LEN, 7), "zeros") ? 3 : 0) ;
		waitpid(grandchild, &st, 0);
		snprintf(line, sizeof(line), "grandchild: %s, child still has %s", status(st),
			 seen(wipe, LEN, 7));
		expect(line, "grandchild: exit 0, child still has data");
		_exit(errors ? 1 : 0);
	}
	waitpid(pid, &st, 0);
	snprintf(line, sizeof(line), "first child: %s", status(st));
	expect(line, "first child: exit 0");

	/* A child touching the range it was not given dies of SIGSEGV. */
	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		((volatile char *)dontfork)[LEN / 2]++;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	snprintf(line, sizeof(line), "dontfork child: %s", status(st));
	expect(line, "dontfork child: signal 11");

	push_out();
	snprintf(line, sizeof(line), "parent: heap=%s wipe=%s dontfork=%s kept=%s dofork=%s part=%s",
		 seen(heap, LEN, 1), seen(wipe, LEN, 2), seen(dontfork, LEN, 3), seen(kept, LEN, 4),
		 seen(dofork, LEN, 5), seen(part, 3 * MIB, 6));
	expect(line, "parent: heap=data wipe=data dontfork=data kept=data dofork=data part=data");
	return errors ? 1 : 0;
}
