// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sys.c - raw system calls, a small object cache and a message writer
 * that never call back into the library (see sys.h).
 */
#include "autoconfig.h"

#include "sys.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "overhead.h"

#define PAGE_BYTES	4096

/* libc's syscall(), looked up once at load time: a thread serving faults
 * must never call dlsym (ownfd.c), and a reference to the name here would
 * bind to the library's own export (clone.c). */
typedef long (*syscall_fn)(long, ...);
static syscall_fn libc_syscall;

__attribute__((constructor(101))) static void sys_resolve(void)
{
	libc_syscall = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
}

/* Six argument words whatever the call takes, as libc's syscall() reads six
 * registers: the words past the caller's are never used by the kernel, and
 * reading them is no bug, so AddressSanitizer is told not to look. */
__attribute__((no_sanitize("address"))) void sys_args(va_list ap, long a[6])
{
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
}

long sys_syscall6(long nr, const long a[6])
{
	if (!libc_syscall)
		sys_resolve();
	return libc_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

long sys_syscall(long nr, ...)
{
	long a[6];
	va_list ap;

	va_start(ap, nr);
	sys_args(ap, a);
	va_end(ap);
	return sys_syscall6(nr, a);
}

void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)sys_syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

int sys_munmap(void *addr, size_t len)
{
	return (int)sys_syscall(SYS_munmap, addr, len);
}

int sys_mprotect(void *addr, size_t len, int prot)
{
	return (int)sys_syscall(SYS_mprotect, addr, len, prot);
}

int sys_madvise(void *addr, size_t len, int advice)
{
	return (int)sys_syscall(SYS_madvise, addr, len, advice);
}

long (*sys_trap_exempt)(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

static ssize_t exempt_result(long ret)
{
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

ssize_t sys_pwritev(int fd, const struct iovec *iov, int n, off_t pos)
{
	if (!sys_trap_exempt)
		return pwritev(fd, iov, n, pos);
	return exempt_result(sys_trap_exempt(SYS_pwritev, fd, (long)iov, n, (long)pos, 0, 0));
}

ssize_t sys_preadv(int fd, const struct iovec *iov, int n, off_t pos)
{
	if (!sys_trap_exempt)
		return preadv(fd, iov, n, pos);
	return exempt_result(sys_trap_exempt(SYS_preadv, fd, (long)iov, n, (long)pos, 0, 0));
}

void *sys_mremap(void *old, size_t old_len, size_t new_len, int flags, void *new_addr)
{
	return (void *)sys_syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
}

int sys_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return sys_syscall(SYS_rt_sigprocmask, how, set, old, _NSIG / 8) ? -errno : 0;
}

struct thread_start {
	const char *name;
	void *(*fn)(void *);
	void *arg;
};

TLS bool sys_own_thread;

static void *thread_entry(void *p)
{
	struct thread_start ts = *(struct thread_start *)p;
	sigset_t sys;

	/* A seccomp trap with SIGSYS blocked kills the process: see
	 * sys_own_thread. */
	sys_own_thread = true;
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	sys_sigmask(SIG_UNBLOCK, &sys, NULL);
	sys_free_pages(p, PAGE_BYTES);
	pthread_setname_np(pthread_self(), ts.name);
	return ts.fn(ts.arg);
}

/*
 * The stack is glibc's: with one of upage's own (pthread_attr_setstack),
 * pthread_create callocs the new thread's TLS vector every time, and a
 * forked child starts its handlers before jemalloc's fork handler has
 * unlocked its arenas (redis_bgsave.sh hung there), where a stack from
 * glibc's cache needs no malloc.  So upage's threads' stacks are not in
 * overhead_bytes (a few pages each are resident).
 */
typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
static create_fn real_create;

/*
 * libc's pthread_create, not the interposed one (altstack.c), which
 * allocates: a forked child starts kswapd and its handlers before
 * jemalloc's fork handler has unlocked its arenas.  Looked up by the
 * first call, in the parent at start-up.
 */
int sys_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
		       void *arg)
{
	create_fn f = __atomic_load_n(&real_create, __ATOMIC_ACQUIRE);

	if (!f) {
		f = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
		if (!f)
			return ENOSYS;
		__atomic_store_n(&real_create, f, __ATOMIC_RELEASE);
	}
	return f(thread, attr, fn, arg);
}

int sys_thread_start(pthread_t *thread, const char *name, void *(*fn)(void *), void *arg)
{
	struct thread_start *ts = sys_alloc_pages(PAGE_BYTES);
	sigset_t all, old;
	int ret;

	if (!ts)
		return -ENOMEM;
	*ts = (struct thread_start){ name, fn, arg };
	/* A new thread starts with its creator's mask. */
	sigfillset(&all);
	sys_sigmask(SIG_SETMASK, &all, &old);
	ret = sys_pthread_create(thread, NULL, thread_entry, ts);
	sys_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		sys_free_pages(ts, PAGE_BYTES);
	return -ret;
}

void *sys_alloc_pages(size_t len)
{
	void *p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	overhead_register(p, len);
	return p;
}

void sys_free_pages(void *p, size_t len)
{
	if (p) {
		overhead_unregister(p, len);
		sys_munmap(p, len);
	}
}

#define KMEM_CHUNK	(64 * 1024)

void kmem_cache_init(struct kmem_cache *cache, size_t size)
{
	cache->size = (size + 15) & ~(size_t)15;
	cache->freelist = NULL;
	cache->nr_allocated = 0;
	pthread_mutex_init(&cache->lock, NULL);
}

/* Carve a new chunk into objects; called with cache->lock held. */
static int kmem_cache_grow(struct kmem_cache *cache)
{
	size_t chunk = cache->size > KMEM_CHUNK ? cache->size : KMEM_CHUNK;
	char *p = sys_alloc_pages(chunk);

	if (!p)
		return -ENOMEM;
	for (size_t off = 0; off + cache->size <= chunk; off += cache->size) {
		*(void **)(p + off) = cache->freelist;
		cache->freelist = p + off;
	}
	return 0;
}

void *kmem_cache_alloc(struct kmem_cache *cache)
{
	void *obj = NULL;

	pthread_mutex_lock(&cache->lock);
	if (cache->freelist || kmem_cache_grow(cache) == 0) {
		obj = cache->freelist;
		cache->freelist = *(void **)obj;
		cache->nr_allocated++;
	}
	pthread_mutex_unlock(&cache->lock);
	if (obj)
		memset(obj, 0, cache->size);
	return obj;
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	if (!obj)
		return;
	pthread_mutex_lock(&cache->lock);
	*(void **)obj = cache->freelist;
	cache->freelist = obj;
	cache->nr_allocated--;
	pthread_mutex_unlock(&cache->lock);
}

void upage_msg(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n, saved = errno;

	memcpy(buf, "upage: ", 7);
	va_start(ap, fmt);
	n = vsnprintf(buf + 7, sizeof(buf) - 8, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	n += 7;
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	buf[n++] = '\n';
	/* If stderr is gone there is nowhere left to report to. */
	ssize_t ignored = write(STDERR_FILENO, buf, n);

	(void)ignored;
	errno = saved;
}

long long sys_read_number(const char *path, const char *key, long long dflt)
{
	char buf[4096];
	const char *p = buf;
	ssize_t n;
	int fd = (int)sys_syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return dflt;
	n = sys_syscall(SYS_read, fd, buf, sizeof(buf) - 1);
	sys_syscall(SYS_close, fd);
	if (n <= 0)
		return dflt;
	buf[n] = '\0';
	if (key) {
		p = strstr(buf, key);
		if (!p)
			return dflt;
		p += strlen(key);
	}
	return strtoll(p, NULL, 10);
}
