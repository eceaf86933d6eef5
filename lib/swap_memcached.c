// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swap_memcached.c - a swap area on a pool of memcached servers
 * (swap_memcached.h): the area set up, its swap_aops, the area's thread
 * that probes the servers set aside, re-replicates the pages whose copy
 * was lost, deletes old copies and watches for evictions, and fork.
 *
 * The parts: memcached_server.c (a server: connections, bounds,
 * failures), memcached_copies.c (the versioned copies: reads, writes,
 * re-replication), memcached_delete.c (old copies), memcached_alloc.c
 * (libmemcached's memory, outside the arena), memcached_stats.c (the
 * counters); placement is remote_ring.c's.  libmemcached is opened when
 * the first pool is named, and called through swap_memcached_lib.h's
 * table (mcl.X is memcached_X).
 *
 * Locking: areas[] and nr_areas are set at swapon (start-up, or a
 * forked child's handler) and only read afterwards; mc_fork_lock is
 * held by a forking thread from swap_memcached_fork_prepare to the
 * parent's or child's handler; the rest is the parts' (memcached_area.h).
 */
#include "autoconfig.h"

#include "swap_memcached.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "extent_hooks.h"
#include "fault_forbid.h"
#include "memcached_alloc.h"
#include "memcached_area.h"
#include "memcached_copies.h"
#include "memcached_delete.h"
#include "memcached_server.h"
#include "memcached_stats.h"
#include "page_io.h"
#include "stats.h"
#include "swapfile.h"

#define MC_DEL_PER_TICK	1024	/* deleted per tick of the area's thread, after its probes */

static struct mc_area *areas[MC_MAX_AREAS];	/* set at swapon, start-up only */
static int nr_areas;
static pthread_t mc_thread;
/* Held by a forking thread from swap_memcached_fork_prepare to the parent's
 * or child's handler: protects every server's for_child. */
static pthread_mutex_t mc_fork_lock = PTHREAD_MUTEX_INITIALIZER;
static bool mc_fork_held;		/* mc_fork_lock: fork holds libmemcached's memory */
static bool mc_thread_started;

static int mc_submit(struct swap_info_struct *si, struct swap_io *io)
{
	struct mc_area *a = si->private;
	unsigned long first = swp_offset(io->entry);

	if (first + (unsigned long)io->nr > a->nr_slots)
		return -EINVAL;
	io->end_io(io, io->write ? mc_write(a, io) : mc_read(a, io));
	return 0;
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
	fault_forbid_self();
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
		delete_queued(areas, MC_DEL_PER_TICK);
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
	a->index = (uint8_t)nr_areas;
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
	memcached_alloc_init();
	if (memcached_delete_init()) {
		upage_msg("bad memcached pool '%s' (UPAGE_SWAP): %s", spec, strerrordesc_np(ENOMEM));
		return -ENOMEM;
	}
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
			if (!s->for_child) {
				s->for_child = s->reserve;
				s->reserve = NULL;
			}
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
	memcached_alloc_lock();
	memcached_delete_lock();
	mc_fork_held = true;
}

void swap_memcached_fork_parent(void)
{
	if (!nr_areas)
		return;
	if (mc_fork_held) {
		memcached_delete_unlock();
		memcached_alloc_unlock();
	}
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
	conn_close_copy(s->reserve);
	/* The parent's connections are dropped, not freed: freeing would say
	 * goodbye on a descriptor that is no longer the socket. */
	pthread_mutex_init(&s->lock, NULL);
	s->spare = NULL;
	s->reserve = NULL;
	s->dead = NULL;
	s->dead2 = NULL;
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
	fault_forbid_child();
	pthread_mutex_init(&mc_fork_lock, NULL);
	mc_fork_held = false;
	memcached_alloc_fork_child();
	memcached_delete_fork_child();
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
	delete_queued(areas, ULONG_MAX);
}
