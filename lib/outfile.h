/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outfile.h - a file upage writes at a path the user named (the JSON
 * report), created safely in a directory others may write to.
 */
#ifndef UPAGE_OUTFILE_H
#define UPAGE_OUTFILE_H

#include <limits.h>
#include <stddef.h>

/*
 * May @path be written?  0, or -errno with @why (a phrase, @whylen bytes)
 * saying what was found: an existing entry that is a directory, or that
 * belongs to another user in a sticky directory (a planted symlink in
 * /tmp).  Called at start-up for an early message, and again by
 * outfile_write.
 */
int outfile_check(const char *path, char *why, size_t whylen);

/* A file being written (outfile_open), until outfile_commit. */
struct outfile {
	int fd;			/* write the contents here */
	int dfd;		/* the directory */
	const char *base;	/* the last component of the caller's path */
	char dir[PATH_MAX];
	char tmp[NAME_MAX + 1];	/* the new file's name in dir */
};

/* A new file in @path's directory, to write into of->fd; 0 or -errno with
 * @why filled. */
int outfile_open(struct outfile *of, const char *path, char *why, size_t whylen);
/* Close it and, if @err is 0, rename it over the path (checked again);
 * else remove it.  0 or -errno with @why filled. */
int outfile_commit(struct outfile *of, int err, char *why, size_t whylen);

/*
 * Write @len bytes of @buf as the whole of @path: into a new file in the
 * same directory (O_EXCL | O_NOFOLLOW, mode 0644 less the umask), renamed
 * over @path once written.  A symlink at @path is replaced, never
 * followed; the file it pointed to is left alone.  0, or -errno with @why
 * filled.
 */
int outfile_write(const char *path, const void *buf, size_t len, char *why, size_t whylen);

#endif /* UPAGE_OUTFILE_H */
