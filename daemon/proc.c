// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * proc.c - find the processes under upage and sample them.
 *
 * A process is under upage when /proc/PID/fd holds a memfd named
 * "upage-stats" (lib/stats.c); its control block, "upage-control", says
 * its cap, ceiling and swap areas (lib/control.h).  The kernel shows the
 * caller its own processes only (root: all), which is exactly what a user
 * may see.  Rates come from two samples: stall is the time the process's
 * threads spent in swap-in and minor faults, from the latency histograms,
 * per second of wall time, as top counts CPU (two threads stalled all the
 * time: 200%).
 */
#include "autoconfig.h"

#include "proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

double proc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The first line of /proc/@pid/@name into @buf, without its newline. */
static int read_proc_line(int pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* starttime, field 22 of /proc/PID/stat, after the command in parentheses. */
static unsigned long long start_ticks(int pid)
{
	char buf[1024], *p;
	unsigned long long v = 0;

	if (read_proc_line(pid, "stat", buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* fields 3.. follow ") "; starttime is the 20th of them */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtoull(p + 1, NULL, 10);
	return v;
}

static void fill_identity(int pid, struct upage_proc *p)
{
	char path[64];
	struct passwd *pw;
	struct stat sb;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	p->uid = stat(path, &sb) == 0 ? sb.st_uid : (uid_t)-1;
	pw = getpwuid(p->uid);
	if (pw)
		snprintf(p->user, sizeof(p->user), "%s", pw->pw_name);
	else
		snprintf(p->user, sizeof(p->user), "%u", (unsigned int)p->uid);
	if (read_proc_line(pid, "comm", p->command, sizeof(p->command)))
		snprintf(p->command, sizeof(p->command), "?");
	for (char *c = p->command; *c; c++)
		if (!isprint((unsigned char)*c))
			*c = '?';
	p->start_ticks = start_ticks(pid);
}

int proc_sample(int pid, struct upage_proc *p)
{
	struct upage_control *c;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = stats_read_pid(pid, &p->st);
	if (ret)
		return ret;
	p->pid = pid;
	p->when = proc_now();
	c = control_map_pid(pid, false);
	if (c) {
		p->ctl = *c;
		p->ctl.nr_areas = control_read_areas(c, p->ctl.areas);
		p->have_control = true;
		control_unmap(c);
	}
	fill_identity(pid, p);
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	const struct upage_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int proc_list(struct upage_proc **out, size_t *nr)
{
	struct upage_proc *v = NULL, *grown;
	size_t n = 0, cap = 0;
	struct dirent *d;
	DIR *dir = opendir("/proc");

	if (!dir)
		return -errno;
	while ((d = readdir(dir)) != NULL) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (d->d_name[0] < '1' || d->d_name[0] > '9' || *end || pid == getpid())
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown) {
				free(v);
				closedir(dir);
				return -ENOMEM;
			}
			v = grown;
		}
		if (proc_sample((int)pid, &v[n]) == 0)
			n++;
	}
	closedir(dir);
	qsort(v, n, sizeof(*v), by_pid);
	*out = v;
	*nr = n;
	return 0;
}

static uint64_t faults(const struct upage_stats *st)
{
	return st->faults_no_page + st->faults_swap_page + st->faults_wp_page + st->faults_minor;
}

void proc_rates(const struct upage_proc *old, const struct upage_proc *new, struct proc_rates *r)
{
	double dt = new->when - old->when;

	memset(r, 0, sizeof(*r));
	if (dt <= 0)
		return;
	r->faults_per_s = (double)(faults(&new->st) - faults(&old->st)) / dt;
	r->swapins_per_s = (double)(new->st.faults_swap_page - old->st.faults_swap_page) / dt;
#if UPAGE_STATS_VERSION >= 2
	/* the latency histograms (UPAGE_STATS_F_LATENCY: recorded) */
	if (new->st.flags & UPAGE_STATS_F_LATENCY) {
		uint64_t ns = new->st.latency[UPAGE_LAT_SWAP_PAGE].sum_ns -
			      old->st.latency[UPAGE_LAT_SWAP_PAGE].sum_ns +
			      new->st.latency[UPAGE_LAT_MINOR].sum_ns -
			      old->st.latency[UPAGE_LAT_MINOR].sum_ns;

		r->stall = (double)ns / 1e9 / dt;
		r->stall_known = true;
	}
#endif
}

uint64_t proc_swap_used(const struct upage_proc *p)
{
	uint64_t used = 0;

	for (uint32_t i = 0; p->have_control && i < p->ctl.nr_areas; i++)
		used += p->ctl.areas[i].used_bytes;
	return used;
}

const char *proc_strerror(int err)
{
	switch (err) {
	case -ESRCH:
		return "no such process";
	case -ENOENT:
		return "not running under upage";
	case -EACCES:
		return "another user's process (permission denied)";
	case -EPROTO:
		return "run by another version of upage";
	}
	return strerror(-err);
}
