// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * heapio - a program a tracer or debugger watches: write SIZE MiB with a
 * pattern, print "heap ADDRESS BYTES PID", then make ITERS write(2) calls
 * of 64 bytes from random pages of the heap to /dev/null (a tracer reads
 * each buffer), checking each page's first word.  With HEAPIO_PAUSE=FILE
 * it creates FILE.ready before the writes and waits for FILE to exist.
 * Exit 0 when all is intact, 1 at a wrong word, 2 when a call failed.
 *
 * usage: heapio SIZE_MIB ITERS
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t pattern(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29) ^ 0x5555aaaa5555aaaaULL;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
	long iters = argc > 2 ? strtol(argv[2], NULL, 0) : 10000;
	size_t n = mib * (1 << 20) / sizeof(uint64_t), pages = n / 512;
	const char *pause_file = getenv("HEAPIO_PAUSE");
	uint64_t *buf = malloc(n * sizeof(uint64_t)), seed = 1;
	int fd = open("/dev/null", O_WRONLY);

	if (!buf || fd < 0)
		return 2;
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(i);
	printf("heap %#lx %zu %d\n", (unsigned long)buf, n * sizeof(uint64_t), (int)getpid());
	fflush(stdout);
	if (pause_file) {
		char ready[4096];
		FILE *f;

		snprintf(ready, sizeof(ready), "%s.ready", pause_file);
		f = fopen(ready, "w");
		if (f)
			fclose(f);
		while (access(pause_file, F_OK))
			usleep(20000);
	}
	for (long k = 0; k < iters; k++) {
		size_t i;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (size_t)(seed >> 33) % pages * 512;
		ssize_t w = write(fd, &buf[i], 64);

		if (w != 64) {
			fprintf(stderr, "heapio: write of 64 bytes from the heap returned %zd (%s)\n",
				w, w < 0 ? strerror(errno) : "short");
			return 2;
		}
		if (buf[i] != pattern(i)) {
			fprintf(stderr, "heapio: word %zu is %#llx\n", i, (unsigned long long)buf[i]);
			return 1;
		}
	}
	printf("heapio: %ld writes from a %zu MiB heap: intact\n", iters, mib);
	return 0;
}
