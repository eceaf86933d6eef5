/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * thrash.h - saying, once, that the program is thrashing (thrash.c).
 */
#ifndef UPAGE_THRASH_H
#define UPAGE_THRASH_H

#include <stdint.h>

/* One sample of the swap-ins so far at @t_ms (the sampler's clock).
 * Called by the sampler thread only. */
void thrash_sample(uint64_t t_ms, uint64_t swap_ins);

#endif /* UPAGE_THRASH_H */
