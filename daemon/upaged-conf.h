/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upaged-conf.h - upaged's configuration (upaged-conf.c; upaged.conf(5)).
 *
 * INI, as systemd-oomd's and zram-generator's: the main file and its
 * drop-ins (FILE.d/NAME.conf, in the order of their names, each overriding
 * what came before), parsed with libinih.  A bad line is one message
 * naming the file, the line and what was wrong.
 */
#ifndef UPAGE_UPAGED_CONF_H
#define UPAGE_UPAGED_CONF_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef UPAGED_CONF_DEFAULT	/* from Makefile.am: $(sysconfdir)/upage/upaged.conf */
#define UPAGED_CONF_DEFAULT	"/etc/upage/upaged.conf"
#endif
#define CONF_MAX_SWAP		8
#define CONF_MAX_RULES		64
#define CONF_NAME_MAX		64

/* The extents handed out, unless ExtentSize= says otherwise. */
#define CONF_EXTENT_DEFAULT	(64ULL << 20)

struct conf_swap {
	char name[CONF_NAME_MAX];	/* [Swap:NAME] */
	char path[PATH_MAX];		/* Path=: a directory on a disk */
	uint64_t size;			/* Size=: the most handed out at once */
	uint64_t extent_size;		/* ExtentSize=: one process's piece */
	int prio;			/* Priority= */
};

enum conf_rule_kind { RULE_DEFAULT, RULE_USER, RULE_COMMAND };

/* [Default], [User:NAME] and [Command:NAME]: for the processes they match. */
struct conf_rule {
	enum conf_rule_kind kind;
	char name[CONF_NAME_MAX];	/* the user or the command (/proc/PID/comm) */
	uint64_t max_rss;		/* MaxRSS=: the cap when the process set none; 0 unset */
	uint64_t min_rss;		/* MinRSS=: its share never goes below; 0 unset */
	unsigned int weight;		/* Weight=: 1-1000 (default 100) */
};

struct upaged_conf {
	/* [Budget] */
	uint64_t budget;		/* Memory=: bytes (a percentage resolved), 0: none */
	unsigned int budget_percent;	/* ... as given, 0 when a size */
	double interval;		/* Interval=: seconds between divisions */
	double stall_threshold;		/* StallThreshold=: below it, no pressure (0.05) */

	struct conf_swap swap[CONF_MAX_SWAP];
	unsigned int nr_swap;
	struct conf_rule rule[CONF_MAX_RULES];
	unsigned int nr_rules;
	unsigned int nr_files;		/* files read, drop-ins included */
};

/*
 * Read @path and its drop-ins (@path.d/NAME.conf) into @conf.  A missing
 * @path is an error only when @must_exist.  Returns 0, or -1 with one line
 * in @err ("FILE:LINE: what was wrong").
 */
int upaged_conf_load(struct upaged_conf *conf, const char *path, bool must_exist, char *err,
		     size_t errlen);

/* The rule for a process of @user running @command: the most specific
 * of Command, User, Default (NULL: none). */
const struct conf_rule *upaged_conf_match(const struct upaged_conf *conf, const char *user,
					  const char *command);

#endif /* UPAGE_UPAGED_CONF_H */
