// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upaged-socket.c - upaged's Unix socket: processes register on it, tools
 * ask on it (lib/upaged_client.h has the protocol).
 *
 * Anyone may connect; what a connection may do is decided by its
 * SO_PEERCRED, which the kernel fills in and nobody can forge: a hello
 * registers the peer's own pid, never another, and only when that
 * process belongs to the peer's user; a tool sees only its user's
 * extents (root: all).
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "upaged-procs.h"
#include "upaged-socket.h"
#include "upaged-state.h"
#include "upaged-swap.h"
#include "upaged_client.h"

#define MAX_CLIENTS	4096

static int clients[MAX_CLIENTS];
static unsigned int nr_clients;
static char listen_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

/* Is a daemon answering on @sa already? */
static bool someone_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool yes;

	if (fd < 0)
		return false;
	yes = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return yes;
}

int socket_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		upaged_log("--socket %s: longer than a socket path may be (%zu bytes)", path,
			   sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (someone_listens(&sa)) {
		upaged_log("another upaged is listening on %s", path);
		return -1;
	}
	unlink(path);	/* a dead daemon's socket */
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0666) < 0 || listen(fd, 128) < 0) {
		upaged_log("cannot listen on %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(listen_path, sizeof(listen_path), "%s", path);
	return fd;
}

void socket_accept(int lfd, int epfd)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		if (nr_clients == MAX_CLIENTS) {
			close(fd);
			continue;
		}
		ev.data.fd = fd;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			continue;
		}
		clients[nr_clients++] = fd;
	}
}

static void drop(int fd, int epfd)
{
	procs_disconnected(fd);
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	for (unsigned int i = 0; i < nr_clients; i++) {
		if (clients[i] == fd) {
			clients[i] = clients[--nr_clients];
			break;
		}
	}
}

static void reply(int fd, const char *msg)
{
	send(fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* The process on the other end registers itself. */
static void hello(int fd, const struct ucred *cred)
{
	char path[64];
	struct stat st;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d", (int)cred->pid);
	if (stat(path, &st) < 0 || st.st_uid != cred->uid)
		return;		/* gone, or changed hands (setuid exec) */
	ret = procs_add((int)cred->pid, fd);
	if (ret && ret != -ENOENT)
		upaged_log("cannot follow %d: %s", (int)cred->pid, strerror(-ret));
}

void socket_client(int fd, int epfd)
{
	char buf[UPAGED_MSG_MAX + 1];
	struct ucred cred;
	socklen_t len = sizeof(cred);
	ssize_t n;

	n = recv(fd, buf, UPAGED_MSG_MAX, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		drop(fd, epfd);
		return;
	}
	buf[n] = '\0';
	if (strcmp(buf, UPAGED_MSG_HELLO) == 0) {
		hello(fd, &cred);
	} else if (strcmp(buf, UPAGED_MSG_SWAP) == 0) {
		swap_report(fd, cred.uid);
		reply(fd, UPAGED_MSG_END);
	} else {
		reply(fd, "error unknown request");
	}
}

void socket_close_all(void)
{
	for (unsigned int i = 0; i < nr_clients; i++)
		close(clients[i]);
	nr_clients = 0;
	if (listen_path[0])
		unlink(listen_path);
}
