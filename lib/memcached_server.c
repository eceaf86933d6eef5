// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memcached_server.c - one server of a memcached pool
 * (memcached_server.h).
 *
 * Each server has a memcached_st of its own holding only that server:
 * placement is upage's (remote_ring.c), so libmemcached never picks a
 * server, never ejects one and never re-routes a key.  The binary
 * protocol is used (the text protocol's client crashes on the replies
 * to buffered requests), with TCP_NODELAY (a batch otherwise waits 44 ms
 * for the delayed ACK) and every timeout at REMOTE_TIMEOUT_MS; the wait
 * for an answer is raised to twice the slowest answer the server gave
 * lately (server_bound_ms), up to REMOTE_TIMEOUT_MAX_MS.
 *
 * A server that fails or times out is set aside (down): the fault path
 * no longer waits on it, and only the area's thread tries it again
 * (every REMOTE_PROBE_MS, at once when a fault waits on it), reconnecting:
 * the name lookup of a reconnect allocates, which the fault path must
 * not.  A fault that has no other copy left may take the server back
 * from the spare connection the area's thread keeps ready.
 *
 * Locking: mc_server.lock serialises one server's connection, result and
 * staging buffer; a thread holds at most one server's lock.  down /
 * retry_ns / down_since_ns / said_down are atomics.  No lock is held
 * while a connection is made: its name lookup allocates from the heap.
 */
#include "autoconfig.h"

#include "memcached_server.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "memcached_alloc.h"
#include "memcached_stats.h"
#include "swap_memcached.h"

void set_timeouts(memcached_st *m, unsigned int ms)
{
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, ms);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, ms);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_SND_TIMEOUT, (uint64_t)ms * 1000);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, (uint64_t)ms * 1000);
}

/* A connection to @sp, not connected yet (libmemcached connects on first use). */
struct mc_conn *conn_new(const struct remote_server_spec *sp)
{
	struct mc_conn *cn = sys_alloc_pages(PAGE_ALIGN(sizeof(*cn)));
	memcached_st *m;

	if (!cn)
		return NULL;
	m = &cn->memc;
	if (!mcl.create(m))
		goto fail;
	if (mcl.set_memory_allocators(m, mc_malloc, mc_free, mc_realloc, mc_calloc, NULL) !=
	    MEMCACHED_SUCCESS)
		goto fail;
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_NO_BLOCK, 1);
	/* upage sets servers aside itself: libmemcached must not. */
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 0);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_DEAD_TIMEOUT, 0);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, 1000000);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 0);
	set_timeouts(m, REMOTE_TIMEOUT_MS);
	if (mcl.server_add(m, sp->host, (in_port_t)sp->port) != MEMCACHED_SUCCESS)
		goto fail;
	if (!mcl.result_create(m, &cn->res))
		goto fail;
	cn->fd = -1;
	return cn;
fail:
	sys_free_pages(cn, PAGE_ALIGN(sizeof(*cn)));
	return NULL;
}

/*
 * A round trip to @cn's server (connecting if need be): a small set, which
 * the server must acknowledge.  (memcached_version is no test: over the
 * binary protocol it returns success without waiting for the answer.)
 * Returns MEMCACHED_SUCCESS when the server answered, even to refuse.
 */
memcached_return_t conn_ping(struct mc_conn *cn)
{
	static const char key[] = "upage:ping";
	memcached_return_t rc = mcl.set(&cn->memc, key, sizeof(key) - 1, "1", 1, 0, 0);

	return rc_server_failed(rc) ? rc : MEMCACHED_SUCCESS;
}

/* Close and free @cn (no lock held: closing may allocate, through libc). */
void conn_free(struct mc_conn *cn)
{
	if (!cn)
		return;
	mcl.result_free(&cn->res);
	mcl.free(&cn->memc);
	sys_free_pages(cn, PAGE_ALIGN(sizeof(*cn)));
}

/* ---- a connection's socket, for fork --------------------------------- */

#define MC_MAX_FD	4096		/* where a connection's socket is looked for */

/* The local port of the socket @fd, 0 if it is none. */
static in_port_t sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

/*
 * Find @cn's socket (libmemcached does not say which descriptor it is) by
 * its local port, once it is connected: a forked child must close its
 * copies of the parent's sockets, and the parent its copy of the one it
 * gave the child, without a word to the server.
 */
void conn_note_fd(struct mc_conn *cn)
{
	const memcached_instance_st *in = mcl.server_instance_by_position(&cn->memc, 0);

	cn->port = in ? mcl.server_srcport(in) : 0;
	cn->fd = -1;
	for (int fd = 0; cn->port && fd < MC_MAX_FD; fd++)
		if (sock_port(fd) == cn->port) {
			cn->fd = fd;
			return;
		}
}

/* @cn's socket, if it is still at the descriptor found (-1 otherwise). */
int conn_fd(const struct mc_conn *cn)
{
	return cn && cn->fd >= 0 && cn->port && sock_port(cn->fd) == cn->port ? cn->fd : -1;
}

/* Close this process's copy of @cn's socket (another process uses it). */
void conn_close_copy(struct mc_conn *cn)
{
	int fd;

	if (!cn)
		return;
	if (cn->fd < 0)
		conn_note_fd(cn);	/* connected by libmemcached on first use */
	fd = conn_fd(cn);
	if (fd >= 0)
		close(fd);
}

/* Resolve @s's address once, at start-up (getaddrinfo allocates). */
void server_resolve(struct mc_server *s)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP };
	struct addrinfo *ai;
	char port[8];

	snprintf(port, sizeof(port), "%u", s->spec.port);
	if (getaddrinfo(s->spec.host, port, &hints, &ai) != 0)
		return;
	if (ai->ai_addrlen <= sizeof(s->addr)) {
		memcpy(&s->addr, ai->ai_addr, ai->ai_addrlen);
		s->addr_len = ai->ai_addrlen;
	}
	freeaddrinfo(ai);
}

/*
 * Does something accept connections at @s's address, within
 * REMOTE_PROBE_TIMEOUT_MS?  Tried before libmemcached is let near a server set
 * aside: its connect prints a line of its own on stderr each time a
 * connection is refused.  True when the address was never resolved.
 */
static bool server_reachable(const struct mc_server *s)
{
	struct pollfd pfd;
	int fd, err = 0;
	socklen_t len = sizeof(err);
	bool ok;

	if (!s->addr_len)
		return true;
	fd = socket(s->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;
	if (connect(fd, (const struct sockaddr *)&s->addr, s->addr_len) == 0) {
		close(fd);
		return true;
	}
	if (errno != EINPROGRESS) {
		close(fd);
		return false;
	}
	pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
	ok = poll(&pfd, 1, REMOTE_PROBE_TIMEOUT_MS) == 1 &&
	     getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
	close(fd);
	return ok;
}

int server_setup(struct mc_server *s)
{
	pthread_mutex_init(&s->lock, NULL);
	s->conn = conn_new(&s->spec);
	s->buf = sys_alloc_pages(PAGE_ALIGN(MC_VALUE_BYTES));
	if (!s->conn || !s->buf)
		return -ENOMEM;
	s->evictions_base = UINT64_MAX;
	return 0;
}

/*
 * How long to wait for @s's answer (its lock held): twice its slowest
 * answer lately, within [REMOTE_TIMEOUT_MS, REMOTE_TIMEOUT_MAX_MS].  A
 * loaded machine's scheduling delays raise it; a server that stops
 * answering raises nothing (only answers count), so it is still set aside
 * within REMOTE_TIMEOUT_MAX_MS.
 */
static unsigned int server_bound_ms(struct mc_server *s, uint64_t now)
{
	uint64_t ms;

	while (now - s->rtt_decay_ns > (uint64_t)REMOTE_RTT_DECAY_MS * 1000000) {
		s->rtt_max_ns /= 2;
		s->rtt_decay_ns = s->rtt_max_ns ? s->rtt_decay_ns +
							 (uint64_t)REMOTE_RTT_DECAY_MS * 1000000
						: now;
	}
	ms = (2 * s->rtt_max_ns + 999999) / 1000000;
	if (ms < REMOTE_TIMEOUT_MS)
		return REMOTE_TIMEOUT_MS;
	return ms > REMOTE_TIMEOUT_MAX_MS ? REMOTE_TIMEOUT_MAX_MS : (unsigned int)ms;
}

/* @s answered, @ns after the exchange began (its lock held). */
void server_answered(struct mc_server *s, uint64_t ns)
{
	if (ns > s->rtt_max_ns)
		s->rtt_max_ns = ns;
}

/*
 * @s's connection, with its lock held, its wait for an answer the
 * server's bound, or REMOTE_PATIENT_MS when @patient (no other copy is
 * left to try: better a slow answer than none); NULL (and no lock) when it broke:
 * a broken connection is never used again, since libmemcached would
 * reconnect, and the name lookup of a connect allocates from the heap,
 * which the fault path must not touch.  The area's thread replaces it.
 */
struct mc_conn *conn_get(struct mc_server *s, bool patient)
{
	unsigned int ms;

	pthread_mutex_lock(&s->lock);
	if (s->broken) {
		pthread_mutex_unlock(&s->lock);
		return NULL;
	}
	ms = patient ? REMOTE_PATIENT_MS : server_bound_ms(s, now_ns());
	if (ms != s->bound_ms || s->conn != s->bound_conn) {
		mcl.behavior_set(&s->conn->memc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, ms);
		s->bound_ms = ms;
		s->bound_conn = s->conn;
	}
	return s->conn;
}

/*
 * @s is back.  Said only after a real outage (longer than
 * REMOTE_REPAIR_MS); a deadline missed on a loaded machine is said once,
 * when it first happens, and its flaps are not (the report counts them).
 */
static void say_back(struct mc_server *s)
{
	uint64_t gone = now_ns() - __atomic_load_n(&s->down_since_ns, __ATOMIC_RELAXED);

	if (gone > (uint64_t)REMOTE_REPAIR_MS * 1000000 &&
	    __atomic_exchange_n(&s->said_down, false, __ATOMIC_RELAXED))
		upage_msg("memcached server %s answers again after %" PRIu64 " ms: back in use "
			  "(its copies are checked by version)",
			  s->spec.name, gone / 1000000);
}

/*
 * A server set aside whose spare connection is there: put the spare in
 * the broken connection's place and take the server back, without
 * allocating (the fault path may, when no copy came: a deadline missed
 * on a loaded machine, or a server restarted).  True when it is back.
 */
bool server_revive(struct mc_server *s)
{
	bool back = false;

	pthread_mutex_lock(&s->lock);
	if (s->broken && (s->spare || s->reserve) && (!s->dead || !s->dead2)) {
		struct mc_conn **sp = s->spare ? &s->spare : &s->reserve;

		*(s->dead ? &s->dead2 : &s->dead) = s->conn;
		s->conn = *sp;
		*sp = NULL;
		s->broken = false;
		back = true;
	}
	pthread_mutex_unlock(&s->lock);
	if (back && __atomic_exchange_n(&s->down, false, __ATOMIC_ACQ_REL))
		RCOUNT(servers_down, (uint64_t)-1);
	if (back)
		say_back(s);
	return back;
}

/* Done with conn_get's connection; @failed: it is broken now. */
void conn_put(struct mc_server *s, bool failed)
{
	if (failed)
		s->broken = true;
	pthread_mutex_unlock(&s->lock);
}

bool server_down(const struct mc_server *s)
{
	return __atomic_load_n(&s->down, __ATOMIC_ACQUIRE);
}

/* @s failed with @rc: set it aside until the area's thread finds it back. */
void server_failed(struct mc_area *a, struct mc_server *s, memcached_return_t rc,
			  uint64_t t0)
{
	uint64_t t = now_ns();

	/* The first probe soon: on a loaded machine a deadline is missed now and then. */
	__atomic_store_n(&s->retry_ns, t + (uint64_t)REMOTE_REPROBE_MS * 1000000, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&s->down, true, __ATOMIC_ACQ_REL))
		return;
	__atomic_store_n(&s->down_since_ns, t, __ATOMIC_RELAXED);
	__atomic_store_n(&a->repair, true, __ATOMIC_RELEASE);
	RCOUNT(servers_down, 1);
	if (!__atomic_exchange_n(&s->said_down, true, __ATOMIC_RELAXED))
		upage_msg("memcached server %s failed (%s, after %" PRIu64 " us): set aside, its "
			  "pages are read from their other copy (and copied again elsewhere if it "
			  "stays away); it is probed every %d ms",
			  s->spec.name, mcl.strerror(NULL, rc), (t - t0) / 1000,
			  REMOTE_PROBE_MS);
}

/*
 * A fault or kswapd waits on @s, set aside (read_rescue, write_rescue,
 * second_copy): the area's thread probes it at its next tick, not at its
 * next REMOTE_PROBE_MS.  (Under load a healthy server misses a deadline,
 * then its first probe too, and the page's only copies are there.)
 */
void server_wanted(struct mc_server *s)
{
	if (server_down(s))
		__atomic_store_n(&s->retry_ns, 0, __ATOMIC_RELAXED);
}

/* Does @rc say the server itself is in trouble (not just "not found")? */
bool rc_server_failed(memcached_return_t rc)
{
	switch (rc) {
	case MEMCACHED_SUCCESS:
	case MEMCACHED_END:
	case MEMCACHED_NOTFOUND:
	case MEMCACHED_STORED:
	case MEMCACHED_BUFFERED:
	/* the server answered, but refused: full (-M), too big */
	case MEMCACHED_E2BIG:
	case MEMCACHED_NOTSTORED:
	case MEMCACHED_SERVER_MEMORY_ALLOCATION_FAILURE:
	case MEMCACHED_MEMORY_ALLOCATION_FAILURE:
	case MEMCACHED_SERVER_ERROR:
		return false;
	default:
		return true;
	}
}

/*
 * Set aside for longer than REMOTE_REPAIR_MS: its copies are taken for
 * lost.  (A server that missed one deadline on a loaded machine is back
 * before then, and copying all its pages again would cost more.)
 */
bool server_gone(const struct mc_server *s)
{
	return server_down(s) &&
	       now_ns() - __atomic_load_n(&s->down_since_ns, __ATOMIC_RELAXED) >
		       (uint64_t)REMOTE_REPAIR_MS * 1000000;
}

struct stat_ctx {
	uint64_t evictions;
	bool have_evictions;
	int evict_setting;	/* 1 "on", 0 "off", -1 not said */
};

static memcached_return_t stat_cb(const memcached_instance_st *srv, const char *key, size_t klen,
				  const char *val, size_t vlen, void *ctx)
{
	struct stat_ctx *sc = ctx;
	char v[32];

	(void)srv;
	if (vlen >= sizeof(v))
		return MEMCACHED_SUCCESS;
	memcpy(v, val, vlen);
	v[vlen] = '\0';
	if (klen == 9 && memcmp(key, "evictions", 9) == 0) {
		if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0) {
			sc->evict_setting = v[1] == 'n';	/* "stats settings" */
		} else {
			sc->evictions += strtoull(v, NULL, 10);	/* "stats" */
			sc->have_evictions = true;
		}
	}
	/* Items dropped when the slab rebalancer (slab_automove, on by
	 * default) moves a page and finds no room for them: -M does not stop
	 * that, and "evictions" does not count it. */
	if (klen == 29 && memcmp(key, "slab_reassign_evictions_nomem", 29) == 0)
		sc->evictions += strtoull(v, NULL, 10);
	return MEMCACHED_SUCCESS;
}

/* Read @s's eviction setting and count; say loudly when it evicts. */
void server_check_evictions(struct mc_area *a, struct mc_server *s)
{
	uint64_t t0 = now_ns();
	struct stat_ctx sc = { .evict_setting = -1 };
	struct stat_ctx st = { .evict_setting = -1 };
	memcached_return_t rc1, rc2;
	struct mc_conn *cn = conn_get(s, true);

	if (!cn)
		return;
	rc1 = mcl.stat_execute(&cn->memc, "settings", stat_cb, &sc);
	rc2 = mcl.stat_execute(&cn->memc, NULL, stat_cb, &st);
	conn_put(s, rc_server_failed(rc1) || rc_server_failed(rc2));
	if (rc_server_failed(rc1) || rc_server_failed(rc2))
		server_failed(a, s, rc_server_failed(rc1) ? rc1 : rc2, t0);
	if (rc1 == MEMCACHED_SUCCESS && sc.evict_setting == 1 && !s->evicts) {
		s->evicts = true;
		RCOUNT(servers_evicting, 1);
		upage_msg("WARNING: memcached server %s evicts items when it is full (it was not "
			  "started with -M): a page evicted there is read from its other copy, and "
			  "LOST (SIGBUS) when both copies go; start memcached with -M",
			  s->spec.name);
	}
	if (rc2 != MEMCACHED_SUCCESS || !st.have_evictions)
		return;
	if (s->evictions_base == UINT64_MAX) {
		s->evictions_base = st.evictions;
		s->evictions_last = st.evictions;
		return;
	}
	if (st.evictions > s->evictions_last) {
		RCOUNT(evictions, st.evictions - s->evictions_last);
		s->evictions_last = st.evictions;
		if (!s->evictions_said) {
			s->evictions_said = true;
			upage_msg("WARNING: memcached server %s has evicted %" PRIu64 " items since "
				  "upage began: pages stored there may be gone (start it with -M)",
				  s->spec.name, st.evictions - s->evictions_base);
		}
	}
}

/*
 * Try @s again (the area's thread): a new connection, made with no lock
 * held (its name lookup allocates, and may fault), takes the broken
 * one's place when its server answers (conn_ping).
 */
/* A new connection to @s that answered a ping, or NULL (no lock held). */
struct mc_conn *conn_connected(struct mc_server *s)
{
	struct mc_conn *cn;
	memcached_return_t rc;

	if (!server_reachable(s) || !(cn = conn_new(&s->spec)))
		return NULL;
	/* The area's thread may wait longer than a fault: on a loaded machine
	 * a probe held to a fault's deadline could keep a healthy server out. */
	set_timeouts(&cn->memc, REMOTE_PROBE_TIMEOUT_MS);
	rc = conn_ping(cn);
	set_timeouts(&cn->memc, REMOTE_TIMEOUT_MS);
	if (rc == MEMCACHED_SUCCESS) {
		conn_note_fd(cn);
		return cn;
	}
	conn_free(cn);
	return NULL;
}

/* The area's thread: free what the fault path replaced, and keep two
 * spare connections ready for server_revive (one made a tick: under load
 * this thread may be slow to make the next, and a fault with no other
 * copy left revives the server from one). */
void server_tend(struct mc_server *s)
{
	struct mc_conn *dead, *dead2, *cn;
	bool need;

	pthread_mutex_lock(&s->lock);
	dead = s->dead;
	dead2 = s->dead2;
	s->dead = s->dead2 = NULL;
	need = !s->spare || !s->reserve;
	pthread_mutex_unlock(&s->lock);
	conn_free(dead);
	conn_free(dead2);
	if (!need || server_down(s) || !(cn = conn_connected(s)))
		return;
	pthread_mutex_lock(&s->lock);
	if (!s->spare) {
		s->spare = cn;
		cn = NULL;
	} else if (!s->reserve) {
		s->reserve = cn;
		cn = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	conn_free(cn);
}

void server_probe(struct mc_area *a, struct mc_server *s)
{
	struct mc_conn *cn = conn_connected(s), *old;
	memcached_return_t rc = cn ? MEMCACHED_SUCCESS : MEMCACHED_CONNECTION_FAILURE;

	if (rc != MEMCACHED_SUCCESS) {
		conn_free(cn);
		__atomic_store_n(&s->retry_ns, now_ns() + (uint64_t)REMOTE_PROBE_MS * 1000000,
				 __ATOMIC_RELAXED);
		return;
	}
	pthread_mutex_lock(&s->lock);
	old = s->conn;
	if (!s->broken) {	/* server_revive was first */
		old = cn;
	} else {
		s->conn = cn;
		s->broken = false;
	}
	pthread_mutex_unlock(&s->lock);
	conn_free(old);
	if (__atomic_exchange_n(&s->down, false, __ATOMIC_ACQ_REL))
		RCOUNT(servers_down, (uint64_t)-1);
	say_back(s);
	server_check_evictions(a, s);
}
