// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-swap.c - `upage swap`: the swap areas of the processes under upage
 * and their use, with swapon --show's columns, and the process each
 * belongs to.
 *
 * Each process publishes its areas in its control block (lib/control.h):
 * its own private file or device, and the extents of upaged's areas it
 * was given.  The areas upaged itself owns come from the daemon on
 * UPAGE_SOCKET, when one answers within a second (lib/upaged_client.h
 * has the protocol).
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "proc.h"
#include "table.h"
#include "upaged_client.h"

#define DAEMON_TIMEOUT_MS	1000

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
	       "of an area upaged owns; the areas upaged owns, TYPE extents, follow when\n"
	       "it answers on $UPAGE_SOCKET).  See upage(1).\n",
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

/* One row of the daemon's "area NAME\tTYPE\tSIZE\tUSED\tPRIO\t-" answer. */
static void daemon_row(struct libscols_table *tb, const struct table_opts *o, char *msg)
{
	char *f[6], *save = NULL;
	struct libscols_line *line;
	int n = 0;

	for (char *t = strtok_r(msg + 5, "\t", &save); t && n < 6; t = strtok_r(NULL, "\t", &save))
		f[n++] = t;
	if (n != 6 || !(line = scols_table_new_line(tb, NULL)))
		return;
	cell_text(line, C_NAME, f[0]);
	cell_text(line, C_TYPE, f[1]);
	cell_size(line, C_SIZE, o, strtoull(f[2], NULL, 10));
	cell_size(line, C_USED, o, strtoull(f[3], NULL, 10));
	cell_i64(line, C_PRIO, strtoll(f[4], NULL, 10));
	cell_text(line, C_PID, o->json ? NULL : "-");
}

/* The areas upaged owns, when one answers on UPAGE_SOCKET (else none). */
static void daemon_areas(struct libscols_table *tb, const struct table_opts *o)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = getenv("UPAGE_SOCKET");
	char msg[UPAGED_MSG_MAX + 1];
	int fd;

	if (!path || !path[0])
		path = UPAGED_SOCKET_DEFAULT;
	if (strcmp(path, "none") == 0 || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    send(fd, UPAGED_MSG_SWAP, strlen(UPAGED_MSG_SWAP), MSG_NOSIGNAL) > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		while (poll(&pfd, 1, DAEMON_TIMEOUT_MS) == 1) {
			ssize_t n = recv(fd, msg, UPAGED_MSG_MAX, 0);

			if (n <= 0)
				break;
			msg[n] = '\0';
			if (strcmp(msg, UPAGED_MSG_END) == 0)
				break;
			if (strncmp(msg, "area ", 5) == 0)
				daemon_row(tb, o, msg);
		}
	}
	close(fd);
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
	daemon_areas(tb, &o);
	return table_print(tb, "swap");
}
