// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swap_memcached.c - a swap area on a pool of memcached servers
 * (swap_memcached.h): its swap_aops, the servers' health, and the
 * area's thread that probes the servers set aside, re-replicates the
 * pages whose copy was lost and watches for evictions.
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
 * A read of a run of slots asks each server for the copies it holds in
 * one multi-get (readahead is one exchange per server), checks every
 * copy's header against the version the slot was last written at
 * (remote_ring.h), and asks for the other copy of those that were
 * missing, stale or on a server that failed.  A write stores each page
 * on the first two servers up in ring order for its slot, each set
 * acknowledged; a page whose two servers fail goes to the next ones.
 *
 * A server that fails or times out is set aside (down): the fault path
 * no longer waits on it, and only the area's thread tries it again
 * (every REMOTE_PROBE_MS), reconnecting: the name lookup of a reconnect
 * allocates, which the fault path must not.  Only when no copy of a page
 * could be read at all does a read try the servers set aside, once, for
 * up to REMOTE_RESCUE_MS, before failing with -EIO (the program is told:
 * do_page_fault's SIGBUS).
 *
 * libmemcached is opened when the first pool is named, and called
 * through swap_memcached_lib.h's table (mcl.X is memcached_X).
 *
 * Memory: libmemcached allocates through the allocators given here
 * (size classes of kmem_caches, and raw pages for large blocks), never
 * from the arena.
 *
 * Locking: mc_server.lock serialises one server's connection, result
 * and staging buffer; a thread holds at most one server's lock.  The
 * slot metadata (meta[]) is one word per slot, replaced with
 * compare-and-swap: a slot is read and written under its page's lock
 * (PG_locked), and the area's thread's re-replication loses the race to
 * any write of the slot.  down / retry_ns are atomics.  del_lock (the
 * queue of old copies to delete) is a leaf taken inside swap_lock
 * (free_slot) and never together with a server's lock.  No lock is held
 * while a connection is made: its name lookup allocates from the heap.
 */
#include "autoconfig.h"

#include "swap_memcached.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "extent_hooks.h"
#include "page_io.h"
#include "remote_ring.h"
#include "stats.h"
#include "swap_memcached_lib.h"
#include "swapfile.h"
#include "sys.h"

#define MC_MAX_AREAS	4			/* a process's, and a forked child's */
#define MC_NR_SLOTS	(1UL << 21)		/* 8 GiB of pages per area */
#define MC_KEY_LEN	48
#define MC_VALUE_BYTES	(sizeof(struct remote_hdr) + PAGE_SIZE)
#define MC_MAX_BATCH	IOV_MAX
#define MC_TICK_MS	10			/* the area's thread looks at the servers */

/* A connection to one server: libmemcached's handle and its result. */
struct mc_conn {
	memcached_st memc;
	memcached_result_st res;
	int fd;				/* its socket once connected (conn_connected), or -1 */
	in_port_t port;			/* that socket's local port: is fd still it? */
};

struct mc_server {
	pthread_mutex_t lock;		/* conn, broken and buf */
	struct mc_conn *conn;		/* the connection in use */
	bool broken;			/* conn failed: never used again (reconnecting allocates) */
	struct mc_conn *spare;		/* connected by the area's thread, for server_revive */
	struct mc_conn *for_child;	/* mc_fork_lock: the spare, taken by fork for the child */
	struct mc_conn *dead;		/* a broken one replaced on the fault path: the
					 * area's thread frees it (freeing may allocate) */
	char *buf;			/* a value being stored: header and page */
	struct remote_server_spec spec;
	bool down;			/* atomic: set aside, probed by the area's thread */
	bool said_down;			/* atomic: its going was said */
	uint64_t retry_ns;		/* atomic: when to probe it next */
	uint64_t down_since_ns;		/* atomic */
	bool evicts;			/* started without -M */
	bool evictions_said;
	uint64_t evictions_base;	/* its "evictions" when upage began (UINT64_MAX: unknown) */
	uint64_t evictions_last;
	uint64_t rtt_max_ns;		/* lock: its slowest answer lately (halved as time goes) */
	uint64_t rtt_decay_ns;		/* lock: when rtt_max_ns was last halved */
	unsigned int bound_ms;		/* lock: the wait for an answer set on bound_conn */
	struct mc_conn *bound_conn;
	struct sockaddr_storage addr;	/* resolved at start-up, for server_reachable */
	socklen_t addr_len;		/* 0: not resolved */
};

struct mc_area {
	int type;
	uint64_t id;			/* in every key and header: this area's pages only */
	unsigned int nr;
	struct mc_server srv[RING_MAX_SERVERS];
	struct remote_ring ring;
	uint64_t *meta;			/* per slot: slot_meta() */
	unsigned long nr_slots;
	uint64_t version;		/* atomic: the last version written */
	unsigned long high_slot;	/* atomic: no slot above was ever written */
	bool frozen;			/* a parent's area in a forked child: read only */
	bool repair;			/* atomic: a server went: look for pages with one copy */
	char name[PATH_MAX];
};

static struct mc_area *areas[MC_MAX_AREAS];	/* set at swapon, start-up only */
static int nr_areas;
static pthread_t mc_thread;
/* Held by a forking thread from swap_memcached_fork_prepare to the parent's
 * or child's handler: protects every server's for_child. */
static pthread_mutex_t mc_fork_lock = PTHREAD_MUTEX_INITIALIZER;
static bool mc_fork_held;		/* mc_fork_lock: fork holds libmemcached's memory */
static bool mc_thread_started;
static struct remote_stats rstats;		/* atomics */

/*
 * Copies to delete: a slot freed or written again leaves its old copies
 * behind, and the area's thread deletes them.  Pushed under swap_lock
 * (free_slot) and from writes; a full queue leaks the copy (counted).
 */
#define MC_DEL_QUEUE	65536
#define MC_DEL_PER_TICK	1024	/* deleted per tick of the area's thread, after its probes */
struct mc_del {
	uint64_t version;
	unsigned long offset;
	uint8_t area;
	uint8_t server;
};
/* A leaf, taken inside swap_lock: protects del_queue, del_head, del_tail. */
static pthread_mutex_t del_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mc_del *del_queue;
static unsigned long del_head, del_tail;

static void publish_stats(void);
static void delete_copies(struct mc_area *a, uint64_t meta, unsigned long offset);

/* Count @n more of @field, and copy the counters where `upage stat` reads them. */
#define RCOUNT(field, n)                                                  \
	do {                                                              \
		__atomic_add_fetch(&rstats.field, (n), __ATOMIC_RELAXED); \
		publish_stats();                                          \
	} while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- libmemcached's memory, outside the arena ------------------------ */

#define MC_CLASSES	10			/* 64 B .. 32 KiB */
#define MC_HDR		16			/* the block's size class, before it */

static struct kmem_cache mc_caches[MC_CLASSES];
static pthread_once_t mc_caches_once = PTHREAD_ONCE_INIT;

static void mc_caches_init(void)
{
	for (int c = 0; c < MC_CLASSES; c++)
		kmem_cache_init(&mc_caches[c], (size_t)64 << c);
}

static int mc_class(size_t total)
{
	for (int c = 0; c < MC_CLASSES; c++)
		if (total <= (size_t)64 << c)
			return c;
	return -1;
}

static void *mc_malloc(const memcached_st *m, size_t size, void *ctx)
{
	size_t total = size + MC_HDR;
	int c = mc_class(total);
	char *p;

	(void)m;
	(void)ctx;
	if (c >= 0) {
		p = kmem_cache_alloc(&mc_caches[c]);
	} else {
		total = PAGE_ALIGN(total);
		p = sys_alloc_pages(total);
	}
	if (!p)
		return NULL;
	*(size_t *)p = c >= 0 ? (size_t)c : total | 1UL << 63;
	return p + MC_HDR;
}

static size_t mc_usable(const void *ptr)
{
	size_t tag = *(const size_t *)((const char *)ptr - MC_HDR);

	if (tag & 1UL << 63)
		return (tag & ~(1UL << 63)) - MC_HDR;
	return ((size_t)64 << tag) - MC_HDR;
}

static void mc_free(const memcached_st *m, void *ptr, void *ctx)
{
	char *p;
	size_t tag;

	(void)m;
	(void)ctx;
	if (!ptr)
		return;
	p = (char *)ptr - MC_HDR;
	tag = *(size_t *)p;
	if (tag & 1UL << 63)
		sys_free_pages(p, tag & ~(1UL << 63));
	else
		kmem_cache_free(&mc_caches[tag], p);
}

static void *mc_realloc(const memcached_st *m, void *ptr, size_t size, void *ctx)
{
	void *n;

	if (ptr && size <= mc_usable(ptr))
		return ptr;
	n = mc_malloc(m, size, ctx);
	if (n && ptr) {
		memcpy(n, ptr, mc_usable(ptr));
		mc_free(m, ptr, ctx);
	}
	return n;
}

static void *mc_calloc(const memcached_st *m, size_t nelem, size_t elsize, void *ctx)
{
	size_t size;

	if (__builtin_mul_overflow(nelem, elsize, &size))
		return NULL;
	return mc_malloc(m, size, ctx);		/* kmem_cache and raw pages are zeroed */
}

/* ---- servers ----------------------------------------------------------- */

static void set_timeouts(memcached_st *m, unsigned int ms)
{
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, ms);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, ms);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_SND_TIMEOUT, (uint64_t)ms * 1000);
	mcl.behavior_set(m, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, (uint64_t)ms * 1000);
}

static bool rc_server_failed(memcached_return_t rc);

/* A connection to @sp, not connected yet (libmemcached connects on first use). */
static struct mc_conn *conn_new(const struct remote_server_spec *sp)
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
static memcached_return_t conn_ping(struct mc_conn *cn)
{
	static const char key[] = "upage:ping";
	memcached_return_t rc = mcl.set(&cn->memc, key, sizeof(key) - 1, "1", 1, 0, 0);

	return rc_server_failed(rc) ? rc : MEMCACHED_SUCCESS;
}

/* Close and free @cn (no lock held: closing may allocate, through libc). */
static void conn_free(struct mc_conn *cn)
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
static void conn_note_fd(struct mc_conn *cn)
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
static int conn_fd(const struct mc_conn *cn)
{
	return cn && cn->fd >= 0 && cn->port && sock_port(cn->fd) == cn->port ? cn->fd : -1;
}

/* Close this process's copy of @cn's socket (another process uses it). */
static void conn_close_copy(struct mc_conn *cn)
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
static void server_resolve(struct mc_server *s)
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

static int server_setup(struct mc_server *s)
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
static void server_answered(struct mc_server *s, uint64_t ns)
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
static struct mc_conn *conn_get(struct mc_server *s, bool patient)
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
static bool server_revive(struct mc_server *s)
{
	bool back = false;

	pthread_mutex_lock(&s->lock);
	if (s->broken && s->spare && !s->dead) {
		s->dead = s->conn;
		s->conn = s->spare;
		s->spare = NULL;
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
static void conn_put(struct mc_server *s, bool failed)
{
	if (failed)
		s->broken = true;
	pthread_mutex_unlock(&s->lock);
}

static bool server_down(const struct mc_server *s)
{
	return __atomic_load_n(&s->down, __ATOMIC_ACQUIRE);
}

/* @s failed with @rc: set it aside until the area's thread finds it back. */
static void server_failed(struct mc_area *a, struct mc_server *s, memcached_return_t rc,
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
static void server_wanted(struct mc_server *s)
{
	if (server_down(s))
		__atomic_store_n(&s->retry_ns, 0, __ATOMIC_RELAXED);
}

/* Does @rc say the server itself is in trouble (not just "not found")? */
static bool rc_server_failed(memcached_return_t rc)
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
 * A copy's key names the area, the slot and the version: a copy of
 * another version is never even fetched, and deleting an old copy can
 * never remove a newer one.
 */
static int slot_key(const struct mc_area *a, unsigned long offset, uint64_t version, char *key)
{
	return snprintf(key, MC_KEY_LEN, "upage:%016" PRIx64 ":%lx:%" PRIx64, a->id, offset,
			version);
}

/*
 * Store @page as slot @offset at @version on server @si, bounded by the
 * server's timeouts.  0; -EAGAIN when the server refused (full); -EIO
 * when it failed (and is set aside now).
 */
static int server_set(struct mc_area *a, unsigned int si, unsigned long offset,
		      uint64_t version, const void *page, bool patient)
{
	struct mc_server *s = &a->srv[si];
	char key[MC_KEY_LEN];
	int klen = slot_key(a, offset, version, key);
	memcached_return_t rc;
	struct mc_conn *cn;
	uint64_t t0 = now_ns();

	cn = conn_get(s, patient);
	if (!cn) {
		server_failed(a, s, MEMCACHED_CONNECTION_FAILURE, t0);
		return -EIO;
	}
	remote_hdr_fill((struct remote_hdr *)s->buf, a->id, offset, version, PAGE_SIZE);
	memcpy(s->buf + sizeof(struct remote_hdr), page, PAGE_SIZE);
	rc = mcl.set(&cn->memc, key, (size_t)klen, s->buf, MC_VALUE_BYTES, 0, 0);
	if (!rc_server_failed(rc))
		server_answered(s, now_ns() - t0);
	conn_put(s, rc_server_failed(rc));
	if (rc == MEMCACHED_SUCCESS)
		return 0;
	if (rc_server_failed(rc)) {
		server_failed(a, s, rc, t0);
		return -EIO;
	}
	return -EAGAIN;
}

/* ---- reads -------------------------------------------------------------- */

/* One page of a read: where its copies are and what became of them. */
struct mc_page {
	unsigned long offset;
	uint64_t meta;
	void *buf;
	bool done;
	bool bad[2];		/* this copy was missing, stale, or its server failed */
	bool tried[2];
	bool answered[2];	/* its server answered (so the copy is not there) */
	bool stale[2];		/* the server had a copy, of another version */
};

/* The key of @p (for matching a multi-get's answers). */
static int page_index(const struct mc_page *pg, const int *list, int n, unsigned long offset)
{
	for (int k = 0; k < n; k++)
		if (pg[list[k]].offset == offset)
			return list[k];
	return -1;
}

/* Parse the slot offset back out of a key of @a; -1 if it is not one. */
static long key_offset(const struct mc_area *a, const char *key, size_t len)
{
	char want[MC_KEY_LEN];
	int plen = snprintf(want, sizeof(want), "upage:%016" PRIx64 ":", a->id);
	unsigned long off = 0;

	if (len <= (size_t)plen || memcmp(key, want, (size_t)plen) != 0)
		return -1;
	for (size_t i = (size_t)plen; i < len; i++) {
		char c = key[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (c == ':' && i > (size_t)plen)
			return (long)off;	/* the version follows */
		if (d < 0)
			return -1;
		off = off * 16 + (unsigned long)d;
	}
	return (long)off;
}

/* A copy of page @i came: mapped if it is of the version last written. */
static void page_value(struct mc_area *a, struct mc_page *pg, int i, int copy, const char *value,
		       size_t len)
{
	if (remote_value_check(value, len, a->id, pg[i].offset, slot_meta_version(pg[i].meta),
			       PAGE_SIZE) == 0) {
		memcpy(pg[i].buf, value + sizeof(struct remote_hdr), PAGE_SIZE);
		pg[i].done = true;
	} else {
		pg[i].bad[copy] = true;
		pg[i].answered[copy] = true;
		pg[i].stale[copy] = true;
		RCOUNT(stale_reads, 1);
	}
}

/*
 * One page: a plain get, one request and one answer (a multi-get of one
 * key is a quiet get and a no-op, two requests the server wakes for).
 */
static memcached_return_t conn_get1(struct mc_area *a, struct mc_conn *cn, struct mc_page *pg,
				    int i, int copy, const char *key, size_t klen)
{
	memcached_return_t rc;
	uint32_t flags;
	size_t len;
	char *v = mcl.get(&cn->memc, key, klen, &len, &flags, &rc);

	if (v) {
		page_value(a, pg, i, copy, v, len);
		mc_free(&cn->memc, v, NULL);	/* libmemcached's, from our allocator */
	}
	return rc;
}

/* Many pages: one multi-get, each answer matched to its page by its key. */
static memcached_return_t conn_mget(struct mc_area *a, struct mc_conn *cn, struct mc_page *pg,
				    const int *list, int n, int copy, const char *const *kp,
				    const size_t *kl)
{
	memcached_return_t rc = mcl.mget(&cn->memc, kp, kl, (size_t)n);
	memcached_result_st *r;

	if (rc != MEMCACHED_SUCCESS)
		return rc;
	while ((r = mcl.fetch_result(&cn->memc, &cn->res, &rc))) {
		long off = key_offset(a, mcl.result_key_value(r), mcl.result_key_length(r));
		int i = off < 0 ? -1 : page_index(pg, list, n, (unsigned long)off);

		if (i >= 0 && !pg[i].done)
			page_value(a, pg, i, copy, mcl.result_value(r), mcl.result_length(r));
	}
	return rc;
}

/*
 * Copy @copy of the pages @list[0..n) from server @si in one exchange,
 * each checked against its slot's version.  Those found are done; the
 * others have that copy marked bad.
 */
static void server_mget(struct mc_area *a, unsigned int si, int copy, struct mc_page *pg,
			const int *list, int n, bool patient)
{
	struct mc_server *s = &a->srv[si];
	char keys[MC_MAX_BATCH][MC_KEY_LEN];
	const char *kp[MC_MAX_BATCH];
	size_t kl[MC_MAX_BATCH];
	memcached_return_t rc = MEMCACHED_CONNECTION_FAILURE;
	struct mc_conn *cn;
	bool failed = true;
	uint64_t t0 = now_ns();

	for (int k = 0; k < n; k++) {
		kl[k] = (size_t)slot_key(a, pg[list[k]].offset, slot_meta_version(pg[list[k]].meta),
					 keys[k]);
		kp[k] = keys[k];
		pg[list[k]].tried[copy] = true;
	}
	cn = conn_get(s, patient);
	if (cn) {
		rc = n == 1 ? conn_get1(a, cn, pg, list[0], copy, kp[0], kl[0])
			    : conn_mget(a, cn, pg, list, n, copy, kp, kl);
		failed = rc_server_failed(rc);
		if (!failed)
			server_answered(s, now_ns() - t0);
		conn_put(s, failed);
	}
	if (failed)
		server_failed(a, s, rc, t0);
	for (int k = 0; k < n; k++) {
		struct mc_page *p = &pg[list[k]];

		if (p->done || p->bad[copy])
			continue;
		p->bad[copy] = true;
		p->answered[copy] = !failed;
		if (!failed)
			RCOUNT(missing_reads, 1);
	}
}

/*
 * One round: each page not done yet asks for copy @copy if it has not
 * yet and its server is up, grouped by server, one multi-get each.
 */
static void read_round(struct mc_area *a, struct mc_page *pg, int n, int copy, bool patient)
{
	int list[MC_MAX_BATCH];

	for (unsigned int si = 0; si < a->nr; si++) {
		int k = 0;

		if (server_down(&a->srv[si]))
			continue;
		for (int i = 0; i < n; i++)
			if (!pg[i].done && !pg[i].tried[copy] &&
			    slot_meta_server(pg[i].meta, copy) == si)
				list[k++] = i;
		if (k)
			server_mget(a, si, copy, pg, list, k, patient);
	}
}

/*
 * No copy of some page came: its servers failed (or missed a deadline,
 * on a loaded machine).  Wait, up to REMOTE_RESCUE_MS, for one of them to
 * be found back by the area's thread, and ask it again.
 */
static void read_rescue(struct mc_area *a, struct mc_page *pg, int n)
{
	uint64_t deadline = now_ns() + (uint64_t)REMOTE_RESCUE_MS * 1000000;
	struct timespec ts = { .tv_nsec = 2 * 1000000L };
	bool left;

	do {
		left = false;
		for (int i = 0; i < n; i++) {
			if (pg[i].done)
				continue;
			for (int c = 0; c < 2; c++) {
				uint8_t s = slot_meta_server(pg[i].meta, c);

				if (s == RING_NONE || pg[i].answered[c])
					continue;
				left = true;
				server_wanted(&a->srv[s]);
				if (!server_down(&a->srv[s]) || server_revive(&a->srv[s]))
					pg[i].tried[c] = pg[i].bad[c] = false;
			}
		}
		if (!left)
			return;		/* every server there is answered */
		read_round(a, pg, n, 0, true);
		read_round(a, pg, n, 1, true);
		left = false;
		for (int i = 0; i < n; i++)
			left |= !pg[i].done;
		if (left)
			nanosleep(&ts, NULL);
	} while (left && now_ns() < deadline);
}

/*
 * Write @p's page (read from its copy @good) again to a server that
 * holds no copy, and record it there unless the slot changed meanwhile.
 */
static void rereplicate(struct mc_area *a, unsigned long offset, uint64_t meta, int good,
			const void *page)
{
	uint8_t order[RING_MAX_SERVERS];
	bool down[RING_MAX_SERVERS];
	uint8_t keep = slot_meta_server(meta, good);
	unsigned int n;

	for (unsigned int i = 0; i < a->nr; i++)
		down[i] = server_down(&a->srv[i]) || i == keep;
	n = ring_lookup(&a->ring, ring_slot_key(a->id, offset), down, order, a->nr);
	for (unsigned int k = 0; k < n; k++) {
		uint64_t want = meta;

		if (server_set(a, order[k], offset, slot_meta_version(meta), page, false))
			continue;
		if (__atomic_compare_exchange_n(&a->meta[offset], &want,
						slot_meta(slot_meta_version(meta), keep, order[k]),
						false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			RCOUNT(rereplications, 1);
		return;
	}
}

/*
 * Set aside for longer than REMOTE_REPAIR_MS: its copies are taken for
 * lost.  (A server that missed one deadline on a loaded machine is back
 * before then, and copying all its pages again would cost more.)
 */
static bool server_gone(const struct mc_server *s)
{
	return server_down(s) &&
	       now_ns() - __atomic_load_n(&s->down_since_ns, __ATOMIC_RELAXED) >
		       (uint64_t)REMOTE_REPAIR_MS * 1000000;
}

/* Is copy @c of @p lost: missing or stale when read, or on a server gone? */
static bool copy_lost(struct mc_area *a, const struct mc_page *p, int c)
{
	uint8_t s = slot_meta_server(p->meta, c);

	if (s == RING_NONE || s >= a->nr)
		return true;
	return p->bad[c] || server_gone(&a->srv[s]);
}

/* What became of copy @c of @p, for a message. */
static const char *copy_fate(const struct mc_area *a, const struct mc_page *p, int c)
{
	uint8_t s = slot_meta_server(p->meta, c);

	if (s == RING_NONE || s >= a->nr)
		return "none written";
	if (p->stale[c])
		return "of another version there (stale)";
	if (p->answered[c])
		return "not on the server (evicted, or lost in a restart)";
	if (server_down(&a->srv[s]))
		return "its server failed or does not answer";
	return "not read";
}

/* Say once which page could not be read, and why (the fault path then
 * delivers SIGBUS, as for any swap-in that failed). */
static void say_lost(const struct mc_area *a, const struct mc_page *p)
{
	static bool said;
	uint8_t s0 = slot_meta_server(p->meta, 0), s1 = slot_meta_server(p->meta, 1);

	if (__atomic_exchange_n(&said, true, __ATOMIC_RELAXED))
		return;
	upage_msg("memcached: no copy of swap slot %lu could be read within %d ms: on %s, %s; "
		  "on %s, %s",
		  p->offset, REMOTE_RESCUE_MS, s0 < a->nr ? a->srv[s0].spec.name : "-",
		  copy_fate(a, p, 0), s1 < a->nr ? a->srv[s1].spec.name : "-", copy_fate(a, p, 1));
}

static int mc_read(struct mc_area *a, struct swap_io *io)
{
	struct mc_page pg[MC_MAX_BATCH];
	unsigned long first = swp_offset(io->entry);
	uint64_t t0 = latency_now();
	int n = io->nr, err = 0;

	for (int i = 0; i < n; i++) {
		pg[i] = (struct mc_page){ .offset = first + (unsigned long)i,
					  .buf = io->iov[i].iov_base };
		pg[i].meta = __atomic_load_n(&a->meta[pg[i].offset], __ATOMIC_ACQUIRE);
		if (!slot_meta_version(pg[i].meta)) {
			if (n == 1)
				upage_msg("memcached: swap slot %lu read before it was written",
					  pg[i].offset);
			return -EIO;	/* never written: there is no page to give */
		}
	}
	read_round(a, pg, n, 0, false);
	read_round(a, pg, n, 1, false);
	for (int i = 0; i < n; i++)
		if (!pg[i].done) {
			read_rescue(a, pg, n);
			break;
		}
	for (int i = 0; i < n; i++) {
		struct mc_page *p = &pg[i];

		if (!p->done) {
			RCOUNT(read_errors, 1);
			say_lost(a, p);
			err = -EIO;
			continue;
		}
		if (slot_meta_server(p->meta, 0) != RING_NONE && (p->bad[0] || !p->tried[0]))
			RCOUNT(failovers, 1);	/* served by its other copy */
		if (a->frozen)
			continue;
		for (int c = 0; c < 2; c++)
			if (copy_lost(a, p, c) && !copy_lost(a, p, !c)) {
				rereplicate(a, p->offset, p->meta, !c, p->buf);
				break;
			}
	}
	if (!err) {
		RCOUNT(reads, (uint64_t)n);
		latency_record_n(UPAGE_LAT_REMOTE_READ, latency_now() - t0, (uint64_t)n);
	}
	return err;
}

/* ---- writes ------------------------------------------------------------ */

/* Say once that the servers refuse pages (full: -M). */
static void say_full(const struct mc_area *a)
{
	static bool said;

	if (!__atomic_exchange_n(&said, true, __ATOMIC_RELAXED))
		upage_msg("memcached pool %s is full: its servers refuse new pages (-M); pages "
			  "stay in memory until room is made, and a fault that finds no frame "
			  "for a second is told (out of swap space)", a->name);
}

/*
 * No server up took the page: wait, up to REMOTE_RESCUE_MS (kswapd's
 * time, not a fault's), for one to be found back, and try again.
 * Returns how many copies were placed (0 or 1).
 */
static unsigned int write_rescue(struct mc_area *a, unsigned long offset, uint64_t version,
				 const void *page, uint8_t *placed)
{
	uint64_t deadline = now_ns() + (uint64_t)REMOTE_RESCUE_MS * 1000000;
	struct timespec ts = { .tv_nsec = 2 * 1000000L };
	uint8_t order[RING_MAX_SERVERS];
	bool down[RING_MAX_SERVERS];

	while (now_ns() < deadline) {
		unsigned int n;

		nanosleep(&ts, NULL);
		for (unsigned int i = 0; i < a->nr; i++) {
			server_wanted(&a->srv[i]);
			down[i] = server_down(&a->srv[i]) && !server_revive(&a->srv[i]);
		}
		n = ring_lookup(&a->ring, ring_slot_key(a->id, offset), down, order, a->nr);
		for (unsigned int k = 0; k < n; k++)
			if (server_set(a, order[k], offset, version, page, true) == 0) {
				placed[0] = order[k];
				return 1;
			}
	}
	return 0;
}

/*
 * One copy placed, on placed[0]: when another server was set aside only
 * a moment ago (a deadline missed on a loaded machine), wait for it, up to
 * REMOTE_RESCUE_MS, rather than leave the page with one copy.  Returns 1
 * when a second copy was placed (in placed[1]).
 */
static unsigned int second_copy(struct mc_area *a, unsigned long offset, uint64_t version,
				const void *page, uint8_t *placed)
{
	uint64_t deadline = now_ns() + (uint64_t)REMOTE_RESCUE_MS * 1000000;
	struct timespec ts = { .tv_nsec = 2 * 1000000L };

	while (now_ns() < deadline) {
		bool waiting = false;

		for (unsigned int i = 0; i < a->nr; i++) {
			struct mc_server *s = &a->srv[i];
			int ret;

			if (i == placed[0] || (server_down(s) && server_gone(s)))
				continue;
			server_wanted(s);
			if (server_down(s) && !server_revive(s)) {
				waiting = true;
				continue;
			}
			ret = server_set(a, i, offset, version, page, false);
			if (ret == 0) {
				placed[1] = (uint8_t)i;
				return 1;
			}
			waiting |= ret == -EIO;		/* (a full server is no use) */
		}
		if (!waiting)
			return 0;	/* the others are gone: one copy it is */
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int mc_write_page(struct mc_area *a, unsigned long offset, const void *page)
{
	uint8_t order[RING_MAX_SERVERS], placed[2] = { RING_NONE, RING_NONE };
	bool down[RING_MAX_SERVERS];
	uint64_t version = __atomic_add_fetch(&a->version, 1, __ATOMIC_ACQ_REL);
	unsigned int n, got = 0, refused = 0;
	unsigned long hi;
	int ret;

	for (unsigned int i = 0; i < a->nr; i++)
		down[i] = server_down(&a->srv[i]);
	n = ring_lookup(&a->ring, ring_slot_key(a->id, offset), down, order, a->nr);
	for (unsigned int k = 0; k < n && got < 2; k++) {
		ret = server_set(a, order[k], offset, version, page, false);
		if (ret == 0)
			placed[got++] = order[k];
		refused += ret == -EAGAIN;
	}
	if (got == 0 && refused == n && n > 0) {
		say_full(a);
		return -ENOSPC;		/* every server up answered, and is full */
	}
	if (got == 0)
		got = write_rescue(a, offset, version, page, placed);
	if (got == 0)
		return -EIO;
	if (got == 1)
		got += second_copy(a, offset, version, page, placed);
	if (got == 1)
		RCOUNT(degraded_writes, 1);
	delete_copies(a,
		      __atomic_exchange_n(&a->meta[offset], slot_meta(version, placed[0], placed[1]),
					  __ATOMIC_ACQ_REL),
		      offset);
	hi = __atomic_load_n(&a->high_slot, __ATOMIC_RELAXED);
	while (offset > hi && !__atomic_compare_exchange_n(&a->high_slot, &hi, offset, true,
							   __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return 0;
}

static int mc_write(struct mc_area *a, struct swap_io *io)
{
	unsigned long first = swp_offset(io->entry);
	uint64_t t0 = latency_now();

	if (a->frozen)
		return -EROFS;
	for (int i = 0; i < io->nr; i++) {
		int err = mc_write_page(a, first + (unsigned long)i, io->iov[i].iov_base);

		if (err)
			return err;
	}
	RCOUNT(writes, (uint64_t)io->nr);
	latency_record_n(UPAGE_LAT_IO_WRITE, latency_now() - t0, (uint64_t)io->nr);
	return 0;
}

static int mc_submit(struct swap_info_struct *si, struct swap_io *io)
{
	struct mc_area *a = si->private;
	unsigned long first = swp_offset(io->entry);

	if (first + (unsigned long)io->nr > a->nr_slots)
		return -EINVAL;
	io->end_io(io, io->write ? mc_write(a, io) : mc_read(a, io));
	return 0;
}

/* ---- old copies ---------------------------------------------------------- */

static int area_index(const struct mc_area *a)
{
	for (int i = 0; i < nr_areas; i++)
		if (areas[i] == a)
			return i;
	return -1;
}

/* Queue the deletion of the copies @meta names (0: none). */

static void delete_copies(struct mc_area *a, uint64_t meta, unsigned long offset)
{
	int ai = area_index(a);

	if (!slot_meta_version(meta) || ai < 0 || !del_queue)
		return;
	pthread_mutex_lock(&del_lock);
	for (int c = 0; c < 2; c++) {
		uint8_t s = slot_meta_server(meta, c);

		if (s == RING_NONE)
			continue;
		if (del_tail - del_head == MC_DEL_QUEUE) {
			__atomic_add_fetch(&rstats.deletes_dropped, 1, __ATOMIC_RELAXED);
			continue;
		}
		del_queue[del_tail++ % MC_DEL_QUEUE] =
			(struct mc_del){ .version = slot_meta_version(meta), .offset = offset,
					 .area = (uint8_t)ai, .server = s };
	}
	pthread_mutex_unlock(&del_lock);
}

/* Delete one copy now: true when the server answered. */
static bool delete_copy(struct mc_area *a, unsigned int si, unsigned long offset,
			uint64_t version)
{
	struct mc_server *s = &a->srv[si];
	char key[MC_KEY_LEN];
	int klen = slot_key(a, offset, version, key);
	memcached_return_t rc;
	struct mc_conn *cn;

	if (server_down(s) || !(cn = conn_get(s, false)))
		return false;
	rc = mcl.delete(&cn->memc, key, (size_t)klen, 0);
	conn_put(s, rc_server_failed(rc));
	if (rc_server_failed(rc)) {
		server_failed(a, s, rc, now_ns());
		return false;
	}
	return true;
}

/* The area's thread: delete up to @max of what was queued (a backlog
 * must not hold back the probes a waiting fault needs). */
static void delete_queued(unsigned long max)
{
	if (!del_queue)
		return;
	while (max--) {
		struct mc_del d;
		bool have = false;

		pthread_mutex_lock(&del_lock);
		if (del_head != del_tail) {
			d = del_queue[del_head++ % MC_DEL_QUEUE];
			have = true;
		}
		pthread_mutex_unlock(&del_lock);
		if (!have)
			return;
		if (delete_copy(areas[d.area], d.server, d.offset, d.version))
			RCOUNT(deletes, 1);
		else
			__atomic_add_fetch(&rstats.deletes_dropped, 1, __ATOMIC_RELAXED);
	}
}

/* swap_free's hook (swap_lock held): the slot's copies can go. */
static void mc_free_slot(struct swap_info_struct *si, unsigned long offset)
{
	struct mc_area *a = si->private;

	if (a->frozen || offset >= a->nr_slots)
		return;		/* a parent's slot, in a forked child: the parent's to free */
	delete_copies(a, __atomic_exchange_n(&a->meta[offset], 0, __ATOMIC_ACQ_REL), offset);
}

static const struct swap_aops memcached_aops = {
	.name = "memcached",
	.submit = mc_submit,
	.free_slot = mc_free_slot,
};

/* ---- the area's thread: probes, evictions, re-replication -------------- */

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
			sc->evictions = strtoull(v, NULL, 10);	/* "stats" */
			sc->have_evictions = true;
		}
	}
	return MEMCACHED_SUCCESS;
}

/* Read @s's eviction setting and count; say loudly when it evicts. */
static void server_check_evictions(struct mc_area *a, struct mc_server *s)
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
static struct mc_conn *conn_connected(struct mc_server *s)
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

/* The area's thread: free what the fault path replaced, and keep a spare
 * connection ready for server_revive. */
static void server_tend(struct mc_server *s)
{
	struct mc_conn *dead, *cn;
	bool need;

	pthread_mutex_lock(&s->lock);
	dead = s->dead;
	s->dead = NULL;
	need = !s->spare;
	pthread_mutex_unlock(&s->lock);
	conn_free(dead);
	if (!need || server_down(s) || !(cn = conn_connected(s)))
		return;
	pthread_mutex_lock(&s->lock);
	if (!s->spare) {
		s->spare = cn;
		cn = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	conn_free(cn);
}

static void server_probe(struct mc_area *a, struct mc_server *s)
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

/*
 * Give every page of @a that has a copy on a server set aside (or no
 * second copy) a new one, read from its good copy.  The slot's swap
 * count tells whether it is still in use.  Returns false when it should
 * be run again (a server was down, or a copy could not be placed).
 */
static bool area_repair(struct mc_area *a, void *page)
{
	unsigned long hi = __atomic_load_n(&a->high_slot, __ATOMIC_RELAXED);
	unsigned long copied = 0;
	unsigned int up = 0;
	bool again = false;

	for (unsigned int k = 0; k < a->nr; k++) {
		if (server_down(&a->srv[k]) && !server_gone(&a->srv[k]))
			return false;	/* not yet gone: look again later */
		up += !server_down(&a->srv[k]);
	}
	if (up < 2)
		return false;	/* nowhere to put a second copy yet */

	for (unsigned long off = 1; off <= hi && off < a->nr_slots; off++) {
		uint64_t m = __atomic_load_n(&a->meta[off], __ATOMIC_ACQUIRE);
		struct mc_page p = { .offset = off, .meta = m, .buf = page };
		int good = -1;

		if (!slot_meta_version(m))
			continue;
		for (int c = 0; c < 2; c++)
			if (copy_lost(a, &p, c) && !copy_lost(a, &p, !c))
				good = !c;
		if (good < 0)
			continue;	/* (a freed slot's meta is 0) */
		/* Read the good copy alone, then write it again elsewhere. */
		p.tried[!good] = true;
		p.bad[!good] = true;
		read_round(a, &p, 1, good, false);
		if (!p.done) {
			again = true;
			continue;
		}
		rereplicate(a, off, m, good, page);
		if (__atomic_load_n(&a->meta[off], __ATOMIC_RELAXED) == m)
			again = true;
		else
			copied++;
	}
	if (copied)
		upage_msg("memcached: %lu pages that had lost a copy have two again", copied);
	return !again;
}

static void *mc_thread_fn(void *arg)
{
	void *page = sys_alloc_pages(PAGE_SIZE);
	unsigned int tick = 0;
	sigset_t faults;

	(void)arg;
	/* A reconnect's name lookup allocates.  From the heap, a block could
	 * sit on a page that is out on this pool, and bringing it back could
	 * need the very server this thread is reconnecting: so its blocks
	 * come from outside the arena.  Were that refused, a fault that
	 * still comes is served as in any thread of the program's (under
	 * the in-thread engines, here; no lock of upage's is held). */
	if (extent_hooks_bind_outside())
		upage_msg("memcached: the area's thread allocates from the paged heap");
	sigemptyset(&faults);
	sigaddset(&faults, SIGSEGV);
	sigaddset(&faults, SIGBUS);
	sys_sigmask(SIG_UNBLOCK, &faults, NULL);
	for (;;) {
		struct timespec ts = { .tv_nsec = MC_TICK_MS * 1000000L };
		uint64_t t = now_ns();

		nanosleep(&ts, NULL);
		tick++;
		publish_stats();
		for (int i = 0; i < nr_areas; i++) {
			struct mc_area *a = areas[i];

			for (unsigned int k = 0; k < a->nr; k++) {
				struct mc_server *s = &a->srv[k];

				server_tend(s);
				if (server_down(s) &&
				    t >= __atomic_load_n(&s->retry_ns, __ATOMIC_RELAXED))
					server_probe(a, s);
				else if (!server_down(s) && tick % (1000 / MC_TICK_MS) == 0)
					server_check_evictions(a, s);
			}
			if (page && !a->frozen && __atomic_exchange_n(&a->repair, false,
								    __ATOMIC_ACQ_REL) &&
			    !area_repair(a, page))
				__atomic_store_n(&a->repair, true, __ATOMIC_RELEASE);
		}
		delete_queued(MC_DEL_PER_TICK);
	}
	return NULL;
}

static int start_thread(void)
{
	int ret;

	if (mc_thread_started)
		return 0;
	ret = sys_thread_start(&mc_thread, "upage-remote", mc_thread_fn, NULL);
	if (ret == 0)
		mc_thread_started = true;
	return ret;
}

/* ---- setting an area up ------------------------------------------------ */

bool swap_is_memcached(const char *path)
{
	return path && strncmp(path, SWAP_MEMCACHED_PREFIX, strlen(SWAP_MEMCACHED_PREFIX)) == 0;
}

static uint64_t area_id(void)
{
	uint64_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = now_ns() ^ ((uint64_t)getpid() << 32);
	return id;
}

/* Connect to each server now (start-up: the name lookups allocate). */
static int area_connect(struct mc_area *a)
{
	unsigned int up = 0;

	for (unsigned int k = 0; k < a->nr; k++) {
		struct mc_server *s = &a->srv[k];
		memcached_return_t rc;

		set_timeouts(&s->conn->memc, REMOTE_RESCUE_MS);
		rc = conn_ping(s->conn);
		set_timeouts(&s->conn->memc, REMOTE_TIMEOUT_MS);
		if (rc != MEMCACHED_SUCCESS) {
			upage_msg("memcached server %s does not answer (%s): set aside for now",
				  s->spec.name, mcl.strerror(NULL, rc));
			s->broken = true;
			s->down = true;
			s->said_down = true;
			s->retry_ns = 0;
			rstats.servers_down++;
			continue;
		}
		conn_note_fd(s->conn);
		up++;
		server_check_evictions(a, s);
	}
	return up >= 2 ? 0 : -EHOSTUNREACH;
}

static struct mc_area *area_new(const char *spec, char *err, size_t errlen)
{
	struct remote_server_spec sp[RING_MAX_SERVERS];
	const char *names[RING_MAX_SERVERS];
	struct mc_area *a;
	int n;

	n = remote_parse_servers(spec + strlen(SWAP_MEMCACHED_PREFIX), sp, RING_MAX_SERVERS, err,
				 errlen);
	if (n < 0)
		return NULL;
	if (n < 2) {
		snprintf(err, errlen, "two servers at least are needed (each page is kept on two)");
		return NULL;
	}
	a = sys_alloc_pages(PAGE_ALIGN(sizeof(*a)));
	if (!a) {
		snprintf(err, errlen, "%s", strerrordesc_np(ENOMEM));
		return NULL;
	}
	a->nr = (unsigned int)n;
	a->id = area_id();
	a->nr_slots = MC_NR_SLOTS;
	snprintf(a->name, sizeof(a->name), "%s", spec);
	for (int k = 0; k < n; k++) {
		a->srv[k].spec = sp[k];
		names[k] = a->srv[k].spec.name;
	}
	a->meta = sys_alloc_pages(a->nr_slots * sizeof(*a->meta));
	if (!a->meta || ring_init(&a->ring, names, (unsigned int)n)) {
		snprintf(err, errlen, "cannot set the area up");
		return NULL;
	}
	for (int k = 0; k < n; k++)
		if (server_resolve(&a->srv[k]), server_setup(&a->srv[k])) {
			snprintf(err, errlen, "cannot set up libmemcached for %s", sp[k].name);
			return NULL;
		}
	return a;
}

static int area_add(struct mc_area *a, int prio, bool connect)
{
	int type;

	if (nr_areas == MC_MAX_AREAS)
		return -ENOSPC;
	if (connect && area_connect(a)) {
		upage_msg("fewer than two memcached servers of %s answer", a->name);
		return -EHOSTUNREACH;
	}
	if (!connect)
		for (unsigned int k = 0; k < a->nr; k++) {
			a->srv[k].down = true;	/* the area's thread connects */
			a->srv[k].broken = true;
			a->srv[k].retry_ns = 0;
		}
	type = swapon_backend(a->name, &memcached_aops, a, a->nr_slots, prio);
	if (type < 0)
		return type;
	a->type = type;
	areas[nr_areas++] = a;
	rstats.servers += a->nr;
	publish_stats();
	return type;
}

/* @connect: connect now and start the area's thread (not in a forked
 * child's handler: swap_memcached_fork_child_start does it later). */
static int swapon_memcached_how(const char *spec, int prio, bool connect)
{
	char err[320];
	struct mc_area *a;
	int ret;

	if (memcached_lib_load())
		return -ENOENT;		/* it said why */
	pthread_once(&mc_caches_once, mc_caches_init);
	if (!del_queue)
		del_queue = sys_alloc_pages(PAGE_ALIGN(MC_DEL_QUEUE * sizeof(*del_queue)));
	a = area_new(spec, err, sizeof(err));
	if (!a) {
		upage_msg("bad memcached pool '%s' (UPAGE_SWAP): %s", spec, err);
		return -EINVAL;
	}
	ret = area_add(a, prio, connect);
	if (ret >= 0 && connect && start_thread())
		upage_msg("cannot start the memcached area's thread: servers set aside are not "
			  "probed again");
	return ret;
}

int swapon_memcached(const char *spec, int prio)
{
	return swapon_memcached_how(spec, prio, true);
}

/* ---- fork ----------------------------------------------------------------
 *
 * A forked child reads its parent's pages (the parent's areas, frozen) as
 * soon as it runs, maybe before any thread of its own could connect: a
 * connection made after fork would need the name lookup's memory, which
 * may be on the pool, and under the uffd engine the child's one handler
 * thread would wait on it.  So the child is given connections made before
 * fork: each server's spare, taken aside by swap_memcached_fork_prepare
 * (made there if the area's thread had none ready).  The parent closes
 * its copy of those sockets, replacing the descriptor first so that
 * libmemcached's goodbye goes nowhere; the child closes its copies of the
 * parent's.  libmemcached's size classes and del_lock are held across
 * fork (their locks would otherwise be copied held by a thread the child
 * has not).
 */

void swap_memcached_fork_prepare(void)
{
	if (!nr_areas)
		return;
	pthread_mutex_lock(&mc_fork_lock);
	for (int i = 0; i < nr_areas; i++)
		for (unsigned int k = 0; k < areas[i]->nr; k++) {
			struct mc_server *s = &areas[i]->srv[k];
			struct mc_conn *cn = NULL;

			pthread_mutex_lock(&s->lock);
			s->for_child = s->spare;
			s->spare = NULL;
			pthread_mutex_unlock(&s->lock);
			if (s->for_child || server_down(s))
				continue;
			cn = conn_connected(s);		/* none ready: the program forks now */
			pthread_mutex_lock(&s->lock);
			s->for_child = cn;
			pthread_mutex_unlock(&s->lock);
		}
}

void swap_memcached_fork_lock(void)
{
	if (!nr_areas)
		return;
	for (int c = 0; c < MC_CLASSES; c++)
		pthread_mutex_lock(&mc_caches[c].lock);
	pthread_mutex_lock(&del_lock);
	mc_fork_held = true;
}

void swap_memcached_fork_parent(void)
{
	if (!nr_areas)
		return;
	if (mc_fork_held)
		pthread_mutex_unlock(&del_lock);
	for (int c = MC_CLASSES - 1; mc_fork_held && c >= 0; c--)
		pthread_mutex_unlock(&mc_caches[c].lock);
	mc_fork_held = false;
	for (int i = 0; i < nr_areas; i++)
		for (unsigned int k = 0; k < areas[i]->nr; k++) {
			struct mc_server *s = &areas[i]->srv[k];
			struct mc_conn *cn = s->for_child;
			int fd = conn_fd(cn), dead;

			s->for_child = NULL;
			if (!cn)
				continue;
			/* The child's now.  A socket connected to nothing takes
			 * its descriptor, so that freeing cn says goodbye to
			 * nobody (a send there fails, without SIGPIPE); a
			 * descriptor not found is left, and cn with it. */
			dead = fd < 0 ? -1 : socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			if (dead >= 0 && dup3(dead, fd, O_CLOEXEC) == fd)
				conn_free(cn);
			if (dead >= 0)
				close(dead);
		}
	pthread_mutex_unlock(&mc_fork_lock);
}

/* A server of the child's copy of a parent's area: its connection is the
 * one fork gave it, else none until the area's thread makes one. */
static void server_fork_child(struct mc_server *s)
{
	bool was_down = s->down;

	conn_close_copy(s->conn);	/* the parent's */
	conn_close_copy(s->spare);	/* made while fork took the other aside */
	/* The parent's connections are dropped, not freed: freeing would say
	 * goodbye on a descriptor that is no longer the socket. */
	pthread_mutex_init(&s->lock, NULL);
	s->spare = NULL;
	s->dead = NULL;
	s->conn = s->for_child;
	s->for_child = NULL;
	s->broken = !s->conn;
	s->down = !s->conn;
	s->retry_ns = 0;
	if (was_down != s->down)
		rstats.servers_down += s->down ? 1 : (uint64_t)-1;
}

void swap_memcached_fork_child(void)
{
	mc_thread_started = false;
	pthread_mutex_init(&mc_fork_lock, NULL);
	mc_fork_held = false;
	for (int c = 0; c < MC_CLASSES; c++)
		pthread_mutex_init(&mc_caches[c].lock, NULL);
	pthread_mutex_init(&del_lock, NULL);
	for (int i = 0; i < nr_areas; i++) {
		struct mc_area *a = areas[i];

		a->frozen = true;	/* swap_freeze_all: the parent's slots */
		for (unsigned int k = 0; k < a->nr; k++)
			server_fork_child(&a->srv[k]);
	}
}

void swap_memcached_fork_child_start(void)
{
	if (nr_areas && start_thread())
		upage_msg("forked child: the memcached area's thread did not start");
}

int swapon_memcached_child(const char *spec, int prio)
{
	return swapon_memcached_how(spec, prio, false);
}

#define PUBLISH(field) \
	__atomic_store_n(&s->remote_##field, __atomic_load_n(&rstats.field, __ATOMIC_RELAXED), \
			 __ATOMIC_RELAXED)

/* upage_stats may be set up after the area, and again in a forked child. */
static void publish_stats(void)
{
	struct upage_stats *s = __atomic_load_n(&upage_stats, __ATOMIC_RELAXED);

	if (!s)
		return;
	PUBLISH(servers);
	PUBLISH(servers_down);
	PUBLISH(reads);
	PUBLISH(writes);
	PUBLISH(failovers);
	PUBLISH(stale_reads);
	PUBLISH(missing_reads);
	PUBLISH(rereplications);
	PUBLISH(degraded_writes);
	PUBLISH(read_errors);
	PUBLISH(evictions);
	PUBLISH(servers_evicting);
	PUBLISH(deletes);
	PUBLISH(deletes_dropped);
}

void swap_memcached_get_stats(struct remote_stats *st)
{
	st->servers = __atomic_load_n(&rstats.servers, __ATOMIC_RELAXED);
	st->servers_down = __atomic_load_n(&rstats.servers_down, __ATOMIC_RELAXED);
	st->reads = __atomic_load_n(&rstats.reads, __ATOMIC_RELAXED);
	st->writes = __atomic_load_n(&rstats.writes, __ATOMIC_RELAXED);
	st->failovers = __atomic_load_n(&rstats.failovers, __ATOMIC_RELAXED);
	st->stale_reads = __atomic_load_n(&rstats.stale_reads, __ATOMIC_RELAXED);
	st->missing_reads = __atomic_load_n(&rstats.missing_reads, __ATOMIC_RELAXED);
	st->rereplications = __atomic_load_n(&rstats.rereplications, __ATOMIC_RELAXED);
	st->degraded_writes = __atomic_load_n(&rstats.degraded_writes, __ATOMIC_RELAXED);
	st->read_errors = __atomic_load_n(&rstats.read_errors, __ATOMIC_RELAXED);
	st->evictions = __atomic_load_n(&rstats.evictions, __ATOMIC_RELAXED);
	st->servers_evicting = __atomic_load_n(&rstats.servers_evicting, __ATOMIC_RELAXED);
	st->deletes = __atomic_load_n(&rstats.deletes, __ATOMIC_RELAXED);
	st->deletes_dropped = __atomic_load_n(&rstats.deletes_dropped, __ATOMIC_RELAXED);
}

/*
 * At exit: delete the copies of every slot still in use, so a pool
 * shared by many runs does not fill up with the pages of programs gone.
 * A slot a forked child may still read (its count was raised at fork)
 * is left.  A program killed, or ending in _exit, leaves its copies until
 * the servers restart.
 */
__attribute__((destructor)) static void swap_memcached_exit(void)
{
	if (!nr_areas)
		return;
	for (int i = 0; i < nr_areas; i++) {
		struct mc_area *a = areas[i];
		unsigned long hi = __atomic_load_n(&a->high_slot, __ATOMIC_RELAXED);

		if (a->frozen)
			continue;
		for (unsigned long off = 1; off <= hi && off < a->nr_slots; off++) {
			uint64_t m = __atomic_load_n(&a->meta[off], __ATOMIC_ACQUIRE);

			if (!slot_meta_version(m) ||
			    swap_count(swp_entry((unsigned int)a->type, off)) > 1)
				continue;
			for (int c = 0; c < 2; c++)
				if (slot_meta_server(m, c) != RING_NONE &&
				    delete_copy(a, slot_meta_server(m, c), off, slot_meta_version(m)))
					__atomic_add_fetch(&rstats.deletes, 1, __ATOMIC_RELAXED);
		}
	}
	delete_queued(ULONG_MAX);
}
