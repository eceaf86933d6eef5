// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd.c - what every subcommand's parser shares: the messages of a usage
 * error (one line, then the usage, exit status 2) and the parsing of pids
 * and intervals.
 */
#include "autoconfig.h"

#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int cmd_usage(const struct cmd_entry *entry)
{
	fprintf(stderr, "usage: upage %s %s\n", entry->name, entry->usage);
	return CMD_EXIT_USAGE;
}

int cmd_bad_option(const struct cmd_entry *entry, char **argv, int c)
{
	if (c == ':')
		fprintf(stderr, "upage %s: %s needs a value\n", entry->name, argv[optind - 1]);
	else if (optopt && optopt < 0x100)
		fprintf(stderr, "upage %s: unknown option -%c\n", entry->name, optopt);
	else
		fprintf(stderr, "upage %s: unknown option %s\n", entry->name, argv[optind - 1]);
	return cmd_usage(entry);
}

int cmd_bad_value(const struct cmd_entry *entry, const char *what, const char *value,
		  const char *why)
{
	fprintf(stderr, "upage %s: %s '%s': %s\n", entry->name, what, value, why);
	return cmd_usage(entry);
}

int cmd_parse_pid(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

int cmd_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0.1 || v > 3600)
		return -1;
	*out = v;
	return 0;
}
