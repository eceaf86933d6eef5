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
 * end of the connection at the next tick.  What the daemon sends are
 * extents of its swap areas, each a private file of fixed size whose
 * descriptor comes with the message; it becomes one more swap area
 * (swapon_fd), used before the process's own file when its priority is
 * higher.
 *
 * The socket is upage's own descriptor (ownfd.h), read between
 * ownfd_enter and ownfd_exit.
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

#include "ownfd.h"
#include "swapfile.h"
#include "sys.h"

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
	ownfd_close(&daemon_fd);
}

static void try_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	last_try = monotonic_seconds();
	if (!socket_path[0])
		return;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	/* Out of the program's way (ownfd.h): a closefrom in the program
	 * must not leave the number to a file the hello would then go to. */
	fd = ownfd_place(fd);
	memcpy(sa.sun_path, socket_path, sizeof(socket_path));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, UPAGED_MSG_HELLO, sizeof(UPAGED_MSG_HELLO) - 1,
		 MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		close(fd);
		return;
	}
	daemon_fd = fd;
	if (ownfd_add(&daemon_fd, "upaged socket"))
		disconnect();
}

void upaged_client_init(const char *path)
{
	snprintf(socket_path, sizeof(socket_path), "%s", path);
	try_connect();
}

/* "extent PRIO NAME" with @fd: one more swap area, which owns @fd. */
static void take_extent(const char *msg, int fd)
{
	char name[UPAGED_MSG_MAX];
	int prio, ret;

	if (sscanf(msg, UPAGED_MSG_EXTENT " %d %4000s", &prio, name) != 2) {
		close(fd);
		return;
	}
	ret = swapon_fd(fd, name, prio);
	if (ret < 0)
		upage_msg("cannot use the swap extent %s upaged gave: %s", name,
			  strerrordesc_np(-ret));
}

/* One message into @buf (NUL terminated), with the descriptor it carried
 * in *fdp (-1: none).  The length, 0 at the end, or -1 (errno). */
static ssize_t receive(char *buf, size_t len, int *fdp)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, len - 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int tok;

	*fdp = -1;
	tok = ownfd_enter();
	n = recvmsg(ownfd_get(&daemon_fd), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	ownfd_exit(tok);
	if (n < 0)
		return n;
	buf[n] = '\0';
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fdp, CMSG_DATA(c), sizeof(int));
	return n;
}

/* Read what the daemon sent; false when the connection is over. */
static bool drain(void)
{
	char buf[UPAGED_MSG_MAX];

	for (;;) {
		int fd;
		ssize_t n = receive(buf, sizeof(buf), &fd);

		if (n > 0 && fd >= 0 && strncmp(buf, UPAGED_MSG_EXTENT " ",
						 sizeof(UPAGED_MSG_EXTENT)) == 0)
			take_extent(buf, fd);
		else if (fd >= 0)
			close(fd);
		if (n > 0)
			continue;
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
