/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upaged_client.h - the process's side of upaged: register over its Unix
 * socket, and keep registered (upaged_client.c).
 *
 * Never blocks the program and never needs the daemon: the connect is
 * non-blocking, every send and receive is MSG_DONTWAIT, and a daemon that
 * is absent, slow or gone only means the process runs on alone with its
 * own swap area and cap (the daemon's share of the budget lapses by
 * itself, control.h).  The extents the daemon hands over are the
 * process's own files from then on: they outlive the daemon.
 */
#ifndef UPAGE_UPAGED_CLIENT_H
#define UPAGE_UPAGED_CLIENT_H

/*
 * The protocol: text messages, one per SOCK_SEQPACKET packet.  A process
 * under upage says hello once and keeps the connection; a tool asks for
 * the swap areas and gets one "area" message per area it may see, then
 * "end"; anything else is answered "error WHY".
 */
#define UPAGED_MSG_HELLO	"hello 1"	/* a process under upage registers */
#define UPAGED_MSG_SWAP		"swap"		/* -> "area NAME\tTYPE\tSIZE\tUSED\tPRIO\tPID"... */
#define UPAGED_MSG_END		"end"
/*
 * From the daemon to a registered process: "extent PRIO NAME" with a
 * descriptor (SCM_RIGHTS) of a private file of fixed size, an extent of
 * one of the daemon's areas, to add as a swap area of priority PRIO.
 */
#define UPAGED_MSG_EXTENT	"extent"
#define UPAGED_MSG_MAX		4096

/* At start-up: remember @path ("" : never register) and try once. */
void upaged_client_init(const char *path);
/* From kswapd's loop, without page_table_lock: notice a daemon gone,
 * reconnect to one back (at most every few seconds). */
void upaged_client_tick(void);
/* In a forked child: the connection is the parent's; make one of its own. */
void upaged_client_fork_child(void);

#endif /* UPAGE_UPAGED_CLIENT_H */
