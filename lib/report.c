// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - UPAGE_REPORT: the counters as JSON, written at exit; and
 * UPAGE_SUMMARY's latency summary on stderr (summary.c), at the same time.
 *
 * A report belongs to one process.  Its children inherit UPAGE_REPORT,
 * forked ones and executed ones alike, and would each overwrite the file
 * as they exit, the last one winning.  So the first process to read the
 * variable leaves its pid in UPAGE_REPORT_OWNER, and only that pid writes
 * the file: the program `upage run` started, and whatever it executes in
 * its own place.  "%p" in the path stands for the pid, and a path with it
 * gives every process, children included, its own report.
 */
#include "autoconfig.h"

#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "memory.h"
#include "outfile.h"
#include "overhead.h"
#include "outbuf.h"
#include "stats.h"
#include "summary.h"
#include "sys.h"
#include "runtime.h"
#include "timeline.h"

#define OWNER_VAR	"UPAGE_REPORT_OWNER"

static pid_t report_owner;

/* At start-up (the constructor: the environment may change). */
void report_setup(void)
{
	const char *s = getenv(OWNER_VAR);
	char *end, buf[24];
	long pid;

	if (s) {
		pid = strtol(s, &end, 10);
		if (*s && !*end && pid > 0) {
			report_owner = (pid_t)pid;
			return;
		}
	}
	report_owner = getpid();
	snprintf(buf, sizeof(buf), "%d", (int)report_owner);
	setenv(OWNER_VAR, buf, 1);
}

bool report_owner_is_me(void)
{
	return getpid() == report_owner;
}

/* The report's path for this process, "%p" replaced by the pid; "" when
 * another process owns the report. */
static void report_path(const char *tmpl, char *path, size_t len)
{
	bool per_process = strstr(tmpl, "%p") != NULL;
	size_t n = 0;

	path[0] = '\0';
	if (!per_process && getpid() != report_owner)
		return;
	for (const char *p = tmpl; *p && n + 1 < len; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			n += snprintf(path + n, len - n, "%d", (int)getpid());
			p++;
		} else {
			path[n++] = *p;
		}
		if (n >= len)
			n = len - 1;
	}
	path[n] = '\0';
}

/*
 * What the report and the summary print: one copy of the counters, taken
 * under page_table_lock once no page is under swap I/O and no fault is
 * being served, so each histogram's count matches its counter (kswapd
 * may be writing pages out, other threads faulting, as the program
 * exits).  The lock is only tried: exit may come from a
 * signal handler that interrupted this thread inside upage, holding it.
 * Static, outside the arena, as the output buffer: written once, at exit.
 */
static struct upage_stats snap;
static char out_buf[16384];

static bool io_in_flight(void)
{
	struct zone *z = &upage.zone;

	for (unsigned long i = 0; i < z->nr_frames; i++)
		if (PageLocked(&z->mem_map[i]))
			return true;
	return false;
}

static void nap_ms(long ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void take_snapshot(void)
{
	struct mm_struct *mm = &upage.mm;
	bool locked = false;

	for (int i = 0; i < 1000 && !(locked = !pthread_mutex_trylock(&mm->page_table_lock)); i++)
		nap_ms(1);
	for (int i = 0; locked && i < 100 && (io_in_flight() || nr_faults_in_flight()); i++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&mm->page_wait, &mm->page_table_lock, &ts);
	}
	__atomic_store_n(&upage_stats->overhead_bytes, overhead_resident_bytes(), __ATOMIC_RELAXED);
	snap = *upage_stats;
	if (timeline_read(&upage_stats->timeline, &snap.timeline))
		snap.timeline.nr = 0;
	if (locked)
		pthread_mutex_unlock(&mm->page_table_lock);
}

/* Never through a planted symlink: outfile.c. */
static int write_report(const char *path, char *why, size_t whylen)
{
	struct outfile of;
	struct outbuf o;
	int ret = outfile_open(&of, path, why, whylen);

	if (ret)
		return ret;
	outbuf_init_fd(&o, of.fd, out_buf, sizeof(out_buf));
	stats_write_json(&snap, &o);
	outbuf_put(&o, "\n", 1);
	return outfile_commit(&of, outbuf_flush(&o), why, whylen);
}

static void write_summary(void)
{
	struct outbuf o;

	outbuf_init_fd(&o, STDERR_FILENO, out_buf, sizeof(out_buf));
	summary_write(&snap, &o);
	outbuf_flush(&o);
}

__attribute__((destructor)) static void upage_exit(void)
{
	static pid_t done;	/* the process that wrote: a vfork child shares this */
	char path[PATH_MAX], why[256];

	if (!upage.active || !upage_stats || (!upage.cfg.report[0] && !upage.cfg.summary))
		return;
	if (__atomic_exchange_n(&done, getpid(), __ATOMIC_ACQ_REL) == getpid())
		return;		/* once: exit's destructors, or _exit (dash's vfork child
				 * _exits too, in our memory: not its parent's turn) */
	path[0] = '\0';
	if (upage.cfg.report[0])
		report_path(upage.cfg.report, path, sizeof(path));
	if (!path[0] && !(upage.cfg.summary && getpid() == report_owner))
		return;
	take_snapshot();
	if (path[0] && write_report(path, why, sizeof(why)))
		upage_msg("cannot write the report to %s (UPAGE_REPORT): %s", path, why);
	/* The summary is the program's, as the report without "%p". */
	if (upage.cfg.summary && getpid() == report_owner)
		write_summary();
}

/*
 * A program that ends with _exit skips the destructors (dash does, at
 * every exit): the report is written here as well.  Only the owner, or
 * every process with "%p", writes one, so a forked child's _exit leaves
 * its parent's report alone.
 */
EXPORT void _exit(int status)
{
	upage_exit();
	sys_syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

EXPORT void _Exit(int status)
{
	_exit(status);
}
