// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_outbuf.c - formatted output through a fixed buffer (lib/outbuf.c):
 * to a descriptor in many flushes, and as a string cut like snprintf's.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "outbuf.h"

Test(outbuf, output_larger_than_the_buffer_reaches_the_fd_whole)
{
	int fd = memfd_create("outbuf-test", 0);
	char small[7], back[4096];
	struct outbuf o;
	ssize_t n;

	cr_assert_geq(fd, 0, "memfd_create");
	outbuf_init_fd(&o, fd, small, sizeof(small));
	for (int i = 0; i < 100; i++)
		outbuf_printf(&o, "%d,", i);
	cr_assert_eq(outbuf_flush(&o), 0, "writing to a memfd should not fail");
	n = pread(fd, back, sizeof(back) - 1, 0);
	cr_assert_eq((size_t)n, o.total, "every byte produced should be written");
	back[n] = '\0';
	cr_assert_eq(strncmp(back, "0,1,2,", 6), 0, "the output should start 0,1,2, got %s", back);
	cr_assert_not_null(strstr(back, ",98,99,"), "the output should end ...98,99, got %s", back);
	close(fd);
}

Test(outbuf, string_is_cut_and_counts_what_it_needed)
{
	char buf[8];
	struct outbuf o;

	outbuf_init_str(&o, buf, sizeof(buf));
	outbuf_printf(&o, "%s", "0123456789");
	outbuf_put(&o, "abc", 3);
	cr_assert_eq(outbuf_flush(&o), 0, "a string has no write to fail");
	cr_assert_str_eq(buf, "0123456", "the string should be cut and NUL terminated");
	cr_assert_eq(o.total, 13, "the length needed should be counted, got %zu", o.total);
}

Test(outbuf, write_error_is_kept)
{
	char buf[4];
	struct outbuf o;

	outbuf_init_fd(&o, 1000000, buf, sizeof(buf));	/* not a descriptor */
	outbuf_printf(&o, "%s", "more than four bytes");
	cr_assert_lt(outbuf_flush(&o), 0, "a write to a bad descriptor should be an error");
}
