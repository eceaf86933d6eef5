// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * addrlock - accept, getsockname and getpeername with the address and its
 * length in paged-out heap memory, and fcntl's record locks (F_SETLK,
 * F_GETLK, F_OFD_SETLK, F_OFD_GETLK) with the struct flock there: each
 * result compared with the kernel's on a stack buffer.  An alarm turns a
 * call that never returns into a failure.
 *
 * usage: addrlock DIR   (run under a cap of a few MiB: it touches 48 MiB)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE		4096
#define HEAP_PAGES	1024	/* 4 MiB: a fresh extent of the paged heap */

#include "push_out.h"

static char *heap;
static int errors;

/* A buffer in the heap: page @page, @off bytes before its end. */
static void *at(int page, size_t off)
{
	return heap + (size_t)(page + 1) * PAGE - off;
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "addrlock: " __VA_ARGS__);                                 \
			fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));              \
			errors++;                                                                  \
		}                                                                                  \
	} while (0)

static void t_sockets(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in mine, *addr = at(0, 8), *name = at(2, 4);
	socklen_t l = sizeof(mine), *alen = at(1, 2), *nlen = at(3, 2);
	int ls = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;

	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&sa, &l) ||
	    connect(c, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("addrlock: sockets");
		exit(2);
	}
	l = sizeof(mine);
	getsockname(c, (struct sockaddr *)&mine, &l);
	memset(addr, 0x5a, sizeof(*addr));
	*alen = sizeof(*addr);
	push_out();
	s = accept(ls, (struct sockaddr *)addr, alen);
	CHECK(s >= 0 && *alen == l && memcmp(addr, &mine, l) == 0,
	      "accept into paged-out memory");
	memset(name, 0x5a, sizeof(*name));
	*nlen = sizeof(*name);
	push_out();
	CHECK(getsockname(ls, (struct sockaddr *)name, nlen) == 0 && *nlen == sizeof(sa) &&
		      memcmp(name, &sa, sizeof(sa)) == 0,
	      "getsockname into paged-out memory");
	memset(name, 0x5a, sizeof(*name));
	*nlen = sizeof(*name);
	push_out();
	CHECK(getpeername(s, (struct sockaddr *)name, nlen) == 0 && *nlen == l &&
		      memcmp(name, &mine, l) == 0,
	      "getpeername into paged-out memory");
	close(s);
	close(c);
	close(ls);
}

/* A child holds a write lock on bytes 10-19; F_GETLK and F_OFD_GETLK on
 * paged-out struct flocks must describe it. */
static void t_locks(const char *dir)
{
	char path[4096];
	struct flock *fl = at(4, 16), *ofd = at(5, 8);
	int fd, p[2], q[2], fd2;
	pid_t pid;
	char c;

	snprintf(path, sizeof(path), "%s/addrlock.data", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4096) || pipe(p) || pipe(q))
		exit(2);
	pid = fork();
	if (pid == 0) {
		struct flock *mine = at(6, 10);

		*mine = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10,
					.l_len = 10 };
		push_out();
		if (fcntl(fd, F_SETLK, mine)) {
			perror("addrlock: F_SETLK from paged-out memory");
			_exit(1);
		}
		close(q[1]);
		if (write(p[1], "l", 1) != 1 || read(q[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	if (read(p[0], &c, 1) != 1) {
		CHECK(0, "the child could not take its lock");
		close(q[1]);
		waitpid(pid, NULL, 0);
		return;
	}
	*fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 100 };
	push_out();
	CHECK(fcntl(fd, F_GETLK, fl) == 0 && fl->l_type == F_WRLCK && fl->l_start == 10 &&
		      fl->l_len == 10 && fl->l_pid == pid,
	      "F_GETLK into paged-out memory: type %d start %ld len %ld pid %d", fl->l_type,
	      (long)fl->l_start, (long)fl->l_len, fl->l_pid);
	fd2 = open(path, O_RDWR);
	*ofd = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 15, .l_len = 1 };
	push_out();
	CHECK(fcntl(fd2, F_OFD_GETLK, ofd) == 0 && ofd->l_type == F_WRLCK && ofd->l_start == 10 &&
		      ofd->l_len == 10 && ofd->l_pid == pid,
	      "F_OFD_GETLK into paged-out memory: type %d start %ld len %ld pid %d", ofd->l_type,
	      (long)ofd->l_start, (long)ofd->l_len, ofd->l_pid);
	*ofd = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 30, .l_len = 5 };
	push_out();
	CHECK(fcntl(fd2, F_OFD_SETLK, ofd) == 0, "F_OFD_SETLK from paged-out memory");
	*ofd = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 12, .l_len = 1 };
	push_out();
	CHECK(fcntl(fd2, F_OFD_SETLK, ofd) == -1 && (errno == EAGAIN || errno == EACCES),
	      "F_OFD_SETLK over the child's lock did not fail as the kernel's");
	close(q[1]);	/* the child exits */
	close(p[0]);
	waitpid(pid, NULL, 0);
	close(fd2);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	heap = malloc(HEAP_PAGES * PAGE);
	if (!heap)
		return 2;
	memset(heap, 0x33, HEAP_PAGES * PAGE);
	alarm(60);
	t_sockets();
	t_locks(argv[1]);
	if (errors)
		fprintf(stderr, "addrlock: %d failed\n", errors);
	return errors ? 1 : 0;
}
