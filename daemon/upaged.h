/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upaged.h - the daemon's parts: the processes it follows and divides its
 * budget among (upaged-procs.c), its socket and the requests on it
 * (upaged-socket.c), its swap areas (upaged-swap.c), all driven by one
 * event loop (upaged.c).  Single-threaded: no locks.
 */
#ifndef UPAGE_UPAGED_H
#define UPAGE_UPAGED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc.h"
#include "upaged-conf.h"

/* The floor of a share when the configuration sets no MinRSS. */
#define UPAGED_DEFAULT_MIN	(16ULL << 20)
/* A share lapses after this many intervals without renewal. */
#define UPAGED_LEASE_INTERVALS	3
/* Every this many intervals, /proc is searched for processes that never
 * registered (they started before the daemon, or could not reach it). */
#define UPAGED_RESCAN_INTERVALS	10

/* One process under upage that the daemon follows. */
struct tracked {
	int pid;
	unsigned long long start_ticks;	/* with pid: the same process */
	uid_t uid;
	char user[33];
	char command[64];
	struct upage_control *ctl;	/* mapped read-write */
	struct upage_proc last;		/* the previous sample */
	double pressure;		/* stall, smoothed */
	uint64_t refaults;		/* bytes swapped in over the last interval */
	uint64_t share;			/* what it was given, 0: nothing yet */
	bool defaults_done;		/* [User]/[Command] MaxRSS applied */
	uint64_t default_cap;		/* the cap it applied, 0: none */
	bool registered;		/* it said hello (else: found in /proc) */
	int conn;			/* its connection, -1 when none */
	unsigned int extents;		/* extents handed to it (or found on it) */
};

/* At most this many extents per process. */
#define UPAGED_MAX_EXTENTS	4

extern struct upaged_conf upaged_conf;
/* The socket it listens on, as given (processes name it in their control block). */
extern const char *upaged_socket_path;

/* --- upaged-procs.c --- */

/* Follow @pid if it runs under upage and is not followed yet; @conn is
 * its connection when it registered, else -1.  0, or -errno when it
 * cannot be (not under upage, gone, another daemon's). */
int procs_add(int pid, int conn);
/* Connection @conn is closed. */
void procs_disconnected(int conn);
/* Search /proc for every process under upage. */
void procs_rescan(void);
/* Sample every process, forget the ended, divide the budget. */
void procs_interval(void);
/* Give back every share (a clean stop): the processes run on their own caps. */
void procs_release(void);
/* Processes followed now. */
unsigned int procs_count(void);
/* The configuration changed: apply the defaults again. */
void procs_reconfigure(void);

/* --- upaged-socket.c --- */

/* Listen on @path (0600 directory rules aside: anyone may connect; each
 * request is checked against SO_PEERCRED).  The fd, or -1 after a message. */
int socket_listen(const char *path);
/* A connection is waiting on @lfd: accept it into the loop (@epfd). */
void socket_accept(int lfd, int epfd);
/* Data or hang-up on client @fd.  */
void socket_client(int fd, int epfd);
void socket_close_all(void);

/* --- upaged-swap.c --- */

/* Check the configured areas (directories on disks where private files
 * can be made) and take them; 0, or -1 with a message in @err and the
 * areas as they were. */
int swap_open_all(const struct upaged_conf *conf, char *err, size_t errlen);
void swap_close_all(void);
unsigned int swap_nr_areas(void);
/* Count what is handed out: begin, each extent a process publishes, end. */
void swap_account_begin(void);
void swap_account_extent(const struct upage_control_area *a);
void swap_account_end(void);
/* Hand one extent to the process on connection @conn: 0, -ENOSPC (every
 * area full), or -errno. */
int swap_give(int conn);
/* Write the areas as messages on @fd ("area ..."). */
void swap_report(int fd, uid_t uid);

/* A message on stderr, prefixed "upaged: ", for journald. */
void upaged_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* UPAGE_UPAGED_H */
