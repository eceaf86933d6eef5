/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * as_limit.h - the arena and the frame pool sized within RLIMIT_AS
 * (as_limit.c).
 */
#ifndef UPAGE_AS_LIMIT_H
#define UPAGE_AS_LIMIT_H

#include <stdbool.h>

#include "config.h"

/*
 * Under a finite RLIMIT_AS, set cfg->arena_size and cfg->max_rss to what
 * the limit leaves (@arena_set: the user gave UPAGE_ARENA_SIZE, an upper
 * bound then), with one message when a value asked for is cut (if @tell:
 * the process `upage run` started, not what it executes).  0, or -ENOMEM
 * (after a message) when no arena fits.  Nothing to do without a limit.
 */
int as_limit_fit(struct upage_config *cfg, bool arena_set, bool tell);

/* Is RLIMIT_AS finite?  (The SIGSEGV engine then maps its memfd once.) */
bool as_limited(void);

#endif /* UPAGE_AS_LIMIT_H */
