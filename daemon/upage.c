// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upage.c - the `upage` command: find the subcommand, hand it the rest.
 *
 * As tmux's cmd.c: a table of cmd_entry (cmd.h), one per cmd-NAME.c; this
 * file knows nothing about what the commands do.  A usage error is a
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
	&cmd_stat_entry,
	&cmd_plot_entry,
	NULL,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: upage [--help | --version]\n");
	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		fprintf(f, "       upage %s %s\n", (*e)->name, (*e)->usage);
}

int cmd_usage(const struct cmd_entry *entry)
{
	fprintf(stderr, "usage: upage %s %s\n", entry->name, entry->usage);
	return CMD_EXIT_USAGE;
}

static const struct cmd_entry *cmd_find(const char *name)
{
	for (const struct cmd_entry *const *e = cmd_table; *e; e++)
		if (strcmp((*e)->name, name) == 0)
			return *e;
	return NULL;
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
		/* "upage help run" is "upage run --help" */
		if (argc > 2 && (entry = cmd_find(argv[2])) != NULL) {
			printf("usage: upage %s %s\n", entry->name, entry->usage);
			return 0;
		}
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("upage %s\n", PACKAGE_VERSION);
		return 0;
	}

	entry = cmd_find(argv[1]);
	if (!entry) {
		fprintf(stderr, "upage: unknown %s '%s'\n",
			argv[1][0] == '-' ? "option" : "command", argv[1]);
		usage(stderr);
		return CMD_EXIT_USAGE;
	}
	return entry->exec(argc - 1, argv + 1);
}
