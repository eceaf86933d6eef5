// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rwcheck - write SIZE MiB with a pattern, then read it back PASSES times
 * and check every byte.  Exit 0 when all is intact, 1 at the first wrong
 * word (printed).
 *
 * usage: rwcheck SIZE_MIB [PASSES]
 *
 * With RWCHECK_PAUSE=FILE in the environment it creates FILE.ready once
 * everything is written, then waits for FILE to exist before reading (a
 * test can break the swap area in between).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void pause_point(void)
{
	const char *file = getenv("RWCHECK_PAUSE");
	char ready[4096];
	FILE *f;

	if (!file)
		return;
	snprintf(ready, sizeof(ready), "%s.ready", file);
	f = fopen(ready, "w");
	if (f)
		fclose(f);
	while (access(file, F_OK))
		usleep(20000);
}

static uint64_t pattern(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29) ^ 0x5555aaaa5555aaaaULL;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
	int passes = argc > 2 ? atoi(argv[2]) : 2;
	size_t n = mib * (1 << 20) / sizeof(uint64_t);
	uint64_t *buf = malloc(n * sizeof(uint64_t));

	if (!buf) {
		fprintf(stderr, "rwcheck: malloc of %zu MiB failed\n", mib);
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(i);
	pause_point();
	for (int p = 0; p < passes; p++) {
		for (size_t i = 0; i < n; i++) {
			if (buf[i] != pattern(i)) {
				fprintf(stderr, "rwcheck: pass %d: word %zu is %#llx, wrote %#llx\n", p,
					i, (unsigned long long)buf[i],
					(unsigned long long)pattern(i));
				return 1;
			}
		}
	}
	free(buf);
	printf("rwcheck: %zu MiB written and read back %d times: intact\n", mib, passes);
	return 0;
}
