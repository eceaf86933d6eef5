/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * table.h - the CLI's tables, as util-linux prints them (table.c): through
 * libsmartcols, with the same flags as swapon --show or zramctl:
 * --bytes, --noheadings, --raw, --json.
 */
#ifndef UPAGE_TABLE_H
#define UPAGE_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <libsmartcols.h>

struct table_opts {
	bool bytes;		/* sizes in bytes, not K/M/G/T */
	bool noheadings;
	bool raw;
	bool json;
};

/* getopt_long values of the four flags (above any short option). */
enum {
	TABLE_OPT_BYTES = 0x1000,
	TABLE_OPT_NOHEADINGS,
	TABLE_OPT_RAW,
	TABLE_OPT_JSON,
};

/* The four flags' struct option rows: four entries, for a longopts array. */
#define TABLE_LONGOPTS \
	{ "bytes", no_argument, NULL, TABLE_OPT_BYTES }, \
	{ "noheadings", no_argument, NULL, TABLE_OPT_NOHEADINGS }, \
	{ "raw", no_argument, NULL, TABLE_OPT_RAW }, \
	{ "json", no_argument, NULL, TABLE_OPT_JSON }

/* Their lines of --help. */
#define TABLE_HELP \
	"  -b, --bytes           sizes in bytes, not with K/M/G/T\n" \
	"  -n, --noheadings      no header line\n" \
	"  -r, --raw             raw output: columns separated by one space\n" \
	"  -J, --json            JSON output\n"

/* Take getopt's @c if it is one of the four (or -b -n -r -J): true. */
bool table_opt(struct table_opts *o, int c);

/* A table named @name (the JSON key of its rows) with the options set. */
struct libscols_table *table_new(const char *name, const struct table_opts *o);

/* Column kinds: how a cell is aligned, and typed in JSON. */
enum table_col {
	COL_TEXT,
	COL_NUMBER,	/* right-aligned; a JSON number */
	COL_SIZE,	/* right-aligned; a JSON number with --bytes, else a string */
};
struct libscols_column *table_column(struct libscols_table *tb, const struct table_opts *o,
				     const char *name, enum table_col kind);

/* Set cell @col of @line: text, a number, a size, a decimal. */
void cell_text(struct libscols_line *line, int col, const char *s);
void cell_u64(struct libscols_line *line, int col, uint64_t v);
void cell_i64(struct libscols_line *line, int col, int64_t v);
void cell_size(struct libscols_line *line, int col, const struct table_opts *o, uint64_t bytes);
void cell_decimal(struct libscols_line *line, int col, double v, int digits);

/* @bytes as swapon prints it: 512, 4K, 1.5M, 2G, 3.1T. */
void format_size(uint64_t bytes, char *buf, size_t len);

/* Print it to stdout and free it.  0, or 1 after a message. */
int table_print(struct libscols_table *tb, const char *cmd);

#endif /* UPAGE_TABLE_H */
