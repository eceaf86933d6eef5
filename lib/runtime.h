/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runtime.h - the state of the running library: one mm, with its zone of
 * frames and its engine (mm.engine), and one kswapd.
 *
 * Set up once by upage_init (runtime.c) before `active` turns true; after
 * that only the fields the comments name change, under the locks named.
 */
#ifndef UPAGE_RUNTIME_H
#define UPAGE_RUNTIME_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fault.h"
#include "mm.h"
#include "page_alloc.h"
#include "vmscan.h"

struct upage_state {
	bool active;			/* the arena is up: interpose */
	struct upage_config cfg;
	struct mm_struct mm;
	struct zone zone;		/* mm's frames: protected by mm.page_table_lock */
	unsigned long long max_rss;	/* the cap in force: cfg.max_rss, or less when the
					 * engine cannot keep that many pages mapped */
	char swap_path[4096];		/* the swap area, for messages */
};

extern struct upage_state upage;

/* How kswapd runs in the library (vmscan.h): at start and in a child. */
extern const struct kswapd_env upage_kswapd_env;

/* Where a private swap file goes when UPAGE_SWAP does not say: $TMPDIR,
 * else /tmp, unless that is RAM-backed: then /var/tmp. */
const char *swap_default_dir(void);

/*
 * Start-up (init.c calls them in this order): read the options into
 * upage.cfg (-EINVAL after one message: run without upage), then build
 * the mm, the zone, the swap area, the engine, the counters and kswapd
 * (a negative errno after one message).  upage.active is init.c's to set.
 */
int upage_load_config(void);
int upage_setup(void);
/* upage_setup failed: give back the big reservations (the arena, the
 * frame pool, the swap areas), so that the program runs as without
 * upage, with its address space (RLIMIT_AS) and descriptors its own. */
void upage_release(void);

/* Make the control block for the zone as it stands (runtime.c; again in a
 * forked child). */
void control_setup(void);

#endif /* UPAGE_RUNTIME_H */
