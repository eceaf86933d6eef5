/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sys.h - what the library needs from the system without going through
 * itself.
 *
 * libupage.so exports mmap, munmap, mremap, mprotect, madvise and malloc,
 * so its own structures must never come from those symbols: they would land
 * in the arena they describe, or recurse into the allocator.  The raw
 * system calls here go straight to the kernel, kmem_cache hands out small
 * fixed-size objects from raw pages, and upage_msg writes a message without
 * allocating (safe on the fault path and in a signal handler).
 */
#ifndef UPAGE_SYS_H
#define UPAGE_SYS_H

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A symbol the program sees in place of libc's (libupage.map lists it). */
#define EXPORT __attribute__((visibility("default")))
/* Thread-local state read in signal handlers: initial-exec, so reading it
 * never allocates. */
#define TLS __thread __attribute__((tls_model("initial-exec")))

/*
 * libc's syscall(), not the one the library exports for the program
 * (clone.c, which routes a raw clone through fork's handlers): what every
 * file here calls.  Returns as syscall(2) does, -1 with errno.
 */
long sys_syscall(long nr, ...);

/* The six argument words of a syscall()-shaped call, for a variadic wrapper
 * (clone.c's syscall) to read once and pass on to sys_syscall6. */
void sys_args(va_list ap, long a[6]);
long sys_syscall6(long nr, const long a[6]);

void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int sys_munmap(void *addr, size_t len);
int sys_mprotect(void *addr, size_t len, int prot);
int sys_madvise(void *addr, size_t len, int advice);
void *sys_mremap(void *old, size_t old_len, size_t new_len, int flags, void *new_addr);

/*
 * Set by the system call trap (syscall_trap.c) to its trampoline: a way to
 * make a system call its seccomp filter lets through.  NULL: libc's.
 */
extern long (*sys_trap_exempt)(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
/* pwritev and preadv for swap I/O: never trapped, so kswapd (every signal blocked)
 * may write any swap area, one opened after the filter (a forked child's)
 * included. */
struct iovec;
ssize_t sys_pwritev(int fd, const struct iovec *iov, int n, off_t pos);
ssize_t sys_preadv(int fd, const struct iovec *iov, int n, off_t pos);

/* rt_sigprocmask itself: not the interposed pthread_sigmask (signals.c),
 * and glibc's SIGCANCEL may be blocked too.  Returns 0 or -errno. */
int sys_sigmask(int how, const sigset_t *set, sigset_t *old);

/* libc's pthread_create, whatever the program interposes (0 or an errno,
 * as pthread_create). */
int sys_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
		       void *arg);

/*
 * Start one of upage's own threads (kswapd, a fault handler), named
 * @name, with every signal blocked: the program's signals never land in
 * it.  The mask is set with rt_sigprocmask directly, not through the
 * interposed pthread_sigmask (signals.c), and keeps glibc's SIGCANCEL and
 * SIGSETXID open as glibc's sigfillset does.  Returns 0 or -errno.
 */
int sys_thread_start(pthread_t *thread, const char *name, void *(*fn)(void *), void *arg);

/*
 * True in the threads sys_thread_start starts.  They keep SIGSYS open (the
 * kernel kills a process whose thread traps with SIGSYS blocked): the
 * system call trap's filter may take a call of theirs whose unused
 * argument registers happen to point into the arena, and the trap then
 * just runs it (syscall_trap.c).
 */
extern TLS bool sys_own_thread;

/* Zeroed anonymous pages outside the arena, or NULL. */
void *sys_alloc_pages(size_t len);
void sys_free_pages(void *p, size_t len);

/*
 * A cache of fixed-size objects carved from raw pages, as the kernel's
 * slab allocator: objects are never returned to the system, only to the
 * cache.  Thread safe (its own lock, a leaf in every lock order).
 */
struct kmem_cache {
	size_t size;		/* object size, rounded up */
	void *freelist;		/* free objects, linked through their first word */
	size_t nr_allocated;	/* objects handed out and not freed */
	pthread_mutex_t lock;	/* protects freelist and nr_allocated */
};

void kmem_cache_init(struct kmem_cache *cache, size_t size);
/* A zeroed object, or NULL when the system is out of memory. */
void *kmem_cache_alloc(struct kmem_cache *cache);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

/* "upage: " + the formatted message + "\n" to stderr, in one write(2). */
void upage_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The number in the small text file @path (a /proc or /proc/sys file of
 * at most 4 KiB, read once with raw system calls): the one that follows @key,
 * or the first if @key is NULL; @dflt if the file cannot be read or has
 * no such key.
 */
long long sys_read_number(const char *path, const char *key, long long dflt);

#endif /* UPAGE_SYS_H */
