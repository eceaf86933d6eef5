/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upaged-socket.h - upaged's Unix socket and the requests on it
 * (upaged-socket.c; the protocol is lib/upaged_client.h's).
 * Single-threaded: no locks.
 */
#ifndef UPAGE_UPAGED_SOCKET_H
#define UPAGE_UPAGED_SOCKET_H

/* Listen on @path (0600 directory rules aside: anyone may connect; each
 * request is checked against SO_PEERCRED).  The fd, or -1 after a message. */
int socket_listen(const char *path);
/* A connection is waiting on @lfd: accept it into the loop (@epfd). */
void socket_accept(int lfd, int epfd);
/* Data or hang-up on client @fd.  */
void socket_client(int fd, int epfd);
void socket_close_all(void);

#endif /* UPAGE_UPAGED_SOCKET_H */
