// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upaged-conf.c - read upaged.conf and its drop-ins with libinih.
 *
 * libinih calls handle() for each NAME=VALUE with its section; handle()
 * stores it or keeps the first message saying what was wrong, and
 * returns 0, for which ini_parse_stream gives the line: together, one
 * line "FILE:LINE: what".  (Our reader counts lines, so a message is
 * used only for its own line.)  A line libinih cannot read at all (no '=', an
 * unclosed '[') has no message of ours: it is a syntax error.
 */
#include "autoconfig.h"

#include "upaged-conf.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"

struct parse {
	struct upaged_conf *conf;
	FILE *file;
	int lines;			/* read so far */
	int why_line;			/* the line of why[] */
	char why[256];			/* the first thing wrong in this file */
};

static int __attribute__((format(printf, 2, 3))) wrong(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->why[0]) {
		p->why_line = p->lines;
		va_start(ap, fmt);
		vsnprintf(p->why, sizeof(p->why), fmt, ap);
		va_end(ap);
	}
	return 0;
}

static uint64_t ram_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

/* Memory=: a size (K/M/G/T) or a percentage of RAM ("50%"). */
static int set_budget(struct parse *p, const char *value)
{
	struct upaged_conf *c = p->conf;
	unsigned long long v;
	char *end;

	if (value[0] && value[strlen(value) - 1] == '%') {
		unsigned long pct = strtoul(value, &end, 10);

		if (end == value || *end != '%' || end[1] || pct < 1 || pct > 100)
			return wrong(p, "Memory=%s: a percentage of RAM is 1%% to 100%%", value);
		c->budget_percent = (unsigned int)pct;
		c->budget = ram_bytes() / 100 * pct;
		return 1;
	}
	if (parse_size(value, &v) || v < CONFIG_MIN_MAX_RSS)
		return wrong(p, "Memory=%s: not a size of at least 1M (K, M, G, T) or a "
			     "percentage of RAM", value);
	c->budget = v;
	c->budget_percent = 0;
	return 1;
}

static int set_seconds(struct parse *p, const char *key, const char *value, double *out)
{
	char *end;
	double v = strtod(value, &end);

	/* "2", "0.5", "2s" */
	if (end != value && end[0] == 's' && !end[1])
		end++;
	if (end == value || *end || !isfinite(v) || v < 0.1 || v > 3600)
		return wrong(p, "%s=%s: not a number of seconds (0.1 to 3600)", key, value);
	*out = v;
	return 1;
}

static int set_size(struct parse *p, const char *key, const char *value, uint64_t *out)
{
	unsigned long long v;

	if (parse_size(value, &v) || v < CONFIG_MIN_MAX_RSS)
		return wrong(p, "%s=%s: not a size of at least 1M (K, M, G or T)", key, value);
	*out = v;
	return 1;
}

static int handle_budget(struct parse *p, const char *name, const char *value)
{
	char *end;

	if (strcasecmp(name, "Memory") == 0)
		return set_budget(p, value);
	if (strcasecmp(name, "Interval") == 0)
		return set_seconds(p, "Interval", value, &p->conf->interval);
	if (strcasecmp(name, "StallThreshold") == 0) {
		double v = strtod(value, &end);

		if (end == value || *end != '%' || end[1] || !(v >= 0 && v <= 100))
			return wrong(p, "StallThreshold=%s: not a percentage (0%% to 100%%)",
				     value);
		p->conf->stall_threshold = v / 100;
		return 1;
	}
	return wrong(p, "[Budget] has no key %s (Memory, Interval, StallThreshold)", name);
}

/* The [Swap:NAME] of @name, made on first sight. */
static struct conf_swap *swap_section(struct parse *p, const char *name)
{
	struct upaged_conf *c = p->conf;

	for (unsigned int i = 0; i < c->nr_swap; i++)
		if (strcmp(c->swap[i].name, name) == 0)
			return &c->swap[i];
	if (c->nr_swap == CONF_MAX_SWAP)
		return NULL;
	memset(&c->swap[c->nr_swap], 0, sizeof(c->swap[0]));
	snprintf(c->swap[c->nr_swap].name, CONF_NAME_MAX, "%s", name);
	c->swap[c->nr_swap].extent_size = CONF_EXTENT_DEFAULT;
	c->swap[c->nr_swap].prio = 10;
	return &c->swap[c->nr_swap++];
}

static int handle_swap(struct parse *p, const char *section, const char *name, const char *value)
{
	struct conf_swap *s = swap_section(p, section);
	char *end;
	long prio;

	if (!s)
		return wrong(p, "more than %d [Swap:...] sections", CONF_MAX_SWAP);
	if (strcasecmp(name, "Path") == 0) {
		if (value[0] != '/' || strlen(value) >= sizeof(s->path))
			return wrong(p, "Path=%s: not an absolute path", value);
		snprintf(s->path, sizeof(s->path), "%s", value);
		return 1;
	}
	if (strcasecmp(name, "Size") == 0)
		return set_size(p, "Size", value, &s->size);
	if (strcasecmp(name, "ExtentSize") == 0)
		return set_size(p, "ExtentSize", value, &s->extent_size);
	if (strcasecmp(name, "Priority") == 0) {
		prio = strtol(value, &end, 10);
		if (end == value || *end || prio < -1000 || prio > 32767)
			return wrong(p, "Priority=%s: not a number from -1000 to 32767", value);
		s->prio = (int)prio;
		return 1;
	}
	return wrong(p, "[Swap:%s] has no key %s (Path, Size, ExtentSize, Priority)", section,
		     name);
}

static struct conf_rule *rule_section(struct parse *p, enum conf_rule_kind kind, const char *name)
{
	struct upaged_conf *c = p->conf;
	struct conf_rule *r;

	for (unsigned int i = 0; i < c->nr_rules; i++)
		if (c->rule[i].kind == kind && strcmp(c->rule[i].name, name) == 0)
			return &c->rule[i];
	if (c->nr_rules == CONF_MAX_RULES)
		return NULL;
	r = &c->rule[c->nr_rules++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->weight = 100;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

static int handle_rule(struct parse *p, enum conf_rule_kind kind, const char *section,
		       const char *name, const char *value)
{
	struct conf_rule *r = rule_section(p, kind, section);
	char *end;
	long w;

	if (!r)
		return wrong(p, "more than %d [User:...], [Command:...] and [Default] sections",
			     CONF_MAX_RULES);
	if (strcasecmp(name, "MaxRSS") == 0)
		return set_size(p, "MaxRSS", value, &r->max_rss);
	if (strcasecmp(name, "MinRSS") == 0)
		return set_size(p, "MinRSS", value, &r->min_rss);
	if (strcasecmp(name, "Weight") == 0) {
		w = strtol(value, &end, 10);
		if (end == value || *end || w < 1 || w > 1000)
			return wrong(p, "Weight=%s: not a number from 1 to 1000", value);
		r->weight = (unsigned int)w;
		return 1;
	}
	return wrong(p, "this section has no key %s (MaxRSS, MinRSS, Weight)", name);
}

/* "Kind:NAME" with a non-empty NAME of at most CONF_NAME_MAX - 1 bytes. */
static const char *section_name(const char *section, const char *kind)
{
	size_t len = strlen(kind);

	if (strncasecmp(section, kind, len) != 0 || section[len] != ':')
		return NULL;
	section += len + 1;
	return section[0] && strlen(section) < CONF_NAME_MAX ? section : NULL;
}

static int handle(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const char *id;

	if (strcasecmp(section, "Budget") == 0)
		return handle_budget(p, name, value);
	if (strcasecmp(section, "Default") == 0)
		return handle_rule(p, RULE_DEFAULT, "", name, value);
	if ((id = section_name(section, "Swap")) != NULL)
		return handle_swap(p, id, name, value);
	if ((id = section_name(section, "User")) != NULL)
		return handle_rule(p, RULE_USER, id, name, value);
	if ((id = section_name(section, "Command")) != NULL)
		return handle_rule(p, RULE_COMMAND, id, name, value);
	if (!section[0])
		return wrong(p, "%s= is outside every section", name);
	return wrong(p, "unknown section [%s] (Budget, Default, Swap:NAME, User:NAME, "
		     "Command:NAME)", section);
}

/* fgets for libinih, counting the lines: the handler knows where it is. */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *line = fgets(str, num, p->file);

	if (line)
		p->lines++;
	return line;
}

static int parse_file(struct upaged_conf *conf, const char *path, bool must_exist, char *err,
		      size_t errlen)
{
	struct parse p = { .conf = conf };
	FILE *f = fopen(path, "re");
	int line;

	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	p.file = f;
	line = ini_parse_stream(reader, &p, handle, &p);
	fclose(f);
	conf->nr_files++;
	if (line == 0)
		return 0;
	if (line < 0)
		snprintf(err, errlen, "%s: cannot read it", path);
	else
		snprintf(err, errlen, "%s:%d: %s", path, line,
			 p.why[0] && p.why_line == line ? p.why
							: "not a [Section] or a Key=Value line");
	return -1;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int conf_file(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 5 && strcmp(d->d_name + len - 5, ".conf") == 0;
}

/* Every swap area has a path and a size, and holds an extent at least. */
static int check(const struct upaged_conf *conf, const char *path, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < conf->nr_swap; i++) {
		const struct conf_swap *s = &conf->swap[i];

		if (!s->path[0] || !s->size) {
			snprintf(err, errlen, "%s: [Swap:%s] has no %s=", path, s->name,
				 s->path[0] ? "Size" : "Path");
			return -1;
		}
		if (s->extent_size > s->size) {
			snprintf(err, errlen, "%s: [Swap:%s] ExtentSize= is larger than Size=", path,
				 s->name);
			return -1;
		}
	}
	return 0;
}

int upaged_conf_load(struct upaged_conf *conf, const char *path, bool must_exist, char *err,
		     size_t errlen)
{
	char dir[PATH_MAX + 3], file[2 * PATH_MAX + 8];
	struct dirent **names;
	int n, ret = 0;

	memset(conf, 0, sizeof(*conf));
	conf->interval = 1.0;
	conf->stall_threshold = 0.05;
	err[0] = '\0';
	if (parse_file(conf, path, must_exist, err, errlen))
		return -1;
	snprintf(dir, sizeof(dir), "%s.d", path);
	n = scandir(dir, &names, conf_file, by_name);
	for (int i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", dir, names[i]->d_name);
		if (!ret && parse_file(conf, file, true, err, errlen))
			ret = -1;
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	if (ret)
		return ret;
	return check(conf, path, err, errlen);
}

const struct conf_rule *upaged_conf_match(const struct upaged_conf *conf, const char *user,
					  const char *command)
{
	const struct conf_rule *best = NULL;

	for (unsigned int i = 0; i < conf->nr_rules; i++) {
		const struct conf_rule *r = &conf->rule[i];

		if (r->kind == RULE_COMMAND && strcmp(r->name, command) == 0)
			return r;
		if (r->kind == RULE_USER && strcmp(r->name, user) == 0)
			best = r;
		else if (r->kind == RULE_DEFAULT && !best)
			best = r;
	}
	return best;
}
