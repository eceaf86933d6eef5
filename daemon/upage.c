// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upage.c - the `upage` command: find the subcommand, hand it the rest.
 *
 * As tmux's cmd.c: a table of cmd_entry (cmd.h), one per cmd-NAME.c; this
 * file knows nothing about what the commands do.  "upage help CMD" runs
 * "upage CMD --help", so the two are the same text.  A usage error is a
 * message on stderr and exit status 2.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"	/* built without autoconf's config.h */
#endif

static const struct cmd_entry *const cmd_table[] = {
	&cmd_run_entry,
	&cmd_ps_entry,
	&cmd_top_entry,
	&cmd_stat_entry,
	&cmd_set_entry,
	&cmd_swap_entry,
	&cmd_plot_entry,
	NULL,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: upage COMMAND [ARGS]\n"
		   "       upage help COMMAND | --help | --version\n\n"
		   "upage runs programs with their heap paged by a user-level memory manager\n"
		   "built as Linux 2.4's, under a resident cap, and watches and steers them.\n\n"
		   "Commands:\n");
	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		fprintf(f, "  %-8s %s\n", (*e)->name, (*e)->summary);
	fprintf(f, "\n\"upage help COMMAND\" tells more; see upage(1).\n");
}

static const struct cmd_entry *cmd_find(const char *name)
{
	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		if (strcmp((*e)->name, name) == 0)
			return *e;
	return NULL;
}

static int unknown(const char *what)
{
	fprintf(stderr, "upage: unknown %s '%s' (upage --help lists the commands)\n",
		what[0] == '-' ? "option" : "command", what);
	return CMD_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const struct cmd_entry *entry;

	if (argc < 2) {
		usage(stderr);
		return CMD_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2) {
			char help[] = "--help";
			char *args[] = { argv[2], help, NULL };

			entry = cmd_find(argv[2]);
			if (!entry)
				return unknown(argv[2]);
			return entry->exec(2, args);
		}
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("upage %s\n", PACKAGE_VERSION);
		return 0;
	}

	entry = cmd_find(argv[1]);
	if (!entry)
		return unknown(argv[1]);
	return entry->exec(argc - 1, argv + 1);
}
