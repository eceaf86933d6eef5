// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscall_uring.c - io_uring on paged-out memory, under the engines that
 * serve faults in the faulting thread (the system call trap).
 *
 * io_uring's buffers are reached by the kernel long after the system call
 * that submitted them (io-wq workers, task work, a socket's wake-up),
 * where no fault of an in-thread engine can be served: a read into a
 * paged-out buffer completes with EFAULT or a short count.  So every
 * io_uring_enter is trapped (syscall_filter.c), and before it runs the
 * submission queue entries it will consume are read here, through a
 * mapping of the ring of upage's own (the program's may be anywhere),
 * and the arena pages each one names (its buffer, its iovecs and their
 * buffers, its msghdr, a path, a sockaddr) are brought in and pinned
 * (trap_get_page) under the entry's user_data.  The pins are dropped when
 * the completion of that user_data is seen in the completion ring (at
 * the next io_uring_enter, or after this one: a completion flagged
 * IORING_CQE_F_MORE is not the last).  A user_data shared by several
 * submissions in flight drops its pins with the last of them.  Buffers
 * registered with IORING_REGISTER_BUFFERS (and _BUFFERS2, _UPDATE) are
 * pinned until IORING_UNREGISTER_BUFFERS.
 *
 * Not served, and refused the way a kernel refuses a request it does not
 * support (one message, EINVAL): IORING_SETUP_SQPOLL (its kernel thread
 * reads the queue without a system call), IORING_SETUP_NO_MMAP and
 * _REGISTERED_FD_ONLY (rings in the program's memory), setup flags newer
 * than this file, registered buffer rings (IORING_REGISTER_PBUF_RING) and
 * registered ring descriptors (IORING_REGISTER_RING_FDS); and, per entry
 * (its completion says EINVAL): IORING_OP_PROVIDE_BUFFERS of heap memory,
 * IOSQE_CQE_SKIP_SUCCESS on an entry naming heap memory (no completion
 * would drop its pins), and an entry whose buffers would pin more than
 * half the resident cap.  A completion reaped by the program before upage
 * saw it, with the ring wrapped since, cannot be matched: its pins stay
 * (one message).  A ring is known by its file (ring_of), so a duplicate
 * of its descriptor is served as the descriptor io_uring_setup gave; a
 * ring from another process runs undecoded (one message).  Entries are
 * read as the kernel will read them when one thread submits to a ring at
 * a time, as liburing's rings require.
 *
 * Locking: uring_lock (a mutex, taken in the SIGSYS handler with every
 * asynchronous signal blocked, never across the system call itself)
 * guards rings[] and the pin records; it is taken before the page
 * layer's locks (trap_get_page).
 */
#include "autoconfig.h"

#include "syscall_uring.h"

#include <errno.h>
#include <limits.h>
#include <linux/io_uring.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fault.h"
#include "mm.h"
#include "page_alloc.h"
#include "sys.h"
#include "trap_pins.h"

/* Setup flags of kernels newer than the headers Debian 12 ships. */
#ifndef IORING_SETUP_NO_MMAP
#define IORING_SETUP_NO_MMAP		(1U << 14)
#endif
#ifndef IORING_SETUP_REGISTERED_FD_ONLY
#define IORING_SETUP_REGISTERED_FD_ONLY	(1U << 15)
#endif
#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY		(1U << 16)
#endif
/* The flags this file knows how the rings look under. */
#define KNOWN_SETUP	((IORING_SETUP_NO_SQARRAY << 1) - 1)
#define REFUSED_SETUP	(IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF | IORING_SETUP_NO_MMAP | \
			 IORING_SETUP_REGISTERED_FD_ONLY)

#define MAX_RINGS	64
#define MAX_UPINS	(1 << 16)
/* An opcode no kernel has: the entry completes with EINVAL. */
#define OP_REFUSED	0xff

struct ring {
	int fd;			/* -1: a free slot; else a descriptor of it */
	dev_t dev;		/* its file (ring_of) */
	ino_t ino;
	struct io_uring_params p;	/* as io_uring_setup filled it in */
	uint32_t cq_seen;	/* the completion ring's tail, as far as looked at */
	bool lost;		/* completions went by unseen: pins stay */
};

/* A pin held for a ring: a page of a submission (PIN_SQE) or of the
 * registered buffers (PIN_REG), or a submission in flight (PIN_HEAD, no
 * page) counted under its user_data. */
enum { PIN_HEAD, PIN_SQE, PIN_REG };
struct upin {
	struct page *page;
	uint64_t user_data;
	uint32_t seq;		/* the submission's (or registration's) number */
	int16_t ring;
	uint8_t kind;
};

static pthread_mutex_t uring_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ring rings[MAX_RINGS];	/* fd 0 is a valid ring: see ring_of */
static bool rings_ready;
static bool shared_inode;	/* rings share one inode (older kernels) */
static struct upin *upins;	/* MAX_UPINS of them, on first use */
static unsigned int nr_upins, nr_pages;	/* records; those with a page */
static uint32_t next_seq;
static struct mm_struct *uring_mm;

bool uring_call(long nr)
{
	return nr == SYS_io_uring_setup || nr == SYS_io_uring_enter || nr == SYS_io_uring_register;
}

/* Once per kind of thing refused, one message. */
static void say_once(bool *said, const char *what)
{
	if (!__atomic_exchange_n(said, true, __ATOMIC_RELAXED))
		upage_msg("io_uring under the %s engine: %s", uring_mm->engine->name, what);
}

static bool same_file(int a, int b)
{
	pid_t pid = getpid();

	return a == b || sys_syscall(SYS_kcmp, pid, pid, KCMP_FILE, a, b) == 0;
}

/*
 * The ring descriptor @fd names: known by its file, not by the number,
 * so that a duplicate of it (dup, a descriptor passed over a socket) is
 * served and a number closed and reused is not taken for the old ring.
 * The kernel gives each ring an inode of its own (6.x); where it gives
 * them all one anonymous inode, kcmp on the descriptor recorded tells
 * them apart.  uring_lock held.
 */
static struct ring *ring_of(int fd)
{
	struct ring *cand[MAX_RINGS];
	struct stat st;
	int n = 0;

	if (!rings_ready || fd < 0 || fstat(fd, &st))
		return NULL;
	for (int i = 0; i < MAX_RINGS; i++)
		if (rings[i].fd >= 0 && rings[i].dev == st.st_dev && rings[i].ino == st.st_ino)
			cand[n++] = &rings[i];
	if (n == 1 && !shared_inode)
		return cand[0];
	for (int i = 0; i < n; i++)
		if (same_file(cand[i]->fd, fd))
			return cand[i];
	return NULL;
}

/*
 * Does some descriptor of the process still name @r?  Its recorded one
 * was closed (the number came back from io_uring_setup, or names another
 * file): look for a duplicate in /proc/self/fd, read with getdents64 into
 * a buffer on the stack (no allocation in the SIGSYS handler), and record
 * it.  uring_lock held.
 */
static bool ring_alive(struct ring *r)
{
	char buf[1024];
	long n;
	int dfd;

	if (shared_inode)
		return false;	/* no telling it by its file */
	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	while ((n = sys_syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			const struct dirent64 *d = (const void *)(buf + off);
			struct stat st;
			int fd = atoi(d->d_name);

			off += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9' || fd == dfd ||
			    fd == r->fd || fstat(fd, &st))
				continue;
			if (st.st_dev == r->dev && st.st_ino == r->ino) {
				r->fd = fd;
				close(dfd);
				return true;
			}
		}
	close(dfd);
	return false;
}

/* Is @r's recorded descriptor still @r? */
static bool ring_fd_ok(const struct ring *r)
{
	struct stat st;

	return fstat(r->fd, &st) == 0 && st.st_dev == r->dev && st.st_ino == r->ino;
}

/* ------------------------------------------------------------------ */
/* Pin records: uring_lock held. */

static unsigned long pin_budget(void)
{
	return uring_mm->zone->cap_frames / 2;
}

static int add_record(int ring, uint8_t kind, uint64_t ud, uint32_t seq, struct page *page)
{
	if (!upins) {
		upins = sys_alloc_pages(PAGE_ALIGN(MAX_UPINS * sizeof(*upins)));
		if (!upins)
			return -ENOMEM;
	}
	if (nr_upins == MAX_UPINS)
		return -ENOMEM;
	upins[nr_upins++] = (struct upin){ page, ud, seq, (int16_t)ring, kind };
	if (page)
		nr_pages++;
	return 0;
}

/* Drop record @i (its pin, if a page). */
static void drop_record(unsigned int i)
{
	if (upins[i].page) {
		trap_put_pages(&upins[i].page, 1);
		nr_pages--;
	}
	upins[i] = upins[--nr_upins];
}

/* Drop every record of @ring matching @match. */
static void drop_where(int ring, bool (*match)(const struct upin *, const void *), const void *arg)
{
	for (unsigned int i = 0; i < nr_upins;)
		if (upins[i].ring == ring && match(&upins[i], arg))
			drop_record(i);
		else
			i++;
}

static bool is_seq_range(const struct upin *u, const void *arg)
{
	const uint32_t *r = arg;	/* [r[0], r[1]) */

	return u->seq - r[0] < r[1] - r[0];
}

static bool is_ud(const struct upin *u, const void *arg)
{
	return u->kind != PIN_REG && u->user_data == *(const uint64_t *)arg;
}

static bool is_reg(const struct upin *u, const void *arg)
{
	(void)arg;
	return u->kind == PIN_REG;
}

static bool is_any(const struct upin *u, const void *arg)
{
	(void)u;
	(void)arg;
	return true;
}

/* The last completion of @ud on @ring: one submission of it fewer in
 * flight, and with the last one its pages go. */
static void complete(int ring, uint64_t ud)
{
	bool found = false;

	for (unsigned int i = 0; i < nr_upins; i++)
		if (upins[i].ring == ring && upins[i].kind == PIN_HEAD && upins[i].user_data == ud) {
			if (found)
				return;	/* another still in flight */
			drop_record(i);
			found = true;
			i--;
		}
	if (found)
		drop_where(ring, is_ud, &ud);
}

/* Bring in and pin [@addr, @addr + @len) under @ud and @seq.  Returns 0
 * (pages no region maps are the kernel's to refuse), -ENOMEM (past the
 * budget) or -EAGAIN. */
static int pin_span(int ring, uint8_t kind, uint64_t ud, uint32_t seq, uintptr_t addr, size_t len,
		    bool write)
{
	uintptr_t end = addr + len;

	if (!addr || !len)
		return 0;
	if (end < addr)
		return 0;	/* the kernel says EFAULT */
	for (uintptr_t a = addr & PAGE_MASK; a < end; a += PAGE_SIZE) {
		struct page *page;
		int ret;

		if (!arena_contains(&uring_mm->arena, a))
			continue;
		if (nr_pages >= pin_budget())
			return -ENOMEM;
		ret = trap_get_page(a, write, &page);
		if (ret == 1 || ret == -EFAULT)
			continue;	/* nothing to pin, or the kernel's EFAULT */
		if (ret)
			return ret;
		ret = add_record(ring, kind, ud, seq, page);
		if (ret) {
			trap_put_pages(&page, 1);
			return ret;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Submissions. */

struct ring_map {
	char *sq, *cq, *sqes;
	size_t sq_len, cq_len, sqes_len;
};

static size_t sqe_size(const struct ring *r)
{
	return r->p.flags & IORING_SETUP_SQE128 ? 128 : 64;
}

static size_t cqe_size(const struct ring *r)
{
	return r->p.flags & IORING_SETUP_CQE32 ? 32 : 16;
}

static void unmap_ring(struct ring_map *m)
{
	if (m->sq && m->sq != MAP_FAILED)
		sys_munmap(m->sq, m->sq_len);
	if (m->cq && m->cq != MAP_FAILED && m->cq != m->sq)
		sys_munmap(m->cq, m->cq_len);
	if (m->sqes && m->sqes != MAP_FAILED)
		sys_munmap(m->sqes, m->sqes_len);
}

static uint32_t ld32(const char *base, uint32_t off)
{
	return __atomic_load_n((const uint32_t *)(base + off), __ATOMIC_ACQUIRE);
}

/* Map @r's rings from @fd, and check they are @r's (their sizes).
 * Returns 0 or -1. */
static int map_ring(const struct ring *r, int fd, struct ring_map *m)
{
	const struct io_uring_params *p = &r->p;
	int prot = PROT_READ | PROT_WRITE, fl = MAP_SHARED;

	memset(m, 0, sizeof(*m));
	m->sq_len = p->flags & IORING_SETUP_NO_SQARRAY ? p->sq_off.flags + 4 :
							 p->sq_off.array + p->sq_entries * 4;
	m->cq_len = p->cq_off.cqes + p->cq_entries * cqe_size(r);
	m->sqes_len = p->sq_entries * sqe_size(r);
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		m->sq_len = m->cq_len = m->sq_len > m->cq_len ? m->sq_len : m->cq_len;
		m->sq = m->cq = sys_mmap(NULL, m->sq_len, prot, fl, fd, IORING_OFF_SQ_RING);
	} else {
		m->sq = sys_mmap(NULL, m->sq_len, prot, fl, fd, IORING_OFF_SQ_RING);
		m->cq = sys_mmap(NULL, m->cq_len, prot, fl, fd, IORING_OFF_CQ_RING);
	}
	m->sqes = sys_mmap(NULL, m->sqes_len, prot, fl, fd, IORING_OFF_SQES);
	if (m->sq == MAP_FAILED || m->cq == MAP_FAILED || m->sqes == MAP_FAILED ||
	    ld32(m->sq, p->sq_off.ring_entries) != p->sq_entries ||
	    ld32(m->cq, p->cq_off.ring_entries) != p->cq_entries) {
		unmap_ring(m);
		return -1;
	}
	return 0;
}

/* Look at the completions posted since the last look: uring_lock held. */
static void reap(struct ring *r, const struct ring_map *m)
{
	static bool said;
	int ring = (int)(r - rings);
	uint32_t tail = ld32(m->cq, r->p.cq_off.tail), mask = ld32(m->cq, r->p.cq_off.ring_mask);

	for (; r->cq_seen != tail; r->cq_seen++) {
		const struct io_uring_cqe *c;
		uint64_t ud;
		uint32_t flags;

		if (tail - r->cq_seen > r->p.cq_entries)
			break;	/* overwritten since */
		c = (const void *)(m->cq + r->p.cq_off.cqes + (r->cq_seen & mask) * cqe_size(r));
		ud = c->user_data;
		flags = c->flags;
		if (ld32(m->cq, r->p.cq_off.tail) - r->cq_seen > r->p.cq_entries)
			break;	/* overwritten while read */
		if (!(flags & IORING_CQE_F_MORE))
			complete(ring, ud);
	}
	if (r->cq_seen != tail) {
		r->cq_seen = tail;
		r->lost = true;
		say_once(&said, "completions were reaped and the ring wrapped before upage saw "
				"them; the heap pages of those requests stay resident");
	}
}

/* Pin the arena pages a msghdr names (sendmsg, recvmsg). */
static int pin_msghdr(int ring, uint64_t ud, uint32_t seq, uintptr_t addr, bool write)
{
	const struct msghdr *mh = (const struct msghdr *)addr;
	int ret;

	ret = pin_span(ring, PIN_SQE, ud, seq, addr, sizeof(*mh), true);
	if (ret || !addr)
		return ret;
	ret = pin_span(ring, PIN_SQE, ud, seq, (uintptr_t)mh->msg_name, mh->msg_namelen, true);
	if (ret == 0)
		ret = pin_span(ring, PIN_SQE, ud, seq, (uintptr_t)mh->msg_control,
			       mh->msg_controllen, true);
	if (ret == 0)
		ret = pin_span(ring, PIN_SQE, ud, seq, (uintptr_t)mh->msg_iov,
			       mh->msg_iovlen * sizeof(struct iovec), false);
	for (size_t i = 0; ret == 0 && mh->msg_iov && i < mh->msg_iovlen && i < IOV_MAX; i++)
		ret = pin_span(ring, PIN_SQE, ud, seq, (uintptr_t)mh->msg_iov[i].iov_base,
			       mh->msg_iov[i].iov_len, write);
	return ret;
}

/* Pin an iovec array and its buffers. */
static int pin_iovecs(int ring, uint8_t kind, uint64_t ud, uint32_t seq, uintptr_t addr,
		      uint32_t cnt, bool write)
{
	const struct iovec *v = (const struct iovec *)addr;
	int ret;

	if (!addr || cnt > IOV_MAX)
		return 0;	/* the kernel refuses it */
	ret = pin_span(ring, kind, ud, seq, addr, cnt * sizeof(*v), false);
	for (uint32_t i = 0; ret == 0 && i < cnt; i++)
		ret = pin_span(ring, kind, ud, seq, (uintptr_t)v[i].iov_base, v[i].iov_len, write);
	return ret;
}

/* Two pages from @addr (a path, a small structure the call copies). */
#define SMALL	(2 * PAGE_SIZE - 1)

/* Pin what entry @s names.  Returns 0, -ENOMEM / -EAGAIN (not pinned:
 * the caller refuses the entry) or -EINVAL (refused). */
static int pin_sqe(int ring, const struct io_uring_sqe *s, uint32_t seq)
{
	uint64_t ud = s->user_data;
	uintptr_t addr = (uintptr_t)s->addr, addr2 = (uintptr_t)s->addr2;
	bool selected = s->flags & IOSQE_BUFFER_SELECT;

	switch (s->opcode) {
	case IORING_OP_NOP:
	case IORING_OP_READ_FIXED:	/* registered: pinned already */
	case IORING_OP_WRITE_FIXED:
	case IORING_OP_FSYNC:
	case IORING_OP_CLOSE:
	case IORING_OP_POLL_ADD:
	case IORING_OP_POLL_REMOVE:
	case IORING_OP_ASYNC_CANCEL:
	case IORING_OP_SHUTDOWN:
		return 0;
	case IORING_OP_READV:
	case IORING_OP_WRITEV:
		if (selected)
			return 0;
		return pin_iovecs(ring, PIN_SQE, ud, seq, addr, s->len,
				  s->opcode == IORING_OP_READV);
	case IORING_OP_READ:
	case IORING_OP_RECV:
		return selected ? 0 : pin_span(ring, PIN_SQE, ud, seq, addr, s->len, true);
	case IORING_OP_WRITE:
	case IORING_OP_SEND:
	case IORING_OP_SEND_ZC:
		return pin_span(ring, PIN_SQE, ud, seq, addr, s->len, false) ?:
		       pin_span(ring, PIN_SQE, ud, seq, addr2, SMALL, false);
	case IORING_OP_SENDMSG:
	case IORING_OP_SENDMSG_ZC:
		return pin_msghdr(ring, ud, seq, addr, false);
	case IORING_OP_RECVMSG:
		return pin_msghdr(ring, ud, seq, addr, true);
	case IORING_OP_PROVIDE_BUFFERS:
		if (arena_contains(&uring_mm->arena, addr))
			return -EINVAL;
		return 0;
	default:
		/* A path, a timespec, a sockaddr, a statx buffer, an
		 * epoll_event, xattr names: the pages at each pointer. */
		return pin_span(ring, PIN_SQE, ud, seq, addr, SMALL, true) ?:
		       pin_span(ring, PIN_SQE, ud, seq, addr2, SMALL, true) ?:
		       pin_span(ring, PIN_SQE, ud, seq, (uintptr_t)s->addr3, SMALL, true);
	}
}

/* Did the request numbered @seq pin pages? */
static bool holds_pages(int ring, uint32_t seq)
{
	for (unsigned int i = 0; i < nr_upins; i++)
		if (upins[i].ring == ring && upins[i].seq == seq && upins[i].page)
			return true;
	return false;
}

/* Refuse entry @s (its completion says EINVAL), dropping what it pinned. */
static void refuse_sqe(int ring, struct io_uring_sqe *s, uint32_t seq, int why)
{
	static bool said_mem, said_prov, said_skip;
	uint32_t r[2] = { seq, seq + 1 };

	drop_where(ring, is_seq_range, r);
	if (why == -EINVAL && s->opcode == IORING_OP_PROVIDE_BUFFERS)
		say_once(&said_prov, "IORING_OP_PROVIDE_BUFFERS of heap memory is not supported "
				     "(the kernel picks those buffers later): it completes with "
				     "EINVAL");
	else if (why == -EINVAL)
		say_once(&said_skip, "IOSQE_CQE_SKIP_SUCCESS on a request naming heap memory is "
				     "not supported (no completion would release it): it completes "
				     "with EINVAL");
	else
		say_once(&said_mem, "a request's heap buffers would hold more than half the "
				    "resident cap: it completes with EINVAL");
	s->opcode = OP_REFUSED;
	if (add_record(ring, PIN_HEAD, s->user_data, seq, NULL)) {
		/* no room to count it: its completion drops nothing */
	}
}

/* Before io_uring_enter submits up to @to_submit entries: pin them.
 * Sets *@seq0 and *@n (the entries looked at, numbered from *@seq0). */
static void submit_prepare(struct ring *r, const struct ring_map *m, uint32_t to_submit,
			   uint32_t *head0, uint32_t *seq0, uint32_t *n)
{
	const struct io_uring_params *p = &r->p;
	int ring = (int)(r - rings);
	uint32_t head = ld32(m->sq, p->sq_off.head), tail = ld32(m->sq, p->sq_off.tail);
	uint32_t mask = ld32(m->sq, p->sq_off.ring_mask);
	const uint32_t *array = (const uint32_t *)(m->sq + p->sq_off.array);

	*head0 = head;
	*n = tail - head < to_submit ? tail - head : to_submit;
	if (*n > p->sq_entries)
		*n = p->sq_entries;
	*seq0 = next_seq;
	next_seq += *n;
	for (uint32_t i = 0; i < *n; i++) {
		uint32_t idx = p->flags & IORING_SETUP_NO_SQARRAY ? (head + i) & mask :
								    array[(head + i) & mask];
		struct io_uring_sqe *s;
		uint32_t seq = *seq0 + i;
		bool pinned;
		int ret;

		if (idx >= p->sq_entries)
			continue;	/* the kernel drops it */
		s = (struct io_uring_sqe *)(m->sqes + idx * sqe_size(r));
		ret = pin_sqe(ring, s, seq);
		pinned = ret == 0 && holds_pages(ring, seq);
		if (pinned && (s->flags & IOSQE_CQE_SKIP_SUCCESS))
			ret = -EINVAL;
		if (ret) {
			refuse_sqe(ring, s, seq, ret);
			continue;
		}
		/* Counted under its user_data, so that another request of
		 * the same user_data does not release these pins early; one
		 * that skips its completion is not counted (none may come). */
		if (!(s->flags & IOSQE_CQE_SKIP_SUCCESS) &&
		    add_record(ring, PIN_HEAD, s->user_data, seq, NULL) && pinned)
			refuse_sqe(ring, s, seq, -ENOMEM);	/* no room to count it */
	}
}

static long run_enter(long *a, trap_run_fn run, void *call)
{
	static bool said_unknown;
	struct trap_pins ps = { .n = 0 };
	struct ring_map m;
	struct ring *r;
	uint32_t head0 = 0, seq0 = 0, n = 0;
	unsigned int flags = (unsigned int)a[3];
	bool mapped = false;
	long ret;

	pthread_mutex_lock(&uring_lock);
	r = ring_of((int)a[0]);
	if (r && !(flags & IORING_ENTER_REGISTERED_RING)) {
		mapped = map_ring(r, (int)a[0], &m) == 0;
		if (mapped) {
			reap(r, &m);
			submit_prepare(r, &m, (uint32_t)a[1], &head0, &seq0, &n);
		}
	}
	if (!mapped && a[1] > 0)
		say_once(&said_unknown, "a ring upage did not set up (one from another process) "
					"runs as it is: its requests' heap buffers are not brought in");
	pthread_mutex_unlock(&uring_lock);
	/* The call's own arguments: the signal mask, or the getevents
	 * argument with its mask and timeout; read during the call. */
	if (a[4] && (flags & IORING_ENTER_EXT_ARG)) {
		const struct io_uring_getevents_arg *g = (const void *)a[4];

		if (trap_pin_range(&ps, g, sizeof(*g), false) == 0 &&
		    trap_pin_range(&ps, (void *)(uintptr_t)g->sigmask, g->sigmask_sz, false) == 0)
			trap_pin_range(&ps, (void *)(uintptr_t)g->ts, 16, false);
	} else if (a[4]) {
		trap_pin_range(&ps, (void *)a[4], (size_t)a[5], false);
	}
	ret = run(SYS_io_uring_enter, a, call);
	trap_unpin_all(&ps);
	if (!mapped)
		return ret;
	pthread_mutex_lock(&uring_lock);
	/* Entries the kernel did not consume were not submitted. */
	if (ld32(m.sq, r->p.sq_off.head) - head0 < n) {
		uint32_t rr[2] = { seq0 + (ld32(m.sq, r->p.sq_off.head) - head0), seq0 + n };

		drop_where((int)(r - rings), is_seq_range, rr);
	}
	reap(r, &m);
	pthread_mutex_unlock(&uring_lock);
	unmap_ring(&m);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Setup and registration. */

/*
 * A new ring, of file @st, has descriptor @fd: a ring recorded under that
 * number, or under a number that now names another file, lost that
 * descriptor; it is gone with its pins unless a duplicate still names it
 * (ring_alive).  uring_lock held.
 */
static void forget_closed(const struct stat *st, int fd)
{
	for (int i = 0; i < MAX_RINGS; i++) {
		struct ring *r = &rings[i];

		if (r->fd < 0)
			continue;
		if ((r->fd == fd || !ring_fd_ok(r)) && !ring_alive(r)) {
			drop_where(i, is_any, NULL);
			r->fd = -1;
		}
	}
}

/* Is @ring's inode the one anonymous inode every eventfd has too (kernels
 * before rings had inodes of their own)?  Then it tells no ring from
 * another. */
static bool inode_shared(const struct stat *ring)
{
	struct stat st;
	int e = eventfd(0, EFD_CLOEXEC);
	bool shared = e >= 0 && fstat(e, &st) == 0 && st.st_dev == ring->st_dev &&
		      st.st_ino == ring->st_ino;

	if (e >= 0)
		close(e);
	return shared;
}

static long run_setup(long *a, trap_run_fn run, void *call)
{
	static bool said_flags, said_full;
	struct io_uring_params *up = (struct io_uring_params *)a[1];
	struct trap_pins ps = { .n = 0 };
	struct io_uring_params p;
	long ret;

	if (!up)
		return run(SYS_io_uring_setup, a, call);	/* the kernel's EFAULT */
	ret = trap_pin_range(&ps, up, sizeof(*up), true);
	if (ret)
		return ret;
	p = *up;
	if (p.flags & (REFUSED_SETUP | ~KNOWN_SETUP)) {
		trap_unpin_all(&ps);
		say_once(&said_flags, "IORING_SETUP_SQPOLL, _NO_MMAP, _REGISTERED_FD_ONLY and "
				      "flags newer than upage are not supported (the kernel would "
				      "reach heap buffers with no system call to bring them in): "
				      "io_uring_setup fails with EINVAL");
		return -EINVAL;
	}
	ret = run(SYS_io_uring_setup, a, call);
	if (ret >= 0) {
		struct ring *r = NULL;
		struct stat st;
		bool shared;

		p = *up;
		fstat((int)ret, &st);
		shared = inode_shared(&st);
		pthread_mutex_lock(&uring_lock);
		shared_inode |= shared;
		if (!rings_ready) {
			for (int i = 0; i < MAX_RINGS; i++)
				rings[i].fd = -1;
			rings_ready = true;
		}
		forget_closed(&st, (int)ret);
		for (int i = 0; !r && i < MAX_RINGS; i++)
			if (rings[i].fd < 0)
				r = &rings[i];
		if (r)
			*r = (struct ring){ .fd = (int)ret, .dev = st.st_dev, .ino = st.st_ino, .p = p };
		pthread_mutex_unlock(&uring_lock);
		if (!r) {
			sys_syscall(SYS_close, ret);
			say_once(&said_full, "more than 64 rings at once are not supported: "
					     "io_uring_setup fails with ENOMEM");
			ret = -ENOMEM;
		}
	}
	trap_unpin_all(&ps);
	return ret;
}

/* IORING_REGISTER_BUFFERS and the like: the buffers of the iovecs at
 * @iov pinned for good (until unregistered), then the call. */
static long register_buffers(struct ring *r, long *a, uintptr_t iov, uint32_t cnt, trap_run_fn run,
			     void *call)
{
	static bool said;
	int ring = (int)(r - rings);
	uint32_t seq, rr[2];
	long ret;

	pthread_mutex_lock(&uring_lock);
	seq = next_seq++;
	ret = pin_iovecs(ring, PIN_REG, 0, seq, iov, cnt, true);
	pthread_mutex_unlock(&uring_lock);
	if (ret == 0)
		ret = run(SYS_io_uring_register, a, call);
	else if (ret == -ENOMEM)
		say_once(&said, "registered buffers in the heap may hold at most half the resident "
				"cap: io_uring_register fails with ENOMEM");
	if (ret < 0) {
		rr[0] = seq;
		rr[1] = seq + 1;
		pthread_mutex_lock(&uring_lock);
		drop_where(ring, is_seq_range, rr);
		pthread_mutex_unlock(&uring_lock);
	}
	return ret;
}

static long run_register(long *a, trap_run_fn run, void *call)
{
	static bool said_pbuf, said_fds;
	unsigned int op = (unsigned int)a[1];
	uintptr_t arg = (uintptr_t)a[2];
	uint32_t nr = (uint32_t)a[3];
	struct trap_pins ps = { .n = 0 };
	struct ring *r;
	long ret;

	pthread_mutex_lock(&uring_lock);
	r = ring_of((int)a[0]);
	pthread_mutex_unlock(&uring_lock);
	switch (op) {
	case IORING_REGISTER_PBUF_RING:
		say_once(&said_pbuf, "registered buffer rings are not supported (the kernel picks "
				     "their buffers later): IORING_REGISTER_PBUF_RING fails with "
				     "EINVAL");
		return -EINVAL;
	case IORING_REGISTER_RING_FDS:
		say_once(&said_fds, "registered ring descriptors are not supported: "
				    "IORING_REGISTER_RING_FDS fails with EINVAL");
		return -EINVAL;
	case IORING_REGISTER_BUFFERS:
		if (r)
			return register_buffers(r, a, arg, nr, run, call);
		break;
	case IORING_REGISTER_BUFFERS2:
	case IORING_REGISTER_BUFFERS_UPDATE:
		if (r && arg && nr >= sizeof(struct io_uring_rsrc_register)) {
			const struct io_uring_rsrc_register *rr = (const void *)arg;
			const struct io_uring_rsrc_update2 *ru = (const void *)arg;

			ret = trap_pin_range(&ps, (void *)arg, nr, false);
			if (ret)
				return ret;
			ret = op == IORING_REGISTER_BUFFERS2 ?
				      register_buffers(r, a, rr->data, rr->nr, run, call) :
				      register_buffers(r, a, ru->data, ru->nr, run, call);
			trap_unpin_all(&ps);
			return ret;
		}
		break;
	case IORING_UNREGISTER_BUFFERS:
		ret = run(SYS_io_uring_register, a, call);
		if (ret == 0 && r) {
			pthread_mutex_lock(&uring_lock);
			drop_where((int)(r - rings), is_reg, NULL);
			pthread_mutex_unlock(&uring_lock);
		}
		return ret;
	default:
		break;
	}
	/* Files, a probe, restrictions, an eventfd, affinity: read or
	 * written during the call. */
	if (arg)
		trap_pin_range(&ps, (void *)arg, nr ? (size_t)nr * 16 + 64 : 64, true);
	ret = run(SYS_io_uring_register, a, call);
	trap_unpin_all(&ps);
	return ret;
}

long uring_run(struct mm_struct *mm, long nr, long *a, trap_run_fn run, void *call)
{
	uring_mm = mm;
	if (nr == SYS_io_uring_setup)
		return run_setup(a, run, call);
	if (nr == SYS_io_uring_enter)
		return run_enter(a, run, call);
	return run_register(a, run, call);
}
