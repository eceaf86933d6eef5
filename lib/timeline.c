// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timeline.c - the timeline ring (timeline.h): appended by one writer
 * under a sequence count, read by anyone.
 *
 * The writer makes seq odd, changes the samples, makes it even again;
 * a reader copies between two reads of seq and keeps the copy only if
 * both were the same even number.  No lock, so nothing to re-initialise
 * in a forked child and nothing a reader in another process can hold.
 */
#include "autoconfig.h"

#include "timeline.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

#define READ_TRIES	100

static void write_begin(struct upage_timeline *tl)
{
	__atomic_store_n(&tl->seq, tl->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void write_end(struct upage_timeline *tl)
{
	__atomic_store_n(&tl->seq, tl->seq + 1, __ATOMIC_RELEASE);
}

void timeline_reset(struct upage_timeline *tl)
{
	tl->seq &= ~1U;		/* a writer that died mid-write (fork) */
	write_begin(tl);
	tl->nr = 0;
	tl->interval_ms = TIMELINE_INTERVAL_MS;
	write_end(tl);
}

/* Keep samples 0, 2, 4, ...: the first stays the start of the run. */
static void compact(struct upage_timeline *tl)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < tl->nr; i += 2)
		tl->s[n++] = tl->s[i];
	tl->nr = n;
	tl->interval_ms *= 2;
}

void timeline_add(struct upage_timeline *tl, const struct upage_timeline_sample *s)
{
	write_begin(tl);
	if (tl->nr >= UPAGE_TIMELINE_LEN)
		compact(tl);
	tl->s[tl->nr++] = *s;
	write_end(tl);
}

int timeline_read(const struct upage_timeline *tl, struct upage_timeline *copy)
{
	for (int i = 0; i < READ_TRIES; i++) {
		uint32_t seq = __atomic_load_n(&tl->seq, __ATOMIC_ACQUIRE), nr;

		if (seq & 1) {
			sched_yield();
			continue;
		}
		nr = __atomic_load_n(&tl->nr, __ATOMIC_RELAXED);
		if (nr > UPAGE_TIMELINE_LEN)
			nr = UPAGE_TIMELINE_LEN;
		copy->interval_ms = __atomic_load_n(&tl->interval_ms, __ATOMIC_RELAXED);
		memcpy(copy->s, tl->s, nr * sizeof(tl->s[0]));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&tl->seq, __ATOMIC_RELAXED) == seq) {
			copy->seq = seq;
			copy->nr = nr;
			return 0;
		}
	}
	copy->nr = 0;
	return -EAGAIN;
}
