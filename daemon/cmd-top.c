// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-top.c - `upage top`: the processes under upage, refreshed, the most
 * stalled first (or the most faulting, or the largest).
 *
 * On a terminal it is a full-screen program drawn with ncurses, which
 * also follows the window's size (SIGWINCH arrives as KEY_RESIZE); keys:
 * q quits, s / f / m / p sort by stall, faults, resident size, pid.  When
 * standard output is not a terminal (or with --batch) it prints one table
 * per interval, as top -b does.  The table is ps's (pstable.c), with the
 * rates measured between two refreshes.
 */
#include "autoconfig.h"

#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "pstable.h"

#define FIRST_INTERVAL	0.5	/* the first rates, before the first refresh */

static int cmd_top_exec(int argc, char **argv);

const struct cmd_entry cmd_top_entry = {
	.name = "top",
	.usage = "[--delay SECONDS] [--sort stall|faults|rss|pid] [--batch] [--iterations N]",
	.summary = "watch the processes under upage live, the most stalled first",
	.exec = cmd_top_exec,
};

static void help(void)
{
	printf("usage: upage top %s\n\n"
	       "Show the processes under upage (as upage ps), refreshed every few\n"
	       "seconds, sorted by stall (time waiting on swap-ins), fault rate,\n"
	       "resident size or pid.  Keys: q quits; s, f, m, p sort by stall, faults,\n"
	       "resident size, pid.\n\n"
	       "  -d, --delay SECS      refresh every SECS seconds (default 2)\n"
	       "  -s, --sort KEY        stall (default), faults, rss or pid\n"
	       "  -b, --batch           print one table per refresh (the default when\n"
	       "                        standard output is not a terminal)\n"
	       "  -n, --iterations N    stop after N refreshes\n"
	       "  -h, --help            this help\n\n"
	       "See upage(1).\n",
	       cmd_top_entry.usage);
}

static const char *const sort_names[] = {
	[PS_SORT_PID] = "pid",
	[PS_SORT_STALL] = "stall",
	[PS_SORT_FAULTS] = "faults",
	[PS_SORT_RSS] = "rss",
};

static int parse_sort(const char *s, enum ps_sort *out)
{
	for (size_t i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++) {
		if (strcmp(s, sort_names[i]) == 0) {
			*out = (enum ps_sort)i;
			return 0;
		}
	}
	return -1;
}

/* The state carried from one refresh to the next. */
struct top {
	struct upage_proc *prev;
	size_t nr_prev;
	enum ps_sort sort;
	double delay;
	long iterations;	/* 0: for ever */
};

/* A new sample; the table of rates since the previous one, as text. */
static int refresh_table(struct top *t, int width, char **text, size_t *nr_rows)
{
	struct table_opts o = { 0 };
	struct libscols_table *tb;
	struct upage_proc *now;
	struct ps_row *rows;
	size_t nr_now, nr;
	int ret;

	ret = proc_list(&now, &nr_now);
	if (ret)
		return ret;
	ret = ps_rows(t->prev, t->nr_prev, now, nr_now, t->sort, &rows, &nr);
	free(t->prev);
	t->prev = now;
	t->nr_prev = nr_now;
	if (ret)
		return ret;
	tb = ps_table(rows, nr, &o);
	free(rows);
	if (!tb)
		return -ENOMEM;
	if (width > 0) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(tb, (size_t)width);
	}
	ret = scols_print_table_to_string(tb, text) ? -ENOMEM : 0;
	scols_unref_table(tb);
	*nr_rows = nr;
	return ret;
}

static void first_sample(struct top *t)
{
	struct timespec ts = { 0, (long)(FIRST_INTERVAL * 1e9) };

	if (proc_list(&t->prev, &t->nr_prev) == 0 && t->nr_prev)
		nanosleep(&ts, NULL);
}

static void header(char *buf, size_t len, const struct top *t, size_t nr)
{
	char when[16];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	snprintf(buf, len, "upage top - %s, %zu process%s under upage, sorted by %s", when, nr,
		 nr == 1 ? "" : "es", sort_names[t->sort]);
}

static int run_batch(struct top *t)
{
	struct timespec ts = { (time_t)t->delay, (long)((t->delay - (time_t)t->delay) * 1e9) };
	char head[128], *text;
	size_t nr;
	int ret;

	signal(SIGPIPE, SIG_DFL);
	first_sample(t);
	for (long i = 0; !t->iterations || i < t->iterations; i++) {
		if (i)
			nanosleep(&ts, NULL);
		ret = refresh_table(t, 0, &text, &nr);
		if (ret) {
			fprintf(stderr, "upage top: cannot read /proc: %s\n", strerror(-ret));
			return 1;
		}
		header(head, sizeof(head), t, nr);
		printf("%s%s\n%s\n", i ? "\n" : "", head, text);
		free(text);
		if (fflush(stdout))
			return 1;
	}
	return 0;
}

/* One key; false to quit. */
static bool key(struct top *t, int ch)
{
	switch (ch) {
	case 'q':
	case 'Q':
		return false;
	case 's':
		t->sort = PS_SORT_STALL;
		break;
	case 'f':
		t->sort = PS_SORT_FAULTS;
		break;
	case 'm':
		t->sort = PS_SORT_RSS;
		break;
	case 'p':
		t->sort = PS_SORT_PID;
		break;
	}
	return true;
}

static int run_screen(struct top *t)
{
	char head[128], *text = NULL;
	double next = 0;
	long done = 0;
	size_t nr = 0;
	int ret = 0;

	if (!initscr()) {
		fprintf(stderr, "upage top: cannot use the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	first_sample(t);
	for (;;) {
		int ch;

		if (proc_now() >= next) {
			free(text);
			text = NULL;
			ret = refresh_table(t, COLS, &text, &nr);
			if (ret)
				break;
			next = proc_now() + t->delay;
			done++;
		}
		erase();
		header(head, sizeof(head), t, nr);
		mvaddnstr(0, 0, head, COLS);
		/* the table, cut to the window */
		for (int y = 2, i = 0; text && y < LINES; y++) {
			const char *line = text + i, *nl = strchr(line, '\n');
			int len = nl ? (int)(nl - line) : (int)strlen(line);

			mvaddnstr(y, 0, line, len < COLS ? len : COLS);
			if (!nl)
				break;
			i += len + 1;
		}
		refresh();
		if (t->iterations && done >= t->iterations)
			break;
		timeout((int)((next - proc_now()) * 1000) + 1);
		ch = getch();
		if (ch != ERR && ch != KEY_RESIZE && !key(t, ch))
			break;
		if (ch != ERR && ch != KEY_RESIZE)
			next = 0;	/* sorted anew at once */
	}
	endwin();
	free(text);
	if (ret) {
		fprintf(stderr, "upage top: cannot read /proc: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}

static int cmd_top_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "sort", required_argument, NULL, 's' },
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct top t = { .sort = PS_SORT_STALL, .delay = 2 };
	bool batch = !isatty(STDOUT_FILENO);
	char *end;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:d:s:bn:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (cmd_parse_seconds(optarg, &t.delay))
				return cmd_bad_value(&cmd_top_entry, "--delay", optarg,
						     "not a number of seconds (0.1 to 3600)");
			break;
		case 's':
			if (parse_sort(optarg, &t.sort))
				return cmd_bad_value(&cmd_top_entry, "--sort", optarg,
						     "not stall, faults, rss or pid");
			break;
		case 'b':
			batch = true;
			break;
		case 'n':
			errno = 0;
			t.iterations = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || t.iterations <= 0)
				return cmd_bad_value(&cmd_top_entry, "--iterations", optarg,
						     "not a positive count");
			break;
		case 'h':
			help();
			return 0;
		default:
			return cmd_bad_option(&cmd_top_entry, argv, c);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "upage top: unexpected argument '%s'\n", argv[optind]);
		return cmd_usage(&cmd_top_entry);
	}
	ret = batch ? run_batch(&t) : run_screen(&t);
	free(t.prev);
	return ret;
}
