// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upaged-state.c - what every part of upaged shares: the configuration in
 * force, the socket path, and the log (a line on stderr, which journald
 * keeps under systemd).  Kept apart so that each part of the daemon
 * imports only what lies below it.  Single-threaded: no locks.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>

#include "upaged-state.h"

struct upaged_conf upaged_conf;
const char *upaged_socket_path;

void upaged_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "upaged: %s\n", line);
}
