/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outbuf.h - formatted output into a fixed buffer, without malloc.
 *
 * The report and the summary are written at exit from inside the
 * program, where malloc is the program's allocator (and the arena's):
 * they go through a buffer the caller owns, flushed to a descriptor with
 * write(2) whenever it fills, so output of any length needs no more
 * memory than the buffer.  Without a descriptor the buffer is a string,
 * as snprintf's: cut where it is full, and the length it needed counted.
 *
 * Not thread safe: one writer per outbuf.
 */
#ifndef UPAGE_OUTBUF_H
#define UPAGE_OUTBUF_H

#include <stddef.h>

struct outbuf {
	char *buf;
	size_t cap;
	size_t len;		/* bytes in buf */
	size_t total;		/* bytes produced so far */
	int fd;			/* flushed there; -1: buf is a string */
	int err;		/* the first write error (-errno), kept */
};

/* Output to @fd through @buf (@cap bytes). */
void outbuf_init_fd(struct outbuf *o, int fd, char *buf, size_t cap);
/* Output into the string @buf (@cap bytes, NUL terminated; may be NULL, 0). */
void outbuf_init_str(struct outbuf *o, char *buf, size_t cap);

void outbuf_put(struct outbuf *o, const char *s, size_t n);
/* One item of at most 511 bytes: longer ones are cut. */
void outbuf_printf(struct outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write out what is buffered (a string: NUL terminate it).  Returns 0 or
 * the first error (-errno) any write met. */
int outbuf_flush(struct outbuf *o);

#endif /* UPAGE_OUTBUF_H */
