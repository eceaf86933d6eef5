// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upaged-procs.c - the processes upaged follows: found by their hello or
 * in /proc, sampled every interval, given their share of the budget.
 *
 * Each is known by pid and start time (a reused pid is another process)
 * and its control block is kept mapped read-write: the daemon writes its
 * share there with a lease (share_until_ns, UPAGED_LEASE_INTERVALS
 * intervals ahead), so a daemon killed outright leaves nothing in force
 * for long, and a clean stop gives every share back at once.  The
 * configuration's MaxRSS for the user or command becomes the process's
 * own cap, once, unless it started with one of its own (UPAGE_MAX_RSS).
 * Registered processes are given extents of the daemon's swap areas
 * (upaged-swap.c), one at a time as they fill them.
 * A process found in /proc is the daemon's only when its control block
 * names this daemon's socket: another daemon's, and one run with
 * UPAGE_SOCKET=none, are left alone.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "upaged-budget.h"
#include "upaged-procs.h"
#include "upaged-state.h"
#include "upaged-swap.h"

#define LOAD(p)		__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define STORE(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

/* Cost of a swap-in when the process does not record latencies: the
 * disk's 4 KiB read at depth 1 on the project's machine, about 75 us. */
#define STALL_ESTIMATE_S	75e-6

/* The floor of a share when the configuration sets no MinRSS. */
#define UPAGED_DEFAULT_MIN	(16ULL << 20)
/* A share lapses after this many intervals without renewal. */
#define UPAGED_LEASE_INTERVALS	3
/* Every this many intervals, /proc is searched for processes that never
 * registered (they started before the daemon, or could not reach it). */
#define UPAGED_RESCAN_INTERVALS	10
/* At most this many extents per process. */
#define UPAGED_MAX_EXTENTS	4

/* One process under upage that the daemon follows. */
struct tracked {
	int pid;
	unsigned long long start_ticks;	/* with pid: the same process */
	uid_t uid;
	char user[33];
	char command[64];
	struct upage_control *ctl;	/* mapped read-write */
	struct upage_proc last;		/* the previous sample */
	double pressure;		/* stall, smoothed */
	uint64_t refaults;		/* bytes swapped in over the last interval */
	uint64_t share;			/* what it was given, 0: nothing yet */
	bool defaults_done;		/* [User]/[Command] MaxRSS applied */
	uint64_t default_cap;		/* the cap it applied, 0: none */
	bool registered;		/* it said hello (else: found in /proc) */
	int conn;			/* its connection, -1 when none */
	unsigned int extents;		/* extents handed to it (or found on it) */
};

static struct tracked *procs;
static unsigned int nr_procs, cap_procs;
static unsigned int intervals;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

unsigned int procs_count(void)
{
	return nr_procs;
}

static struct tracked *find(int pid, unsigned long long start)
{
	for (unsigned int i = 0; i < nr_procs; i++)
		if (procs[i].pid == pid && procs[i].start_ticks == start)
			return &procs[i];
	return NULL;
}

static void forget(unsigned int i)
{
	control_unmap(procs[i].ctl);
	procs[i] = procs[--nr_procs];
}

/*
 * [User:...] or [Command:...] MaxRSS becomes the cap of a process that set
 * none; after a reload, again, unless someone (upage set) changed the cap
 * the daemon had given.
 */
static void apply_defaults(struct tracked *t)
{
	const struct conf_rule *r = upaged_conf_match(&upaged_conf, t->user, t->command);
	uint64_t cap, now = LOAD(t->ctl->max_rss_bytes);

	if (t->defaults_done)
		return;
	t->defaults_done = true;
	if (!r || !r->max_rss || (LOAD(t->ctl->flags) & CONTROL_F_MAX_RSS_SET))
		return;
	if (t->default_cap && now != t->default_cap)
		return;		/* set by hand since */
	cap = r->max_rss & ~4095ULL;
	if (cap > LOAD(t->ctl->ceiling_bytes))
		cap = LOAD(t->ctl->ceiling_bytes);
	STORE(t->ctl->max_rss_bytes, cap);
	t->default_cap = cap;
}

/* Extents it holds, from its control block. */
static unsigned int extents_of(const struct upage_control *c)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < c->nr_areas && i < CONTROL_MAX_AREAS; i++)
		n += c->areas[i].kind == CONTROL_AREA_EXTENT;
	return n;
}

/*
 * One more extent for a registered process that has none, or whose every
 * extent is three quarters full; one at a time: the next only once its
 * control block shows the last.
 */
static void maybe_give(struct tracked *t, const struct upage_proc *now)
{
	const struct upage_control *c = &now->ctl;
	unsigned int seen = extents_of(c);

	if (t->conn < 0 || !swap_nr_areas() || seen < t->extents ||
	    t->extents >= UPAGED_MAX_EXTENTS)
		return;
	for (uint32_t i = 0; i < c->nr_areas && i < CONTROL_MAX_AREAS; i++) {
		const struct upage_control_area *a = &c->areas[i];

		if (a->kind == CONTROL_AREA_EXTENT && a->used_bytes < a->size_bytes / 4 * 3)
			return;
	}
	if (swap_give(t->conn) == 0)
		t->extents = seen + 1;
}

void procs_disconnected(int conn)
{
	for (unsigned int i = 0; i < nr_procs; i++)
		if (procs[i].conn == conn)
			procs[i].conn = -1;
}

int procs_add(int pid, int conn)
{
	bool registered = conn >= 0;
	struct upage_proc sample;
	struct upage_control *ctl;
	struct tracked *t;
	int ret;

	ret = proc_sample(pid, &sample);
	if (ret)
		return ret;
	t = find(pid, sample.start_ticks);
	if (t) {
		if (registered) {
			t->registered = true;
			t->conn = conn;
			maybe_give(t, &sample);
		}
		return 0;
	}
	if (!sample.have_control)
		return -ENOENT;		/* an upage without a control block */
	/* Found in /proc: ours only if it registers with this very socket. */
	if (!registered && strncmp(sample.ctl.socket, upaged_socket_path,
				   sizeof(sample.ctl.socket)) != 0)
		return -ENOENT;
	ctl = control_map_pid(pid, true);
	if (!ctl)
		return -errno;
	if (nr_procs == cap_procs) {
		unsigned int n = cap_procs ? 2 * cap_procs : 16;
		struct tracked *grown = realloc(procs, n * sizeof(*procs));

		if (!grown) {
			control_unmap(ctl);
			return -ENOMEM;
		}
		procs = grown;
		cap_procs = n;
	}
	t = &procs[nr_procs++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->start_ticks = sample.start_ticks;
	t->uid = sample.uid;
	memcpy(t->user, sample.user, sizeof(t->user));
	memcpy(t->command, sample.command, sizeof(t->command));
	t->ctl = ctl;
	t->last = sample;
	t->registered = registered;
	t->conn = conn;
	t->extents = extents_of(&sample.ctl);
	/* A share this process still holds from a daemon before us. */
	if (LOAD(ctl->share_bytes) && now_ns() < LOAD(ctl->share_until_ns))
		t->share = LOAD(ctl->share_bytes);
	apply_defaults(t);
	upaged_log("following %d (%s, user %s%s)", pid, t->command, t->user,
		   registered ? "" : ", found in /proc");
	maybe_give(t, &sample);
	return 0;
}

void procs_rescan(void)
{
	struct upage_proc *v;
	size_t n;

	if (proc_list(&v, &n))
		return;
	for (size_t i = 0; i < n; i++)
		if (!find(v[i].pid, v[i].start_ticks))
			procs_add(v[i].pid, -1);
	free(v);
}

/* Stall over the last interval: measured, or estimated from swap-ins. */
static double stall_of(const struct proc_rates *r)
{
	return r->stall_known ? r->stall : r->swapins_per_s * STALL_ESTIMATE_S;
}

static void divide(struct budget_proc *bp)
{
	uint64_t until = now_ns() + (uint64_t)(UPAGED_LEASE_INTERVALS * upaged_conf.interval * 1e9);

	for (unsigned int i = 0; i < nr_procs; i++) {
		struct tracked *t = &procs[i];
		const struct conf_rule *r = upaged_conf_match(&upaged_conf, t->user, t->command);

		bp[i] = (struct budget_proc){
			.max = LOAD(t->ctl->max_rss_bytes),
			.min = r && r->min_rss ? r->min_rss : UPAGED_DEFAULT_MIN,
			.resident = t->last.st.resident_pages * 4096,
			.share = t->share,
			.pressure = t->pressure,
			.refaults = t->refaults,
			.weight = r ? r->weight : 100,
		};
	}
	budget_divide(bp, nr_procs, upaged_conf.budget, upaged_conf.stall_threshold);
	for (unsigned int i = 0; i < nr_procs; i++) {
		struct tracked *t = &procs[i];

		t->share = bp[i].out;
		STORE(t->ctl->share_daemon, (int32_t)getpid());
		STORE(t->ctl->share_bytes, t->share);
		STORE(t->ctl->share_until_ns, until);
	}
}

void procs_interval(void)
{
	struct budget_proc *bp;

	if (++intervals % UPAGED_RESCAN_INTERVALS == 0)
		procs_rescan();
	bp = calloc(nr_procs ? nr_procs : 1, sizeof(*bp));
	swap_account_begin();
	for (unsigned int i = 0; i < nr_procs;) {
		struct tracked *t = &procs[i];
		struct upage_proc now;
		struct proc_rates r;

		if (proc_sample(t->pid, &now) || now.start_ticks != t->start_ticks) {
			upaged_log("%d (%s) has ended", t->pid, t->command);
			forget(i);
			continue;
		}
		proc_rates(&t->last, &now, &r);
		/* About PSI's avg10 at a 1 s interval: half the past, half now. */
		t->pressure = t->pressure / 2 + stall_of(&r) / 2;
		t->refaults = (now.st.swap_ins - t->last.st.swap_ins) * 4096;
		t->last = now;
		for (uint32_t k = 0; k < now.ctl.nr_areas && k < CONTROL_MAX_AREAS; k++)
			if (now.ctl.areas[k].kind == CONTROL_AREA_EXTENT)
				swap_account_extent(&now.ctl.areas[k]);
		i++;
	}
	swap_account_end();
	for (unsigned int i = 0; i < nr_procs; i++)
		maybe_give(&procs[i], &procs[i].last);
	if (bp && upaged_conf.budget && nr_procs)
		divide(bp);
	free(bp);
}

void procs_release(void)
{
	for (unsigned int i = 0; i < nr_procs; i++) {
		struct upage_control *c = procs[i].ctl;

		if (LOAD(c->share_daemon) == (int32_t)getpid()) {
			STORE(c->share_until_ns, 0);
			STORE(c->share_bytes, 0);
		}
	}
}

void procs_reconfigure(void)
{
	for (unsigned int i = 0; i < nr_procs; i++) {
		procs[i].defaults_done = false;
		apply_defaults(&procs[i]);
	}
	if (!upaged_conf.budget)
		procs_release();
}
