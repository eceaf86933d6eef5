// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls - system calls whose buffers are not resident: the kernel, not
 * the program, takes the page faults.  write(2) and send(2) from paged-out
 * memory, read(2), fread(3) and recv(2) into paged-out memory, each in one
 * large call, each checked byte for byte.  Run under a cap well below the
 * buffers' size so they are paged out between steps.
 *
 * usage: syscalls DIR SIZE_MIB
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static size_t size;

static uint64_t word(uint64_t salt, uint64_t i)
{
	uint64_t x = (i + salt) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

static void fill(uint64_t *b, uint64_t salt)
{
	for (size_t i = 0; i < size / 8; i++)
		b[i] = word(salt, i);
}

static int check(const uint64_t *b, uint64_t salt, const char *what)
{
	for (size_t i = 0; i < size / 8; i++) {
		if (b[i] != word(salt, i)) {
			fprintf(stderr, "syscalls: %s: word %zu is %#llx, expected %#llx\n", what, i,
				(unsigned long long)b[i], (unsigned long long)word(salt, i));
			return 1;
		}
	}
	return 0;
}

/* Touch other memory so the buffers are paged out. */
static void push_out(void)
{
	static uint8_t *filler;

	if (!filler)
		filler = malloc(2 * size);
	for (size_t i = 0; i < 2 * size; i += 4096)
		filler[i] = (uint8_t)i;
}

static int full_write(int fd, const void *p, size_t len, const char *what)
{
	ssize_t n = write(fd, p, len);

	if (n != (ssize_t)len) {
		fprintf(stderr, "syscalls: %s wrote %zd of %zu: %m\n", what, n, len);
		return 1;
	}
	return 0;
}

struct sender {
	int fd;
	const void *buf;
	int ret;
};

static void *send_all(void *arg)
{
	struct sender *s = arg;
	size_t done = 0;

	while (done < size) {
		ssize_t n = send(s->fd, (const char *)s->buf + done, size - done, 0);

		if (n <= 0) {
			perror("syscalls: send");
			s->ret = 1;
			return NULL;
		}
		done += n;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char path[4096];
	uint64_t *src, *dst, *dst2;
	int fd, sv[2], errors = 0;
	FILE *f;
	pthread_t t;
	struct sender s;

	if (argc < 3)
		return 2;
	size = strtoul(argv[2], NULL, 0) << 20;
	snprintf(path, sizeof(path), "%s/syscalls.data", argv[1]);
	src = malloc(size);
	dst = malloc(size);
	dst2 = malloc(size);
	if (!src || !dst || !dst2)
		return 2;
	fill(src, 1);
	memset(dst, 0xee, size);
	memset(dst2, 0xdd, size);
	push_out();

	/* write(2) from paged-out memory */
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 2;
	errors += full_write(fd, src, size, "write from paged-out memory");
	push_out();

	/* read(2) into paged-out memory */
	if (pread(fd, dst, size, 0) != (ssize_t)size) {
		fprintf(stderr, "syscalls: read into paged-out memory failed: %m\n");
		errors++;
	} else {
		errors += check(dst, 1, "read into paged-out memory");
	}
	close(fd);
	push_out();

	/* fread(3) into paged-out memory */
	f = fopen(path, "rb");
	if (!f || fread(dst2, 1, size, f) != size) {
		fprintf(stderr, "syscalls: fread into paged-out memory failed\n");
		errors++;
	} else {
		errors += check(dst2, 1, "fread into paged-out memory");
	}
	if (f)
		fclose(f);
	unlink(path);
	push_out();

	/* send(2) from and recv(2) into paged-out memory */
	fill(src, 2);
	memset(dst, 0, size);
	push_out();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 2;
	s = (struct sender){ .fd = sv[0], .buf = src };
	pthread_create(&t, NULL, send_all, &s);
	for (size_t done = 0; done < size;) {
		ssize_t n = recv(sv[1], (char *)dst + done, size - done, MSG_WAITALL);

		if (n <= 0) {
			fprintf(stderr, "syscalls: recv into paged-out memory failed: %m\n");
			errors++;
			break;
		}
		done += n;
	}
	pthread_join(t, NULL);
	errors += s.ret + check(dst, 2, "recv into paged-out memory");
	if (errors)
		return 1;
	printf("syscalls: write, read, fread, send, recv of %zu MiB paged-out buffers: intact\n",
	       size >> 20);
	return 0;
}
