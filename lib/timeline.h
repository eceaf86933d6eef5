/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timeline.h - the ring of samples over time kept in the counters (struct
 * upage_timeline in upage.h): the resident set and the swap counters
 * every interval, for the report's "timeline" and `upage plot`.
 *
 * A fixed array that covers the whole run: when it is full, every other
 * sample is dropped and the interval doubles, so a long run keeps a
 * coarser picture in the same memory.  One writer (the sampler thread);
 * readers, in this process or another, copy it under its sequence count.
 */
#ifndef UPAGE_TIMELINE_H
#define UPAGE_TIMELINE_H

#include <stdint.h>

#include <upage.h>

#define TIMELINE_INTERVAL_MS	100	/* the first interval */

/* Empty it, the interval back to TIMELINE_INTERVAL_MS.  Writer only. */
void timeline_reset(struct upage_timeline *tl);
/* Append @s (t_ms must not go back), compacting when full.  Writer only. */
void timeline_add(struct upage_timeline *tl, const struct upage_timeline_sample *s);
/* A consistent copy of @tl into @copy.  0, or -EAGAIN when the writer kept
 * changing it (or died while writing: a forked child's inherited copy). */
int timeline_read(const struct upage_timeline *tl, struct upage_timeline *copy);

#endif /* UPAGE_TIMELINE_H */
