/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc.h - the processes under upage, as the CLI and upaged see them
 * (proc.c): found through /proc/PID/fd, each with its live counters
 * (upage-stats) and its control block (upage-control), sampled twice to
 * give rates.
 */
#ifndef UPAGE_PROC_H
#define UPAGE_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <upage.h>

#include "control.h"

struct upage_proc {
	int pid;
	uid_t uid;
	unsigned long long start_ticks;	/* /proc/PID/stat starttime: pid reuse */
	char user[33];
	char command[64];		/* /proc/PID/comm */
	double when;			/* CLOCK_MONOTONIC seconds of the sample */
	struct upage_stats st;
	bool have_control;		/* an upage too old for a control block: false */
	struct upage_control ctl;
};

/* Rates between two samples of one process. */
struct proc_rates {
	double faults_per_s;		/* every fault upage served */
	double swapins_per_s;		/* swap_page faults: read from swap */
	double stall;			/* seconds waiting on swap-ins per second (1.0 = 100%) */
	bool stall_known;		/* latencies are recorded */
};

/*
 * Every process under upage the caller may read (all, for root).
 * *out is an array of *nr samples (free with free()), sorted by pid.
 * Returns 0 or -errno (/proc unreadable).
 */
int proc_list(struct upage_proc **out, size_t *nr);

/*
 * Sample one process.  Returns 0, -ESRCH (no such process), -ENOENT (not
 * under upage), -EACCES (another user's), -EPROTO (another version).
 */
int proc_sample(int pid, struct upage_proc *p);

/* Rates from @old to @new (the same process, sampled later). */
void proc_rates(const struct upage_proc *old, const struct upage_proc *new,
		struct proc_rates *r);

/* The swap in use over the process's areas, in bytes. */
uint64_t proc_swap_used(const struct upage_proc *p);

/* Seconds on CLOCK_MONOTONIC. */
double proc_now(void);

/* One line naming @pid and what @err (from proc_sample) means. */
const char *proc_strerror(int err);

#endif /* UPAGE_PROC_H */
