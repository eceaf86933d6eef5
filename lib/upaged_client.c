// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upaged_client.c - register with upaged, and stay registered.
 *
 * One SOCK_SEQPACKET connection to the daemon's socket, made without
 * blocking: connect(2) on a non-blocking Unix socket either succeeds at
 * once, or fails (no daemon: ENOENT, ECONNREFUSED; a full backlog:
 * EAGAIN), and then kswapd tries again a few seconds later.  The daemon
 * knows the process by the connection's credentials (SO_PEERCRED), so the
 * hello carries nothing it could lie about; the connection closing tells
 * the daemon the process is gone.  A daemon that goes away is seen as the
 * end of the connection at the next tick.
 *
 * Locking: the state below belongs to kswapd (and to the constructor and
 * the fork child handler, before kswapd runs): no lock.
 */
#include "autoconfig.h"

#include "upaged_client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CLIENT_FD_MIN		100	/* clear of the program's low descriptors */
#define RECONNECT_SECONDS	2

static char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static int daemon_fd = -1;
static time_t last_try;

static time_t monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void disconnect(void)
{
	if (daemon_fd >= 0)
		close(daemon_fd);
	daemon_fd = -1;
}

static void try_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, high;

	last_try = monotonic_seconds();
	if (!socket_path[0])
		return;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	high = fcntl(fd, F_DUPFD_CLOEXEC, CLIENT_FD_MIN);
	if (high >= 0) {
		close(fd);
		fd = high;
	}
	memcpy(sa.sun_path, socket_path, sizeof(socket_path));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, UPAGED_MSG_HELLO, sizeof(UPAGED_MSG_HELLO) - 1,
		 MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		close(fd);
		return;
	}
	daemon_fd = fd;
}

void upaged_client_init(const char *path)
{
	snprintf(socket_path, sizeof(socket_path), "%s", path);
	try_connect();
}

/* Read what the daemon sent; false when the connection is over. */
static bool drain(void)
{
	char buf[UPAGED_MSG_MAX];

	for (;;) {
		ssize_t n = recv(daemon_fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0)
			continue;	/* nothing the process acts on yet */
		if (n == 0)
			return false;	/* the daemon closed it, or died */
		return errno == EAGAIN || errno == EINTR;
	}
}

void upaged_client_tick(void)
{
	if (daemon_fd >= 0 && !drain())
		disconnect();
	if (daemon_fd < 0 && monotonic_seconds() - last_try >= RECONNECT_SECONDS)
		try_connect();
}

void upaged_client_fork_child(void)
{
	disconnect();
	try_connect();
}
