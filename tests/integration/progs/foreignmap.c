// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * foreignmap - the kernel's own mappings placed MAP_FIXED over heap
 * memory whose pages are paged out: a file mapped over part of a
 * mapping (as the JVM maps its class data archive), then mprotect,
 * read(2) and write(2) on it, munmap (a touch afterwards faults, a write
 * never reaches the file) and an anonymous MAP_FIXED in its place; and a
 * memfd mapped twice, MAP_SHARED | MAP_FIXED, into an anonymous
 * reservation (the classic ring buffer): both views one memory, and gone
 * from /proc/self/maps after munmap.  Each step prints one line, so the
 * transcript under upage can be compared with the kernel's own; the
 * program also fails on a difference from what the kernel documents.
 *
 * usage: foreignmap DIR   (run under a cap of a few MiB: it touches 48 MiB)
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PROG "foreignmap"
#include "transcript.h"

#define RING	(1 * MIB)
#define RING_NAME "foreignmap-ring"

static sigjmp_buf env;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

static const char *touch(volatile char *p, int write)
{
	if (sigsetjmp(env, 1))
		return "segv";
	if (write)
		*p = 'x';
	else
		(void)*p;
	return "ok";
}

static const char *err(long ret)
{
	static char buf[32];

	if (ret >= 0)
		return "ok";
	snprintf(buf, sizeof(buf), "%s", errno == ENOMEM ? "ENOMEM" : errno == EFAULT ? "EFAULT"
					 : errno == EINVAL ? "EINVAL" : strerror(errno));
	return buf;
}

static const char *mapped(void *p)
{
	return p == MAP_FAILED ? err(-1) : "ok";
}

/* Lines of /proc/self/maps naming @what. */
static int maps_lines(const char *what)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return n;
}

static char *anon(size_t len, int prot)
{
	char *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("foreignmap: mmap");
		exit(2);
	}
	return p;
}

/* A file of @len bytes holding the pattern of @seed. */
static int pattern_file(const char *dir, const char *name, size_t len, unsigned seed)
{
	char path[4096], *buf = malloc(len);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	fill_at(buf, 0, len, seed);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		perror("foreignmap: pattern file");
		exit(2);
	}
	free(buf);
	return fd;
}

/* The JVM's class data archive: a file over the middle of a mapping. */
static void t_file_over_heap(const char *dir)
{
	char *h = anon(16 * MIB, PROT_READ | PROT_WRITE), *m, line[512];
	char *buf = malloc(MIB), *sink;
	int fd = pattern_file(dir, "archive", 4 * MIB, 2), out;
	const char *r, *w, *u;

	fill_at(h, 0, 16 * MIB, 1);
	push_out();
	m = mmap(h + 4 * MIB, 4 * MIB, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	push_out();
	snprintf(line, sizeof(line), "archive: map=%s file=%s below=%s above=%s", mapped(m),
		 m == MAP_FAILED ? "-" : seen_at(m, 0, 4 * MIB, 2), seen_at(h, 0, 4 * MIB, 1),
		 seen_at(h, 8 * MIB, 8 * MIB, 1));
	expect(line, "archive: map=ok file=data below=data above=data");

	/* write(2) from it, read(2) into it once writable. */
	out = open(dir, O_TMPFILE | O_RDWR, 0600);
	snprintf(line, sizeof(line), "archive: readonly-write=%s", touch(m + MIB, 1));
	expect(line, "archive: readonly-write=segv");
	w = err(write(out, m + MIB, MIB) == (ssize_t)MIB ? 0 : -1);
	if (pread(out, buf, MIB, 0) != (ssize_t)MIB)
		memset(buf, 0, MIB);
	sink = malloc(MIB);
	memcpy(sink, m + MIB, MIB);
	u = err(mprotect(m, 4 * MIB, PROT_READ | PROT_WRITE));
	snprintf(line, sizeof(line), "archive: write=%s same=%s mprotect=%s", w,
		 memcmp(buf, sink, MIB) ? "no" : "yes", u);
	expect(line, "archive: write=ok same=yes mprotect=ok");
	push_out();
	r = err(pread(fd, m + 2 * MIB, MIB, 0) == (ssize_t)MIB ? 0 : -1);
	snprintf(line, sizeof(line), "archive: read=%s got=%s written=%s", r,
		 memcmp(m + 2 * MIB, m, MIB) ? "bad" : "ok", touch(m + 3 * MIB, 1));
	expect(line, "archive: read=ok got=ok written=ok");

	/* munmap: gone (a touch faults); then an anonymous MAP_FIXED. */
	u = err(munmap(m, 4 * MIB));
	snprintf(line, sizeof(line), "archive: munmap=%s after=%s", u, touch(h + 5 * MIB, 0));
	expect(line, "archive: munmap=ok after=segv");
	m = mmap(h + 4 * MIB, 4 * MIB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	r = m == MAP_FAILED ? "-" : seen_at(m, 0, 4 * MIB, 3);
	if (m != MAP_FAILED)
		fill_at(h, 4 * MIB, 4 * MIB, 3);
	push_out();
	snprintf(line, sizeof(line), "archive: anon=%s was=%s kept=%s rest=%s", mapped(m), r,
		 m == MAP_FAILED ? "-" : seen_at(h, 4 * MIB, 4 * MIB, 3),
		 seen_at(h, 8 * MIB, 8 * MIB, 1));
	expect(line, "archive: anon=ok was=zeros kept=data rest=data");
	munmap(h, 16 * MIB);
	close(fd);
	close(out);
	free(buf);
	free(sink);
}

/* A shared file mapping: writes reach the file until munmap, not after. */
static void t_shared_file(const char *dir)
{
	char *h = anon(4 * MIB, PROT_READ | PROT_WRITE), *m, line[256];
	int fd = pattern_file(dir, "shared", MIB, 4);
	char c = 0, d = 0;
	const char *u;

	fill_at(h, 0, 4 * MIB, 5);
	push_out();
	m = mmap(h + MIB, MIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	m[100] = 'A';
	madvise(m, MIB, MADV_DONTNEED);	/* a shared file's data stays */
	if (pread(fd, &c, 1, 100) != 1)
		c = '?';
	snprintf(line, sizeof(line), "shared: map=%s write=%c kept=%c", mapped(m), c, m[100]);
	expect(line, "shared: map=ok write=A kept=A");
	u = err(munmap(m, MIB));
	snprintf(line, sizeof(line), "shared: munmap=%s after=%s", u, touch(h + MIB + 200, 1));
	if (pread(fd, &d, 1, 200) != 1)
		d = '?';
	expect(line, "shared: munmap=ok after=segv");
	snprintf(line, sizeof(line), "shared: file=%s rest=%s,%s",
		 d == ((const char *)&(uint64_t){ word(25, 4) })[0] ? "untouched" : "written",
		 seen_at(h, 0, MIB, 5), seen_at(h, 2 * MIB, 2 * MIB, 5));
	expect(line, "shared: file=untouched rest=data,data");
	munmap(h, 4 * MIB);
	close(fd);
}

/* The ring buffer: one memfd mapped twice, back to back. */
static void t_ring(void)
{
	char *base = mmap(NULL, 2 * RING, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int mfd = memfd_create(RING_NAME, MFD_CLOEXEC), p[2], n;
	char *a, *b, line[256], got[16];
	const char *w, *r;

	if (mfd < 0 || ftruncate(mfd, RING) || pipe(p)) {
		perror("foreignmap: memfd");
		exit(2);
	}
	a = mmap(base, RING, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, mfd, 0);
	b = mmap(base + RING, RING, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, mfd, 0);
	memcpy(base + RING - 8, "wrappingaround!", 16);
	push_out();
	n = maps_lines(RING_NAME);
	snprintf(line, sizeof(line), "ring: maps=%s,%s lines=%d wrapped=%s", mapped(a), mapped(b),
		 n, memcmp(base, "around!", 8) ? "no" : "yes");
	expect(line, "ring: maps=ok,ok lines=2 wrapped=yes");
	w = err(write(p[1], base + RING - 8, 16) == 16 ? 0 : -1);
	if (read(p[0], got, 16) != 16)
		memset(got, 0, sizeof(got));
	r = err(write(p[1], "0123456789abcdef", 16) == 16 && read(p[0], b + 100, 16) == 16 ? 0 : -1);
	snprintf(line, sizeof(line), "ring: write=%s %s read=%s seen=%s", w,
		 memcmp(got, "wrappingaround!", 16) ? "bad" : "same", r,
		 memcmp(a + 100, "0123456789abcdef", 16) ? "no" : "yes");
	expect(line, "ring: write=ok same read=ok seen=yes");
	w = err(munmap(base, 2 * RING));
	n = maps_lines(RING_NAME);
	snprintf(line, sizeof(line), "ring: munmap=%s lines=%d after=%s", w, n, touch(base, 0));
	expect(line, "ring: munmap=ok lines=0 after=segv");
	close(mfd);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_NODEFER };

	if (argc != 2) {
		fprintf(stderr, "usage: foreignmap DIR\n");
		return 2;
	}
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	t_file_over_heap(argv[1]);
	t_shared_file(argv[1]);
	t_ring();
	return errors ? 1 : 0;
}
