// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-ps.c - `upage ps`: every process under upage the caller may see,
 * one line each, from their own live counters (no daemon needed).
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pstable.h"

static int cmd_ps_exec(int argc, char **argv);

const struct cmd_entry cmd_ps_entry = {
	.name = "ps",
	.usage = "[--interval SECONDS] [--bytes] [--noheadings] [--raw] [--json] [PID...]",
	.summary = "list the processes under upage: cap, resident, swap, faults, stall",
	.exec = cmd_ps_exec,
};

static void help(void)
{
	printf("usage: upage ps %s\n\n"
	       "List the processes running under upage (all of them for root, your own\n"
	       "otherwise), or those named: their cap, resident set, swap in use, and\n"
	       "fault rate and stall measured over an interval.\n\n"
	       "  -i, --interval SECS   measure rates over SECS seconds (default 0.5)\n"
	       TABLE_HELP
	       "  -h, --help            this help\n\n"
	       "Columns: PID USER COMMAND ENGINE CAP SHARE RSS SWAP FAULTS/S STALL%%\n"
	       "(SHARE: upaged's share of its budget; STALL%%: time its threads waited\n"
	       "on swap-ins per second, - when the process does not record latencies).\n"
	       "See upage(1).\n",
	       cmd_ps_entry.usage);
}

static bool wanted(int pid, char **pids, int n)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (atoi(pids[i]) == pid)
			return true;
	return false;
}

static int cmd_ps_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		TABLE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct table_opts o = { 0 };
	double interval = 0.5;
	struct ps_row *rows;
	size_t nr, kept = 0;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:i:hbnrJ", longopts, NULL)) != -1) {
		if (table_opt(&o, c))
			continue;
		switch (c) {
		case 'i':
			if (cmd_parse_seconds(optarg, &interval))
				return cmd_bad_value(&cmd_ps_entry, "--interval", optarg,
						     "not a number of seconds (0.1 to 3600)");
			break;
		case 'h':
			help();
			return 0;
		default:
			return cmd_bad_option(&cmd_ps_entry, argv, c);
		}
	}
	for (int i = optind; i < argc; i++)
		if (cmd_parse_pid(argv[i]) <= 0)
			return cmd_bad_value(&cmd_ps_entry, "PID", argv[i], "not a process id");

	ret = ps_collect(interval, PS_SORT_PID, &rows, &nr);
	if (ret) {
		fprintf(stderr, "upage ps: cannot read /proc: %s\n", strerror(-ret));
		return 1;
	}
	for (size_t i = 0; i < nr; i++)
		if (wanted(rows[i].now.pid, argv + optind, argc - optind))
			rows[kept++] = rows[i];
	ret = table_print(ps_table(rows, kept, &o), "ps");
	free(rows);
	return ret;
}
