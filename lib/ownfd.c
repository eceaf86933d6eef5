// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ownfd.c - upage's own descriptors survive what the program does to its
 * descriptors (see ownfd.h).
 *
 * Daemons close every descriptor at start (closefrom, close_range, a loop
 * of close, dup2 of /dev/null over each number).  Without this file they
 * close upage's userfaultfd or swap area with the rest, and the program
 * then reads zeros or dies of SIGBUS.
 *
 * Where the numbers go.  The kernel gives a process only numbers below its
 * soft RLIMIT_NOFILE (open, socket, dup: EMFILE; dup2 to a number at or
 * above it: EBADF; F_DUPFD: EINVAL) but lets it use any descriptor it
 * already has, whatever its number.  So upage's descriptors are copied
 * above the program's soft limit, the limit raised only for that copy and
 * set back at once: the program keeps every number below its limit, gets
 * EMFILE exactly where it would without upage, reads its own limits back
 * from getrlimit (they are the real ones, nothing is emulated) and passes
 * them unchanged to what it executes.  The copy needs room between the
 * soft and the hard limit, or CAP_SYS_RESOURCE to raise the hard limit for
 * a moment.  Without either (soft = hard, unprivileged), or when the soft
 * limit is so large (above OWNFD_HIGHEST) that a number above it would
 * grow the kernel's descriptor table by megabytes, the descriptors go
 * among the top numbers below min(limit, OWNFD_HIGHEST): the program then
 * has that many fewer, the one case where the count is not the native one.
 *
 * What the program sees.  close, close_range, closefrom, dup, dup2, dup3
 * and fcntl are interposed (ownfd_calls.c gives them their libc names, in
 * the preload library only).  On one of upage's numbers a call behaves as
 * on a free number: close and fcntl fail with EBADF, close_range and
 * closefrom close everything else in their range, dup2 or dup3 onto the
 * number moves upage's descriptor to another number first (then the
 * program's call proceeds); onto a number at or above the soft limit the
 * kernel refuses, as without upage.  A program that raises its soft limit
 * past upage's numbers (setrlimit, prlimit) gets them moved above the new
 * limit where there is room.  glibc's closefrom calls close_range inside
 * libc, so closefrom is interposed itself; daemon() only dup2s over 0-2;
 * posix_spawn's file actions run in the child's own descriptor table.
 *
 * What is not seen.  A raw system call (syscall(SYS_close_range, ...)):
 * the pager finds its descriptor gone at its next use and kills the
 * program with one message (ownfd_lost).  Closing the last descriptor of
 * a userfaultfd would make the kernel resolve every pending and later
 * fault as a zero page (userfaultfd_release) before the handler notices,
 * so ownfd_keep starts a thread that owns a private descriptor table
 * (unshare(CLONE_FILES)) holding a copy of upage's descriptors and
 * nothing else, and sleeps: the files outlive the program's numbers, the
 * faults stay pending, and the kill comes first.
 *
 * Moves.  A move copies the descriptor to its new number, stores the new
 * number in the variable, and closes the old one only once every thread
 * that may have read the old number has left its ownfd_enter/exit section
 * (two counters and an epoch, as in SRCU: readers count themselves under
 * the current epoch's parity; a move flips the epoch and waits for the old
 * parity to drain).  Sections are a system call long, so a move waits
 * microseconds.  Until then the old number still counts as upage's.  The
 * copy is checked (kcmp) before the old number is closed: if the program
 * replaced the new number meanwhile, the move starts again.
 *
 * Locking: move_lock serialises placements, moves, unregistration and the
 * changes of RLIMIT_NOFILE made through the interposed setrlimit/prlimit;
 * it is taken with every asynchronous signal blocked (dup2 and close may
 * be called from a signal handler) and never by a thread inside an
 * ownfd_enter section (a move from such a thread fails with EBUSY).  It
 * nests inside nothing upage holds while others wait on it: never take it
 * with page_table_lock or swap_lock held in a process with other threads.
 * own[] and nr_own are written under it and read without it (atomics).
 */
#include "autoconfig.h"

#include "ownfd.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sys.h"

#define TLS		__thread __attribute__((tls_model("initial-exec")))

#define OWNFD_MAX	32	/* registered descriptors at most */
#define OWNFD_ROOM	64	/* numbers above the soft limit a placement may look at */
#define OWNFD_HIGHEST	65536	/* above a soft limit this large, place below it */
#define OWNFD_IN_RANGE	32	/* below the limit: among its top OWNFD_IN_RANGE numbers */
#define MOVE_TRIES	8
#define OWNFD_NOTE_LIMIT 1024	/* at or below this limit, say when numbers are taken */

#ifndef KCMP_FILE
#define KCMP_FILE	0
#endif

struct ownfd {
	int *fdp;		/* the variable holding it; NULL: a free entry */
	const char *what;	/* for messages */
};

static struct ownfd own[OWNFD_MAX];	/* written under move_lock, read without */
static int nr_own;			/* entries ever used: the scan's bound */
static int retiring = -1;		/* a number being moved away from (move_lock) */
static pid_t owner;			/* the process whose table the variables describe */
static pthread_mutex_t move_lock = PTHREAD_MUTEX_INITIALIZER;

/* Readers' sections: the epoch's parity picks the counter. */
static unsigned int epoch;
static unsigned long users[2];
static TLS int depth;			/* sections this thread is inside */

/* ---- libc's functions, and the raw calls upage uses itself --------- */

/* libc's @name, looked up once. */
static void *next_sym(void **slot, const char *name)
{
	void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (!p) {
		p = dlsym(RTLD_NEXT, name);
		__atomic_store_n(slot, p, __ATOMIC_RELEASE);
	}
	return p;
}

typedef int (*fd_fn)(int);
typedef int (*dup2_fn)(int, int);
typedef int (*dup3_fn)(int, int, int);
typedef int (*fcntl_fn)(int, int, ...);

static int real_close(int fd)
{
	static void *slot;
	fd_fn fn = (fd_fn)next_sym(&slot, "close");

	return fn ? fn(fd) : (int)sys_syscall(SYS_close, fd);
}

static int real_dup(int fd)
{
	static void *slot;
	fd_fn fn = (fd_fn)next_sym(&slot, "dup");

	return fn ? fn(fd) : (int)sys_syscall(SYS_dup, fd);
}

static int real_dup3(int old, int new, int flags, bool three)
{
	static void *slot2, *slot3;
	dup2_fn fn2;
	dup3_fn fn3;

	if (!three) {
		fn2 = (dup2_fn)next_sym(&slot2, "dup2");
		return fn2 ? fn2(old, new) : (int)sys_syscall(SYS_dup2, old, new);
	}
	fn3 = (dup3_fn)next_sym(&slot3, "dup3");
	return fn3 ? fn3(old, new, flags) : (int)sys_syscall(SYS_dup3, old, new, flags);
}

static int real_fcntl(int fd, int cmd, void *arg)
{
	static void *slot;
	fcntl_fn fn = (fcntl_fn)next_sym(&slot, "fcntl");

	return fn ? fn(fd, cmd, arg) : (int)sys_syscall(SYS_fcntl, fd, cmd, arg);
}

/* Looked up at load time: a thread serving faults must never call dlsym,
 * which takes the loader's lock (held by a dlopen whose constructor may
 * be waiting on that very fault). */
__attribute__((constructor)) static void ownfd_resolve(void)
{
	int fd = (int)sys_syscall(SYS_dup, 0);

	/* A harmless call of each: dup of stdin (or -1: EBADF everywhere). */
	real_fcntl(fd, F_GETFD, NULL);
	real_dup3(-1, -1, 0, false);
	real_dup3(-1, -1, 0, true);
	sys_syscall(SYS_close, real_dup(fd));
	real_close(fd);
}

static int real_close_range(unsigned int first, unsigned int last, int flags)
{
	return (int)sys_syscall(SYS_close_range, first, last, flags);
}

static int real_prlimit(pid_t pid, int res, const struct rlimit *new, struct rlimit *old)
{
	return (int)sys_syscall(SYS_prlimit64, pid, res, new, old);
}

static int get_nofile(struct rlimit *rl)
{
	return real_prlimit(0, RLIMIT_NOFILE, NULL, rl) ? -errno : 0;
}

static int set_nofile(const struct rlimit *rl)
{
	return real_prlimit(0, RLIMIT_NOFILE, rl, NULL) ? -errno : 0;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

/* ---- the table ------------------------------------------------------ */

static inline int entry_fd(const struct ownfd *e)
{
	int *p = __atomic_load_n(&e->fdp, __ATOMIC_ACQUIRE);

	return p ? __atomic_load_n(p, __ATOMIC_ACQUIRE) : -1;
}

static struct ownfd *find(int fd)
{
	int n = __atomic_load_n(&nr_own, __ATOMIC_ACQUIRE);

	for (int i = 0; i < n; i++)
		if (entry_fd(&own[i]) == fd)
			return &own[i];
	return NULL;
}

bool ownfd_is(int fd)
{
	if (fd < 0 || !__atomic_load_n(&nr_own, __ATOMIC_RELAXED))
		return false;
	return __atomic_load_n(&retiring, __ATOMIC_ACQUIRE) == fd || find(fd) != NULL;
}

/* The process that registered them: a vfork child shares our memory but
 * not our descriptor table, and must not move anything. */
static bool mine(void)
{
	return __atomic_load_n(&owner, __ATOMIC_RELAXED) == getpid();
}

/* move_lock, with every asynchronous signal blocked. */
struct guard {
	sigset_t old;
};

static void guard_lock(struct guard *g)
{
	static const int sync_sigs[] = { SIGSEGV, SIGBUS, SIGSYS, SIGILL, SIGFPE, SIGTRAP };
	sigset_t all;

	memset(&all, 0xff, sizeof(all));	/* glibc's own signals (SIGCANCEL) too */
	for (size_t i = 0; i < sizeof(sync_sigs) / sizeof(sync_sigs[0]); i++)
		sigdelset(&all, sync_sigs[i]);
	sys_syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &g->old, _NSIG / 8);
	pthread_mutex_lock(&move_lock);
}

static void guard_unlock(struct guard *g)
{
	int saved = errno;

	pthread_mutex_unlock(&move_lock);
	sys_syscall(SYS_rt_sigprocmask, SIG_SETMASK, &g->old, NULL, _NSIG / 8);
	errno = saved;
}

static int own_in(unsigned int first, unsigned int last, int *out);

/* ---- placement ------------------------------------------------------ */

/* A copy of @fd above the soft limit in @rl, or -errno.  move_lock held. */
static int dup_above(int fd, const struct rlimit *rl)
{
	struct rlimit tmp;
	int nfd, err;

	if (rl->rlim_cur > OWNFD_HIGHEST || rl->rlim_cur < 3)
		return -ERANGE;
	tmp.rlim_cur = rl->rlim_cur + OWNFD_ROOM;
	tmp.rlim_max = rl->rlim_max > tmp.rlim_cur ? rl->rlim_max : tmp.rlim_cur;
	if (set_nofile(&tmp)) {
		/* Unprivileged: only the room the hard limit leaves. */
		if (rl->rlim_max <= rl->rlim_cur)
			return -EPERM;
		tmp.rlim_cur = tmp.rlim_max = rl->rlim_max;
		if (set_nofile(&tmp))
			return -errno;
	}
	nfd = real_fcntl(fd, F_DUPFD_CLOEXEC, (void *)(uintptr_t)rl->rlim_cur);
	err = errno;
	set_nofile(rl);		/* the program's limits again */
	return nfd < 0 ? -err : nfd;
}

/* A copy of @fd among the top numbers below the soft limit, or -errno. */
static int dup_in_range(int fd, const struct rlimit *rl)
{
	unsigned long top = rl->rlim_cur < OWNFD_HIGHEST ? rl->rlim_cur : OWNFD_HIGHEST;
	unsigned long base = top > 2 * OWNFD_IN_RANGE ? top - OWNFD_IN_RANGE : top / 2;
	int nfd;

	if (base < 3)
		base = 3;
	nfd = real_fcntl(fd, F_DUPFD_CLOEXEC, (void *)(uintptr_t)base);
	if (nfd < 0 && base > 3)
		nfd = real_fcntl(fd, F_DUPFD_CLOEXEC, (void *)3);
	return nfd < 0 ? -errno : nfd;
}

/* A copy of @fd on a number of upage's, or -errno.  move_lock held. */
static int dup_placed(int fd)
{
	struct rlimit rl;
	int nfd, ret = get_nofile(&rl);

	if (ret)
		return ret;
	nfd = dup_above(fd, &rl);
	return nfd >= 0 ? nfd : dup_in_range(fd, &rl);
}

int ownfd_place(int fd)
{
	struct guard g;
	int nfd;

	if (fd < 0)
		return fd;
	guard_lock(&g);
	nfd = dup_placed(fd);
	guard_unlock(&g);
	if (nfd < 0)
		return fd;	/* it works where it is: only less safe */
	sys_syscall(SYS_close, fd);
	return nfd;
}

int ownfd_add(int *fdp, const char *what)
{
	struct guard g;
	int ret = -ENOSPC;

	if (*fdp < 0)
		return 0;
	guard_lock(&g);
	__atomic_store_n(&owner, getpid(), __ATOMIC_RELAXED);
	for (int i = 0; i < OWNFD_MAX; i++) {
		struct ownfd *e = &own[i];

		if (e->fdp)
			continue;
		e->what = what;
		__atomic_store_n(&e->fdp, fdp, __ATOMIC_RELEASE);
		if (nr_own < i + 1)
			__atomic_store_n(&nr_own, i + 1, __ATOMIC_RELEASE);
		ret = 0;
		break;
	}
	guard_unlock(&g);
	return ret;
}

int ownfd_register(int *fdp, const char *what)
{
	*fdp = ownfd_place(*fdp);
	return ownfd_add(fdp, what);
}

void ownfd_close(int *fdp)
{
	struct guard g;
	int n;

	if (*fdp < 0)
		return;
	guard_lock(&g);
	n = __atomic_load_n(&nr_own, __ATOMIC_RELAXED);
	for (int i = 0; i < n; i++)
		if (__atomic_load_n(&own[i].fdp, __ATOMIC_RELAXED) == fdp)
			__atomic_store_n(&own[i].fdp, NULL, __ATOMIC_RELEASE);
	sys_syscall(SYS_close, *fdp);
	__atomic_store_n(fdp, -1, __ATOMIC_RELEASE);
	guard_unlock(&g);
}

/* ---- readers and moves ---------------------------------------------- */

int ownfd_enter(void)
{
	for (;;) {
		unsigned int e = __atomic_load_n(&epoch, __ATOMIC_SEQ_CST);

		__atomic_add_fetch(&users[e & 1], 1, __ATOMIC_SEQ_CST);
		/* Counted under the epoch a move will wait for, or again. */
		if (__atomic_load_n(&epoch, __ATOMIC_SEQ_CST) == e) {
			depth++;
			return (int)(e & 1);
		}
		__atomic_sub_fetch(&users[e & 1], 1, __ATOMIC_SEQ_CST);
	}
}

void ownfd_exit(int token)
{
	depth--;
	__atomic_sub_fetch(&users[token], 1, __ATOMIC_SEQ_CST);
}

static void nap_us(long us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };

	nanosleep(&ts, NULL);
}

/* Every reader that may hold a number read before now has left. */
static void synchronize(void)
{
	unsigned int e = __atomic_fetch_add(&epoch, 1, __ATOMIC_SEQ_CST);

	while (__atomic_load_n(&users[e & 1], __ATOMIC_SEQ_CST))
		nap_us(20);
}

/* Do @a and @b refer to the same open file?  (No kcmp: assume so.) */
static bool same_file(int a, int b)
{
	pid_t pid = getpid();
	long r = sys_syscall(SYS_kcmp, pid, pid, KCMP_FILE, a, b);

	return r == 0 || (r < 0 && errno == ENOSYS);
}

/* Move @e's descriptor to another number of upage's.  move_lock held. */
static int move(struct ownfd *e)
{
	int old = *e->fdp;

	for (int tries = 0; tries < MOVE_TRIES; tries++) {
		int nfd = dup_placed(old);

		if (nfd < 0)
			return nfd;
		__atomic_store_n(&retiring, old, __ATOMIC_SEQ_CST);
		__atomic_store_n(e->fdp, nfd, __ATOMIC_SEQ_CST);
		synchronize();
		if (same_file(old, nfd)) {
			sys_syscall(SYS_close, old);
			__atomic_store_n(&retiring, -1, __ATOMIC_RELEASE);
			return 0;
		}
		/* The program closed or replaced the new number meanwhile. */
		__atomic_store_n(e->fdp, old, __ATOMIC_SEQ_CST);
		__atomic_store_n(&retiring, -1, __ATOMIC_RELEASE);
		synchronize();
	}
	return -EBUSY;
}

/* The soft limit now lies above some of upage's numbers: move those above
 * it, where there is room.  move_lock held. */
static void limit_raised(unsigned long soft)
{
	int n = __atomic_load_n(&nr_own, __ATOMIC_RELAXED);

	for (int i = 0; i < n; i++) {
		int fd = entry_fd(&own[i]);

		if (fd >= 0 && (unsigned long)fd < soft)
			move(&own[i]);
	}
}

__attribute__((noreturn)) void ownfd_lost(const char *what, int err)
{
	static int told;

	if (!__atomic_exchange_n(&told, 1, __ATOMIC_ACQ_REL))
		upage_msg("its %s was closed by a system call upage cannot see (%s): the "
			  "program is killed rather than run on memory upage can no longer serve",
			  what, strerrordesc_np(err < 0 ? -err : err));
	/* The program's pid: this may be an untraced task (untraced.c). */
	for (;;)
		sys_syscall(SYS_kill, owner ? owner : getpid(), SIGKILL);
}

/* ---- keeping the files alive (see "What is not seen") -------------- */

static int keep_fds[OWNFD_MAX];
static int nr_keep;
static int keep_ready;

static void *keeper(void *arg)
{
	unsigned int from = 0;

	(void)arg;
	pthread_setname_np(pthread_self(), "upage-keep");
	/* A table of its own, with nothing in it but upage's descriptors. */
	if (sys_syscall(SYS_unshare, CLONE_FILES) == 0) {
		for (int i = 0; i < nr_keep; i++) {
			if ((unsigned int)keep_fds[i] > from)
				real_close_range(from, (unsigned int)keep_fds[i] - 1, 0);
			from = (unsigned int)keep_fds[i] + 1;
		}
		real_close_range(from, ~0U, 0);
	}
	__atomic_store_n(&keep_ready, 1, __ATOMIC_RELEASE);
	for (;;)
		pause();	/* every signal blocked: for ever */
	return NULL;
}

int ownfd_keep(void)
{
	pthread_attr_t attr;
	pthread_t thread;
	sigset_t all, old;
	struct guard g;
	int ret;

	guard_lock(&g);
	nr_keep = own_in(0, ~0U, keep_fds);
	guard_unlock(&g);
	keep_ready = 0;
	sigfillset(&all);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -sys_pthread_create(&thread, &attr, keeper, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	/* Until its table is trimmed it holds the program's files too. */
	while (ret == 0 && !__atomic_load_n(&keep_ready, __ATOMIC_ACQUIRE))
		nap_us(50);
	return ret;
}

void ownfd_started(bool verbose)
{
	struct rlimit rl;
	int fds[OWNFD_MAX], n, below = 0;

	n = own_in(0, ~0U, fds);
	if (get_nofile(&rl))
		return;
	for (int i = 0; i < n; i++)
		below += (unsigned long)fds[i] < rl.rlim_cur;
	if (below && (verbose || rl.rlim_cur <= OWNFD_NOTE_LIMIT))
		upage_msg("RLIMIT_NOFILE (soft %llu, hard %llu) leaves no room above the program's "
			  "descriptors: upage's %d take numbers below its limit (raise the hard "
			  "limit for the program to keep them all)",
			  (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max, below);
}

void ownfd_fork_child(void)
{
	pthread_mutex_init(&move_lock, NULL);
	users[0] = users[1] = 0;
	retiring = -1;
	depth = 0;
	__atomic_store_n(&owner, getpid(), __ATOMIC_RELAXED);
}

/* ---- the program's calls (their libc names: ownfd_calls.c) -------- */

int ownfd_close_call(int fd)
{
	if (ownfd_is(fd))
		return fail(EBADF);
	return real_close(fd);
}

int ownfd_dup_call(int fd)
{
	if (ownfd_is(fd))
		return fail(EBADF);
	return real_dup(fd);
}

/* dup2/dup3 onto one of upage's numbers: that one moves first. */
static int dup_onto(int old, int new, int flags, bool three)
{
	struct rlimit rl;
	struct guard g;
	struct ownfd *e;
	int ret, err = 0;

	if (ownfd_is(old))
		return fail(EBADF);
	if (!ownfd_is(new) || !mine())
		return real_dup3(old, new, flags, three);
	guard_lock(&g);
	e = find(new);
	/* At or above the soft limit the kernel refuses, as without upage. */
	if (e && get_nofile(&rl) == 0 && (unsigned long)new < rl.rlim_cur)
		err = depth ? EBUSY : -move(e);
	ret = err ? fail(err) : real_dup3(old, new, flags, three);
	guard_unlock(&g);
	return ret;
}

int ownfd_dup2_call(int old, int new)
{
	return dup_onto(old, new, 0, false);
}

int ownfd_dup3_call(int old, int new, int flags)
{
	return dup_onto(old, new, flags, true);
}

int ownfd_fcntl_call(int fd, int cmd, void *arg)
{
	if (ownfd_is(fd))
		return fail(EBADF);
	return real_fcntl(fd, cmd, arg);
}

/* upage's numbers in [first, last], sorted; move_lock held, or nothing
 * moves (start-up). */
static int own_in(unsigned int first, unsigned int last, int *out)
{
	int n = 0, cnt = __atomic_load_n(&nr_own, __ATOMIC_RELAXED);

	for (int i = 0; i < cnt; i++) {
		int fd = entry_fd(&own[i]);

		if (fd < 0 || (unsigned int)fd < first || (unsigned int)fd > last)
			continue;
		int j = n++;

		while (j > 0 && out[j - 1] > fd) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = fd;
	}
	return n;
}

/* close_range over [first, last] but for upage's numbers; move_lock held. */
static int close_range_but_own(unsigned int first, unsigned int last, int flags)
{
	int mine_fds[OWNFD_MAX], n = own_in(first, last, mine_fds);
	unsigned int from = first;

	for (int i = 0; i < n; i++) {
		if ((unsigned int)mine_fds[i] > from &&
		    real_close_range(from, (unsigned int)mine_fds[i] - 1, flags))
			return -errno;
		from = (unsigned int)mine_fds[i] + 1;
	}
	if (from > last || (n && from == 0))
		return 0;
	return real_close_range(from, last, flags) ? -errno : 0;
}

int ownfd_close_range_call(unsigned int first, unsigned int last, int flags)
{
	struct guard g;
	int ret;

	if (first > last || !__atomic_load_n(&nr_own, __ATOMIC_RELAXED))
		return real_close_range(first, last, flags);
	guard_lock(&g);
	ret = close_range_but_own(first, last, flags);
	guard_unlock(&g);
	return ret ? fail(-ret) : 0;
}

/* closefrom without close_range (a kernel before 5.9): what
 * /proc/self/fd lists, read without malloc. */
static void close_listed(int lowfd)
{
	char buf[4096];
	int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t n;

	if (dfd < 0)
		return;
	while ((n = getdents64(dfd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			long fd = strtol(d->d_name, NULL, 10);

			off += d->d_reclen;
			if (d->d_name[0] >= '0' && d->d_name[0] <= '9' && fd >= lowfd &&
			    fd != dfd && !ownfd_is((int)fd))
				real_close((int)fd);
		}
	}
	real_close(dfd);
}

void ownfd_closefrom_call(int lowfd)
{
	struct guard g;
	int ret;

	if (lowfd < 0)
		lowfd = 0;
	guard_lock(&g);
	ret = close_range_but_own((unsigned int)lowfd, ~0U, 0);
	if (ret)
		close_listed(lowfd);
	guard_unlock(&g);
}

/* RLIMIT_NOFILE raised past upage's numbers: they move above it. */
int ownfd_prlimit_call(pid_t pid, int res, const struct rlimit *new, struct rlimit *old)
{
	struct guard g;
	int ret;

	if (res != RLIMIT_NOFILE || !new || (pid && pid != getpid()) ||
	    !__atomic_load_n(&nr_own, __ATOMIC_RELAXED) || !mine())
		return real_prlimit(pid, res, new, old);
	guard_lock(&g);
	ret = real_prlimit(pid, res, new, old);
	if (ret == 0 && !depth)
		limit_raised(new->rlim_cur);
	guard_unlock(&g);
	return ret;
}
