/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upaged-state.h - what every part of upaged shares (upaged-state.c): the
 * configuration in force, the socket it listens on, and its log.  The
 * event loop (upaged.c) sets the first two; the parts read them.
 * Single-threaded: no locks.
 */
#ifndef UPAGE_UPAGED_STATE_H
#define UPAGE_UPAGED_STATE_H

#include "upaged-conf.h"

/* The configuration in force: replaced whole by a good reload (SIGHUP). */
extern struct upaged_conf upaged_conf;
/* The socket it listens on, as given (processes name it in their control block). */
extern const char *upaged_socket_path;

/* A message on stderr, prefixed "upaged: ", for journald. */
void upaged_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* UPAGE_UPAGED_STATE_H */
