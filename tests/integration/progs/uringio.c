// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uringio - io_uring (liburing) reads and writes into paged-out heap
 * buffers: IORING_OP_READ and _WRITE, READV and WRITEV with the iovecs in
 * the heap too, registered heap buffers with READ_FIXED and WRITE_FIXED,
 * a read from a pipe left pending while the heap is paged out, while
 * another request of the same user_data completes.  The heap is paged out
 * (push_out) before each submission; each case prints the counts and
 * whether the bytes are the ones written, one line, compared with the
 * kernel's own transcript by uring_io.sh.
 *
 * `uringio dup` runs the same cases on a ring known only by a duplicate
 * of its descriptor (the one io_uring_setup gave closed, its number taken
 * by a second ring).  Built as uringio_static, liburing is linked in, and
 * makes its system calls from the program's own text.  With
 * URINGIO_ADDRS set, the registered buffers' addresses and lengths are
 * written to that file (uring_io.sh checks they lie in upage's arena).
 *
 * `uringio sqpoll` prints what io_uring_setup with IORING_SETUP_SQPOLL
 * says instead (under the trap engines: EINVAL, refused loudly).
 */
#define PROG "uringio"
#include "transcript.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <liburing.h>
#include <sys/uio.h>
#include <unistd.h>

#define BUF	(256 * 1024)
#define NBUF	8

static struct io_uring ring;

/* Fill @p with the pattern of @seed. */
static void fill(void *p, size_t len, unsigned seed)
{
	uint64_t *w = p;

	for (size_t i = 0; i < len / 8; i++)
		w[i] = word(i, seed);
}

static bool same(const void *p, size_t len, unsigned seed)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < len / 8; i++)
		if (w[i] != word(i, seed))
			return false;
	return true;
}

/* An entry whose user_data is 0 (prep leaves it alone). */
static struct io_uring_sqe *sqe0(void)
{
	struct io_uring_sqe *s = io_uring_get_sqe(&ring);

	s->user_data = 0;
	return s;
}

/* Submit what is queued, wait for @n completions; their results (by
 * user_data, 0 .. n-1) in @res. */
static int run(unsigned n, int *res)
{
	int ret;

	for (unsigned i = 0; i < n; i++)
		res[i] = -EBADMSG;	/* no completion for it */
	ret = io_uring_submit(&ring);

	if (ret != (int)n)
		return ret < 0 ? ret : -EIO;
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe;

		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret)
			return ret;
		if (cqe->user_data < n)
			res[cqe->user_data] = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	return 0;
}

static void report(const char *what, int ret, const int *res, unsigned n, size_t want, bool ok)
{
	char line[256], want_line[256];
	size_t total = 0;

	if (ret)
		snprintf(line, sizeof(line), "%s: %s", what, strerror(-ret));
	else {
		for (unsigned i = 0; i < n; i++)
			total += res[i] < 0 ? 0 : (size_t)res[i];
		snprintf(line, sizeof(line), "%s: %u requests, %zu bytes, first %d, %s", what, n,
			 total, res[0], ok ? "bytes as written" : "BYTES DIFFER");
	}
	snprintf(want_line, sizeof(want_line), "%s: %u requests, %zu bytes, first %d, %s", what, n,
		 want * n, (int)want, "bytes as written");
	expect(line, want_line);
}

/* IORING_OP_WRITE from paged-out buffers, then IORING_OP_READ back into
 * other paged-out buffers. */
static void read_write(int fd)
{
	char *out[NBUF], *in[NBUF];
	int res[NBUF], ret;
	bool ok = true;

	for (int i = 0; i < NBUF; i++) {
		out[i] = malloc(BUF);
		in[i] = malloc(BUF);
		fill(out[i], BUF, 10 + i);
		memset(in[i], 0x5a, BUF);
	}
	push_out();
	for (int i = 0; i < NBUF; i++) {
		struct io_uring_sqe *s = io_uring_get_sqe(&ring);

		io_uring_prep_write(s, fd, out[i], BUF, (off_t)i * BUF);
		s->user_data = i;
	}
	ret = run(NBUF, res);
	report("write", ret, res, NBUF, BUF, true);
	push_out();
	for (int i = 0; i < NBUF; i++) {
		struct io_uring_sqe *s = io_uring_get_sqe(&ring);

		io_uring_prep_read(s, fd, in[i], BUF, (off_t)i * BUF);
		s->user_data = i;
	}
	ret = run(NBUF, res);
	for (int i = 0; i < NBUF; i++)
		ok = ok && same(in[i], BUF, 10 + i);
	report("read", ret, res, NBUF, BUF, ok);
	for (int i = 0; i < NBUF; i++) {
		free(out[i]);
		free(in[i]);
	}
}

/* READV and WRITEV, the iovec arrays in the heap as well. */
static void vectored(int fd)
{
	struct iovec *v = malloc(NBUF * sizeof(*v));
	int res[1], ret;
	bool ok = true;

	for (int i = 0; i < NBUF; i++) {
		v[i].iov_base = malloc(BUF);
		v[i].iov_len = BUF;
		fill(v[i].iov_base, BUF, 30 + i);
	}
	push_out();
	io_uring_prep_writev(sqe0(), fd, v, NBUF, 0);
	ret = run(1, res);
	report("writev", ret, res, 1, NBUF * BUF, true);
	for (int i = 0; i < NBUF; i++)
		memset(v[i].iov_base, 0, BUF);
	push_out();
	io_uring_prep_readv(sqe0(), fd, v, NBUF, 0);
	ret = run(1, res);
	for (int i = 0; i < NBUF; i++)
		ok = ok && same(v[i].iov_base, BUF, 30 + i);
	report("readv", ret, res, 1, NBUF * BUF, ok);
	for (int i = 0; i < NBUF; i++)
		free(v[i].iov_base);
	free(v);
}

/* Say where the registered buffers are (see URINGIO_ADDRS above). */
static void log_addrs(const struct iovec *v, int n)
{
	const char *path = getenv("URINGIO_ADDRS");
	FILE *f = path ? fopen(path, "a") : NULL;

	for (int i = 0; f && i < n; i++)
		fprintf(f, "%p %zu\n", v[i].iov_base, v[i].iov_len);
	if (f)
		fclose(f);
}

/* Registered heap buffers: WRITE_FIXED, READ_FIXED, with the heap paged
 * out between (the registered pages must stay the ones the kernel uses).
 * They are carved from one allocation larger than the first extent
 * jemalloc maps before upage starts (about 2 MiB, outside the arena), so
 * that they lie in the arena and are paged. */
static void fixed(int fd)
{
	char *block = malloc(3 << 20);
	struct iovec v[2];
	int res[2], ret;
	bool ok;

	for (int i = 0; i < 2; i++) {
		v[i].iov_base = block + (size_t)(2 * i + 1) * BUF;
		v[i].iov_len = BUF;
		fill(v[i].iov_base, BUF, 50 + i);
	}
	log_addrs(v, 2);
	push_out();
	ret = io_uring_register_buffers(&ring, v, 2);
	if (ret) {
		report("register", ret, res, 2, BUF, false);
		return;
	}
	push_out();
	io_uring_prep_write_fixed(sqe0(), fd, v[0].iov_base, BUF, 0, 0);
	ret = run(1, res);
	report("write_fixed", ret, res, 1, BUF, true);
	/* v[0]'s bytes written at 0; now read them into v[1] */
	memset(v[1].iov_base, 0, BUF);
	push_out();
	io_uring_prep_read_fixed(sqe0(), fd, v[1].iov_base, BUF, 0, 1);
	ret = run(1, res);
	ok = same(v[1].iov_base, BUF, 50) && same(v[0].iov_base, BUF, 50);
	report("read_fixed", ret, res, 1, BUF, ok);
	/* and the program's own writes to a registered buffer reach the file */
	fill(v[0].iov_base, BUF, 52);
	push_out();
	io_uring_prep_write_fixed(sqe0(), fd, v[0].iov_base, BUF, BUF, 0);
	ret = run(1, res);
	{
		char *check = malloc(BUF);

		ok = pread(fd, check, BUF, BUF) == BUF && same(check, BUF, 52);
		free(check);
	}
	report("write_fixed again", ret, res, 1, BUF, ok);
	ret = io_uring_unregister_buffers(&ring);
	expect(ret ? "unregister: failed" : "unregister: 0", "unregister: 0");
	free(block);
}

/* A read from a pipe, pending while the heap is paged out, then fed; a
 * read of the file under the same user_data completes first (its
 * completion must not release the pending one's buffer). */
static void pending(int fd)
{
	char *in = malloc(BUF), *out = malloc(BUF), *other = malloc(BUF);
	int p[2], res[2] = { -EBADMSG, -EBADMSG }, ret;
	struct io_uring_sqe *s;
	struct io_uring_cqe *cqe;

	if (pipe(p))
		return;
	fcntl(p[0], F_SETPIPE_SZ, BUF);
	memset(in, 0, BUF);
	memset(other, 0, BUF);
	fill(out, 64 * 1024, 70);
	push_out();
	s = io_uring_get_sqe(&ring);
	io_uring_prep_read(s, p[0], in, 64 * 1024, 0);
	io_uring_sqe_set_data64(s, 7);
	s = io_uring_get_sqe(&ring);
	io_uring_prep_read(s, fd, other, BUF, 0);
	io_uring_sqe_set_data64(s, 7);
	io_uring_submit(&ring);
	ret = io_uring_wait_cqe(&ring, &cqe);	/* the file's */
	if (ret == 0) {
		res[1] = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	report("file read", ret, res + 1, 1, BUF, same(other, BUF, 50));
	if (io_uring_peek_cqe(&ring, &cqe) == 0)
		expect("pipe read: done early", "pipe read: in flight");
	push_out();	/* the pipe's read is in flight */
	push_out();
	ret = write(p[1], out, 64 * 1024) == 64 * 1024 ? 0 : -EIO;
	if (ret == 0) {
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret == 0) {
			res[0] = cqe->res;
			io_uring_cqe_seen(&ring, cqe);
		}
	}
	report("pipe read", ret, res, 1, 64 * 1024, same(in, 64 * 1024, 70));
	close(p[0]);
	close(p[1]);
	free(in);
	free(out);
	free(other);
}

static int sqpoll(void)
{
	struct io_uring r;
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL, .sq_thread_idle = 100 };
	int ret = io_uring_queue_init_params(8, &r, &p);

	printf("sqpoll: %s\n", ret ? strerror(-ret) : "ok");
	if (!ret)
		io_uring_queue_exit(&r);
	return 0;
}

/* Move the ring to a duplicate of its descriptor, close the one
 * io_uring_setup gave, and set up a second ring (@other), which takes
 * that number. */
static int dup_ring(struct io_uring *other)
{
	int old = ring.ring_fd, d = dup(old);

	if (d < 0 || close(old))
		return -1;
	ring.ring_fd = ring.enter_ring_fd = d;
	if (io_uring_queue_init(4, other, 0)) {
		printf("second ring: failed\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct io_uring other = { .ring_fd = -1 };
	char path[] = "/var/tmp/uringio.XXXXXX";
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];
	int fd, ret;

	if (argc > 1 && !strcmp(argv[1], "sqpoll"))
		return sqpoll();
	snprintf(tmpl, sizeof(tmpl), "%s/uringio.XXXXXX", dir ? dir : "/var/tmp");
	fd = mkstemp(dir ? tmpl : path);
	if (fd < 0)
		return 2;
	unlink(dir ? tmpl : path);
	ret = io_uring_queue_init(16, &ring, 0);
	if (ret) {
		printf("io_uring_queue_init: %s\n", strerror(-ret));
		return 2;
	}
	if (argc > 1 && !strcmp(argv[1], "dup") && dup_ring(&other))
		return 2;
	read_write(fd);
	vectored(fd);
	fixed(fd);
	pending(fd);
	io_uring_queue_exit(&ring);
	if (other.ring_fd >= 0)
		io_uring_queue_exit(&other);
	close(fd);
	return errors ? 1 : 0;
}
