// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-set.c - `upage set PID --max-rss SIZE`: change a running process's
 * cap.
 *
 * The new cap goes into the process's control block (lib/control.h),
 * which the kernel lets only the process's owner and root open; its
 * kswapd applies it within a second: a lower cap takes frames out of
 * service and evicts down to it, a higher one (up to the ceiling the
 * process started with) puts frames back.  This waits until the process
 * says the cap is in force.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "config.h"
#include "control.h"
#include "proc.h"
#include "table.h"

#define APPLY_TIMEOUT	5.0	/* seconds: kswapd looks every second */

static int cmd_set_exec(int argc, char **argv);

const struct cmd_entry cmd_set_entry = {
	.name = "set",
	.usage = "PID --max-rss SIZE",
	.summary = "change a running process's resident cap",
	.exec = cmd_set_exec,
};

static void help(void)
{
	printf("usage: upage set %s\n\n"
	       "Change the resident cap of process PID, running under upage.  The\n"
	       "process applies it within a second: its resident set shrinks to a lower\n"
	       "cap, and may grow to a higher one, up to the ceiling it started with\n"
	       "(upage run --max-rss-ceiling).  Only the process's owner and root may.\n\n"
	       "  -m, --max-rss SIZE    the new cap, with K, M, G or T\n"
	       "  -h, --help            this help\n\n"
	       "When upaged gives the process a smaller share of its budget, the\n"
	       "share is in force while it lasts.  See upage(1).\n",
	       cmd_set_entry.usage);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Wait for the process to put the cap it is asked for in force. */
static int wait_applied(struct upage_control *c, int pid)
{
	double end = proc_now() + APPLY_TIMEOUT;
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	char want[32], cap[32];

	while (proc_now() < end) {
		uint64_t w = control_wanted_cap(c, now_ns());

		if (__atomic_load_n(&c->cap_bytes, __ATOMIC_RELAXED) == w) {
			if (w < __atomic_load_n(&c->max_rss_bytes, __ATOMIC_RELAXED)) {
				format_size(w, cap, sizeof(cap));
				printf("%d: cap %s in force (upaged's share of its budget)\n", pid,
				       cap);
			}
			return 0;
		}
		nanosleep(&tick, NULL);
	}
	format_size(control_wanted_cap(c, now_ns()), want, sizeof(want));
	format_size(__atomic_load_n(&c->cap_bytes, __ATOMIC_RELAXED), cap, sizeof(cap));
	fprintf(stderr, "upage set: %d: the cap is still %s, not %s, after %.0f seconds "
		"(is its kswapd stuck?)\n", pid, cap, want, APPLY_TIMEOUT);
	return 1;
}

static int cmd_set_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-rss", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long size = 0;
	const char *size_arg = NULL;
	char bound[32];
	struct upage_control *c;
	int ch, pid, ret;

	opterr = 0;
	/* permuted: the pid may come before or after --max-rss */
	while ((ch = getopt_long(argc, argv, ":m:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			size_arg = optarg;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cmd_bad_option(&cmd_set_entry, argv, ch);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "upage set: no process named (a PID)\n");
		return cmd_usage(&cmd_set_entry);
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "upage set: one process at a time ('%s' is one too many)\n",
			argv[optind + 1]);
		return cmd_usage(&cmd_set_entry);
	}
	pid = cmd_parse_pid(argv[optind]);
	if (pid < 0)
		return cmd_bad_value(&cmd_set_entry, "PID", argv[optind], "not a process id");
	if (!size_arg) {
		fprintf(stderr, "upage set: nothing to set (--max-rss SIZE)\n");
		return cmd_usage(&cmd_set_entry);
	}
	ret = parse_size(size_arg, &size);
	if (ret)
		return cmd_bad_value(&cmd_set_entry, "--max-rss", size_arg,
				     ret == -ERANGE ? "too large"
						    : "not a size (use digits with K, M, G or T)");
	if (size < CONFIG_MIN_MAX_RSS)
		return cmd_bad_value(&cmd_set_entry, "--max-rss", size_arg,
				     "below the minimum of 1M");
	size &= ~4095ULL;

	c = control_map_pid(pid, true);
	if (!c) {
		fprintf(stderr, "upage set: %d: %s\n", pid, proc_strerror(-errno));
		return 1;
	}
	if (size > c->ceiling_bytes) {
		format_size(c->ceiling_bytes, bound, sizeof(bound));
		fprintf(stderr, "upage set: %d: --max-rss %s is above the ceiling of %s it "
			"started with (upage run --max-rss-ceiling)\n", pid, size_arg, bound);
		control_unmap(c);
		return 1;
	}
	__atomic_store_n(&c->max_rss_bytes, (uint64_t)size, __ATOMIC_RELAXED);
	ret = wait_applied(c, pid);
	control_unmap(c);
	return ret;
}
