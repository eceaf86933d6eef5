/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memcached_server.h - one server of a memcached pool: its connections,
 * how long an answer is waited for, and what happens when it fails (set
 * aside, probed again by the area's thread, revived from a spare
 * connection, watched for evictions).
 *
 * Locking: mc_server.lock (memcached_area.h), held by conn_get until
 * conn_put for one exchange; none is held while a connection is made
 * (its name lookup allocates from the heap).
 */
#ifndef UPAGE_MEMCACHED_SERVER_H
#define UPAGE_MEMCACHED_SERVER_H

#include "memcached_area.h"

/* ---- connections */
void set_timeouts(memcached_st *m, unsigned int ms);
/* A connection to @sp, not connected yet (libmemcached connects on first use). */
struct mc_conn *conn_new(const struct remote_server_spec *sp);
/* A round trip (a small set): MEMCACHED_SUCCESS when the server answered. */
memcached_return_t conn_ping(struct mc_conn *cn);
/* Close and free @cn (no lock held). */
void conn_free(struct mc_conn *cn);
/* Find @cn's socket once connected; @cn's socket or -1; close this
 * process's copy of it (fork). */
void conn_note_fd(struct mc_conn *cn);
int conn_fd(const struct mc_conn *cn);
void conn_close_copy(struct mc_conn *cn);
/* A new connection to @s that answered a ping, or NULL (the area's thread). */
struct mc_conn *conn_connected(struct mc_server *s);

/* ---- a server */
void server_resolve(struct mc_server *s);
int server_setup(struct mc_server *s);
/*
 * @s's connection with its lock held (its wait the server's bound, or
 * REMOTE_PATIENT_MS when @patient), or NULL when it broke; conn_put
 * lets go (@failed: it is broken now).
 */
struct mc_conn *conn_get(struct mc_server *s, bool patient);
void conn_put(struct mc_server *s, bool failed);
/* @s answered, @ns after the exchange began (its lock held). */
void server_answered(struct mc_server *s, uint64_t ns);
/* Does @rc say the server itself is in trouble (not just "not found")? */
bool rc_server_failed(memcached_return_t rc);

/* ---- set aside, and back */
bool server_down(const struct mc_server *s);
/* Set aside longer than REMOTE_REPAIR_MS: its copies are taken for lost. */
bool server_gone(const struct mc_server *s);
/* @s failed with @rc (the exchange began at @t0): set it aside. */
void server_failed(struct mc_area *a, struct mc_server *s, memcached_return_t rc, uint64_t t0);
/* A fault waits on @s: the area's thread probes it at its next tick. */
void server_wanted(struct mc_server *s);
/* Back from its spare connection, without allocating: true when back. */
bool server_revive(struct mc_server *s);

/* ---- the area's thread */
/* Free what the fault path replaced, keep a spare connection ready. */
void server_tend(struct mc_server *s);
/* Try @s, set aside, again. */
void server_probe(struct mc_area *a, struct mc_server *s);
/* Read @s's eviction setting and count; say loudly when it evicts. */
void server_check_evictions(struct mc_area *a, struct mc_server *s);

#endif /* UPAGE_MEMCACHED_SERVER_H */
