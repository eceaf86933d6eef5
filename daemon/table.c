// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * table.c - the CLI's tables through libsmartcols, util-linux's own table
 * library, so --raw, --json and --noheadings mean what they mean for
 * swapon, lsblk and zramctl.  Sizes are printed as swapon prints them
 * (powers of 1024 with K/M/G/T, one decimal below 10), or in bytes.
 */
#include "autoconfig.h"

#include "table.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

bool table_opt(struct table_opts *o, int c)
{
	switch (c) {
	case TABLE_OPT_BYTES:
	case 'b':
		o->bytes = true;
		return true;
	case TABLE_OPT_NOHEADINGS:
	case 'n':
		o->noheadings = true;
		return true;
	case TABLE_OPT_RAW:
	case 'r':
		o->raw = true;
		return true;
	case TABLE_OPT_JSON:
	case 'J':
		o->json = true;
		return true;
	}
	return false;
}

struct libscols_table *table_new(const char *name, const struct table_opts *o)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_set_name(tb, name);
	scols_table_enable_json(tb, o->json);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	return tb;
}

struct libscols_column *table_column(struct libscols_table *tb, const struct table_opts *o,
				     const char *name, enum table_col kind)
{
	struct libscols_column *cl;

	cl = scols_table_new_column(tb, name, 0, kind == COL_TEXT ? 0 : SCOLS_FL_RIGHT);
	if (!cl)
		return NULL;
	if (kind == COL_NUMBER || (kind == COL_SIZE && o->bytes))
		scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
	return cl;
}

void cell_text(struct libscols_line *line, int col, const char *s)
{
	scols_line_set_data(line, col, s);
}

void cell_u64(struct libscols_line *line, int col, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	scols_line_set_data(line, col, buf);
}

void cell_i64(struct libscols_line *line, int col, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	scols_line_set_data(line, col, buf);
}

void cell_size(struct libscols_line *line, int col, const struct table_opts *o, uint64_t bytes)
{
	char buf[32];

	if (o->bytes)
		snprintf(buf, sizeof(buf), "%" PRIu64, bytes);
	else
		format_size(bytes, buf, sizeof(buf));
	scols_line_set_data(line, col, buf);
}

void cell_decimal(struct libscols_line *line, int col, double v, int digits)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.*f", digits, v);
	scols_line_set_data(line, col, buf);
}

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char suffix[] = "KMGTPE";
	double v = (double)bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 "B", bytes);
		return;
	}
	while (v >= 1024 && i < (int)sizeof(suffix) - 2) {
		v /= 1024;
		i++;
	}
	/* 1.5M, 10M: one decimal while it says something, as swapon */
	if (v < 10 && (uint64_t)(v * 10 + 0.5) % 10)
		snprintf(buf, len, "%.1f%c", v, suffix[i]);
	else
		snprintf(buf, len, "%.0f%c", v, suffix[i]);
}

int table_print(struct libscols_table *tb, const char *cmd)
{
	int ret = scols_print_table(tb);

	scols_unref_table(tb);
	fflush(stdout);
	if (ret) {
		fprintf(stderr, "upage %s: cannot print the table\n", cmd);
		return 1;
	}
	return 0;
}
