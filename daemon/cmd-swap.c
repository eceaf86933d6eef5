// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-swap.c - `upage swap`: the swap areas of the processes under upage
 * and their use, with swapon --show's columns, and the process each
 * belongs to.
 *
 * Each process publishes its areas in its control block (lib/control.h):
 * its own private file or device, and the extents of upaged's areas it
 * was given.  The areas upaged itself owns come from the daemon, when it
 * answers (daemon/upaged-proto.h).
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "proc.h"
#include "table.h"

static int cmd_swap_exec(int argc, char **argv);

const struct cmd_entry cmd_swap_entry = {
	.name = "swap",
	.usage = "[--bytes] [--noheadings] [--raw] [--json]",
	.summary = "list the swap areas of the processes under upage, as swapon --show",
	.exec = cmd_swap_exec,
};

enum { C_NAME, C_TYPE, C_SIZE, C_USED, C_PRIO, C_PID };

static void help(void)
{
	printf("usage: upage swap %s\n\n"
	       "List the swap areas in use by the processes under upage (yours, or all\n"
	       "for root), one line per area and process, with swapon --show's columns\n"
	       "and the process's PID.\n\n"
	       TABLE_HELP
	       "  -h, --help            this help\n\n"
	       "Columns: NAME TYPE SIZE USED PRIO PID (TYPE: file, partition, or extent\n"
	       "of an area upaged owns).  See upage(1).\n",
	       cmd_swap_entry.usage);
}

static const char *kind_name(uint32_t kind)
{
	switch (kind) {
	case CONTROL_AREA_FILE:
		return "file";
	case CONTROL_AREA_PARTITION:
		return "partition";
	case CONTROL_AREA_EXTENT:
		return "extent";
	}
	return "?";
}

static int cmd_swap_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		TABLE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct table_opts o = { 0 };
	struct libscols_table *tb;
	struct upage_proc *v;
	size_t nr;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hbnrJ", longopts, NULL)) != -1) {
		if (table_opt(&o, c))
			continue;
		if (c == 'h') {
			help();
			return 0;
		}
		return cmd_bad_option(&cmd_swap_entry, argv, c);
	}
	if (optind < argc) {
		fprintf(stderr, "upage swap: unexpected argument '%s'\n", argv[optind]);
		return cmd_usage(&cmd_swap_entry);
	}
	ret = proc_list(&v, &nr);
	if (ret) {
		fprintf(stderr, "upage swap: cannot read /proc: %s\n", strerror(-ret));
		return 1;
	}
	tb = table_new("swap", &o);
	if (!tb) {
		free(v);
		fprintf(stderr, "upage swap: out of memory\n");
		return 1;
	}
	table_column(tb, &o, "NAME", COL_TEXT);
	table_column(tb, &o, "TYPE", COL_TEXT);
	table_column(tb, &o, "SIZE", COL_SIZE);
	table_column(tb, &o, "USED", COL_SIZE);
	table_column(tb, &o, "PRIO", COL_NUMBER);
	table_column(tb, &o, "PID", COL_NUMBER);
	for (size_t i = 0; i < nr; i++) {
		for (uint32_t k = 0; k < v[i].ctl.nr_areas; k++) {
			const struct upage_control_area *a = &v[i].ctl.areas[k];
			struct libscols_line *line = scols_table_new_line(tb, NULL);

			if (!line)
				break;
			cell_text(line, C_NAME, a->name);
			cell_text(line, C_TYPE, kind_name(a->kind));
			cell_size(line, C_SIZE, &o, a->size_bytes);
			cell_size(line, C_USED, &o, a->used_bytes);
			cell_i64(line, C_PRIO, a->prio);
			cell_u64(line, C_PID, (uint64_t)v[i].pid);
		}
	}
	free(v);
	return table_print(tb, "swap");
}
