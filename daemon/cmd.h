/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd.h - the subcommands of the `upage` CLI, tmux style.
 *
 * Each subcommand is its own file (cmd-NAME.c) holding one cmd_entry and
 * its exec function; upage.c dispatches on the name.  Adding a command is
 * one new file, one extern here and one row in upage.c's table.
 */
#ifndef UPAGE_CMD_H
#define UPAGE_CMD_H

struct cmd_entry {
	const char *name;			/* argv[1] */
	const char *usage;			/* after "upage NAME " */
	int (*exec)(int argc, char **argv);	/* argv[0] is NAME; returns the exit status */
};

/* Exit status of a usage error (bad flag, bad value, missing argument). */
#define CMD_EXIT_USAGE	2

extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_stat_entry;
extern const struct cmd_entry cmd_plot_entry;

/* "usage: upage NAME USAGE" on stderr; returns CMD_EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *entry);

#endif /* UPAGE_CMD_H */
