/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd.h - the subcommands of the `upage` CLI, tmux style.
 *
 * Each subcommand is its own file (cmd-NAME.c) holding one cmd_entry and
 * its exec function; upage.c dispatches on the name.  Adding a command is
 * one new file, one extern here and one row in upage.c's table.  The
 * helpers below (cmd.c) keep the messages alike: a usage error is one
 * line and exit status 2, a runtime failure one line and exit status 1.
 */
#ifndef UPAGE_CMD_H
#define UPAGE_CMD_H

#include <stdbool.h>

struct cmd_entry {
	const char *name;			/* argv[1] */
	const char *usage;			/* after "upage NAME " */
	const char *summary;			/* one line for upage --help */
	int (*exec)(int argc, char **argv);	/* argv[0] is NAME; returns the exit status */
};

/* Exit status of a usage error (bad flag, bad value, missing argument). */
#define CMD_EXIT_USAGE	2

extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_stat_entry;
extern const struct cmd_entry cmd_plot_entry;
extern const struct cmd_entry cmd_ps_entry;
extern const struct cmd_entry cmd_top_entry;
extern const struct cmd_entry cmd_set_entry;
extern const struct cmd_entry cmd_swap_entry;

/* "usage: upage NAME USAGE" on stderr; returns CMD_EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *entry);

/* getopt_long returned @c (':' or '?', opterr = 0, optstring starting
 * "+:"): one line naming the option, then the usage; CMD_EXIT_USAGE. */
int cmd_bad_option(const struct cmd_entry *entry, char **argv, int c);
/* "upage NAME: WHAT 'VALUE': WHY", then the usage; CMD_EXIT_USAGE. */
int cmd_bad_value(const struct cmd_entry *entry, const char *what, const char *value,
		  const char *why);

/* A pid (1..INT_MAX), or -1. */
int cmd_parse_pid(const char *s);
/* Seconds between 0.1 and 3600 ("1", "0.5"): 0, or -1. */
int cmd_parse_seconds(const char *s, double *out);

#endif /* UPAGE_CMD_H */
