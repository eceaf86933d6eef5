// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * outbuf.c - formatted output into a fixed buffer (outbuf.h), flushed to a
 * descriptor or kept as a string.  vsnprintf of integers and strings
 * allocates nothing; no floating point is formatted through here.
 */
#include "autoconfig.h"

#include "outbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void outbuf_init_fd(struct outbuf *o, int fd, char *buf, size_t cap)
{
	*o = (struct outbuf){ .buf = buf, .cap = cap, .fd = fd };
}

void outbuf_init_str(struct outbuf *o, char *buf, size_t cap)
{
	*o = (struct outbuf){ .buf = buf, .cap = cap, .fd = -1 };
	if (buf && cap)
		buf[0] = '\0';
}

static void write_out(struct outbuf *o)
{
	const char *p = o->buf;
	size_t n = o->len;

	while (n && !o->err) {
		ssize_t w = write(o->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			o->err = -errno;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	o->len = 0;
}

void outbuf_put(struct outbuf *o, const char *s, size_t n)
{
	o->total += n;
	while (n) {
		size_t room, k;

		/* A string keeps its last byte for the NUL. */
		room = o->fd >= 0 ? o->cap - o->len : (o->cap ? o->cap - 1 - o->len : 0);
		if (room == 0) {
			if (o->fd < 0)
				return;		/* cut, as snprintf */
			write_out(o);
			continue;
		}
		k = n < room ? n : room;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

void outbuf_printf(struct outbuf *o, const char *fmt, ...)
{
	char item[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= (int)sizeof(item))
		n = sizeof(item) - 1;
	outbuf_put(o, item, (size_t)n);
}

int outbuf_flush(struct outbuf *o)
{
	if (o->fd >= 0)
		write_out(o);
	else if (o->cap)
		o->buf[o->len] = '\0';
	return o->err;
}
