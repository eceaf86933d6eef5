/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sampler.h - the thread that samples what is not counted event by event:
 * the zone's list lengths and the swap used into the counters, and the
 * timeline (sampler.c).
 */
#ifndef UPAGE_SAMPLER_H
#define UPAGE_SAMPLER_H

/* Start it (at start-up, and in a forked child: threads do not survive
 * fork).  0 or -errno; without it the counters still count, but the
 * sampled values stay as they were and the timeline stays empty. */
int sampler_start(void);

#endif /* UPAGE_SAMPLER_H */
