// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec_privs.c - executing a set-user-ID program under no_new_privs.
 *
 * The SIGSEGV engine's system call filter is installed unprivileged, so
 * the kernel demands PR_SET_NO_NEW_PRIVS first, and that flag outlives
 * every execve: a set-user-ID, set-group-ID or file-capability program
 * the paged program executes (sudo, passwd, ping) would run without its
 * privilege, silently, and fail in ways nobody could explain.  Nothing in
 * user space can clear the flag or start the program outside it (the
 * program must replace the caller, keeping its pid, descriptors and
 * terminal), so such an exec is refused: it fails with EPERM after one
 * message naming the program, as a kernel refusal would, and the caller
 * can report it.  The exec family and posix_spawn are interposed; the
 * check runs only when no_new_privs is set, so it costs nothing under the
 * userfaultfd engine.  system() and popen() execute /bin/sh, whose own
 * copy of upage (LD_PRELOAD is inherited) checks what it executes; with
 * UPAGE_INHERIT=0 that copy is missing, which runtime.c says at start.
 */
#include "autoconfig.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "runtime.h"
#include "spawn_child.h"
#include "sys.h"

#define MAX_ARGS	4096	/* execl's list, copied to the stack */

static bool no_new_privs(void)
{
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
}

/* Would executing the file @st describes (at @path, for the message)
 * raise privilege that no_new_privs takes away? */
static bool would_gain(const struct stat *st, bool caps)
{
	if (!S_ISREG(st->st_mode))
		return false;
	if ((st->st_mode & S_ISUID) && st->st_uid != geteuid())
		return true;
	if ((st->st_mode & S_ISGID) && (st->st_mode & S_IXGRP) && st->st_gid != getegid())
		return true;
	return caps && geteuid() != 0;	/* root has its capabilities already */
}

/* One message, EPERM. */
static int refuse(const char *path, const struct stat *st)
{
	const char *what = (st->st_mode & S_ISUID) && st->st_uid != geteuid() ? "set-user-ID"
			   : (st->st_mode & S_ISGID) && st->st_gid != getegid() ? "set-group-ID"
										 : "given file capabilities";

	upage_msg("cannot execute %s: it is %s, and under the SIGSEGV engine's system call "
		  "filter (no_new_privs) it would run without that privilege; run it outside "
		  "upage, or under the userfaultfd engine", path, what);
	return EPERM;
}

/* 0, or EPERM (after the message) when @path must not be executed. */
static int check_path(int dirfd, const char *path, int flags)
{
	struct stat st;
	bool caps;

	if (!no_new_privs())
		return 0;
	if (fstatat(dirfd, path, &st, flags & AT_EMPTY_PATH))
		return 0;	/* the exec itself will say why */
	if (dirfd == AT_FDCWD || path[0] == '/')
		caps = getxattr(path, "security.capability", NULL, 0) > 0;
	else
		caps = false;	/* relative to a directory descriptor: bits only */
	return would_gain(&st, caps) ? refuse(path, &st) : 0;
}

static int check_fd(int fd)
{
	struct stat st;

	if (!no_new_privs() || fstat(fd, &st))
		return 0;
	return would_gain(&st, fgetxattr(fd, "security.capability", NULL, 0) > 0)
		       ? refuse("the program behind a descriptor", &st) : 0;
}

/* execvp's search: the file it would execute, in @buf; NULL if none. */
static const char *search_path(const char *file, char *buf, size_t len)
{
	const char *path = getenv("PATH");

	if (strchr(file, '/'))
		return file;
	if (!path)
		path = "/bin:/usr/bin";
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct stat st;

		if ((size_t)snprintf(buf, len, "%.*s%s%s", (int)n, p, n ? "/" : "", file) < len &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return buf;
		if (!end)
			return NULL;
		p = end;
	}
}

static int check_search(const char *file)
{
	char buf[PATH_MAX];
	const char *path;

	if (!no_new_privs())
		return 0;
	path = search_path(file, buf, sizeof(buf));
	return path ? check_path(AT_FDCWD, path, 0) : 0;
}

/* libc's functions, looked up once at load time: a vfork child must not
 * call dlsym (it takes the loader's lock, and its memory is the
 * parent's). */
static int (*next_execve)(const char *, char *const[], char *const[]);
static int (*next_execv)(const char *, char *const[]);
static int (*next_execvpe)(const char *, char *const[], char *const[]);
static int (*next_execvp)(const char *, char *const[]);
static int (*next_fexecve)(int, char *const[], char *const[]);
static int (*next_execveat)(int, const char *, char *const[], char *const[], int);
static int (*next_posix_spawn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			       const posix_spawnattr_t *, char *const[], char *const[]);
static int (*next_posix_spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *,
				const posix_spawnattr_t *, char *const[], char *const[]);

#define RESOLVE(fn) (next_##fn = (__typeof__(next_##fn))dlsym(RTLD_NEXT, #fn))

__attribute__((constructor)) static void exec_privs_resolve(void)
{
	RESOLVE(execve);
	RESOLVE(execv);
	RESOLVE(execvpe);
	RESOLVE(execvp);
	RESOLVE(fexecve);
	RESOLVE(execveat);
	RESOLVE(posix_spawn);
	RESOLVE(posix_spawnp);
}

static int fail(int err)
{
	errno = err;
	return -1;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	int err = check_path(AT_FDCWD, path, 0);

	return err ? fail(err) : next_execve(path, argv, envp);
}

EXPORT int execv(const char *path, char *const argv[])
{
	int err = check_path(AT_FDCWD, path, 0);

	return err ? fail(err) : next_execv(path, argv);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	int err = check_search(file);

	return err ? fail(err) : next_execvpe(file, argv, envp);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	int err = check_search(file);

	return err ? fail(err) : next_execvp(file, argv);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	int err = check_fd(fd);

	return err ? fail(err) : next_fexecve(fd, argv, envp);
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
		    int flags)
{
	int err = check_path(dirfd, path, flags);

	return err ? fail(err) : next_execveat(dirfd, path, argv, envp, flags);
}

/* execl's list as an array on the stack (no malloc: the caller may
 * have just forked). */
static int collect(va_list *ap, const char *first, char **argv)
{
	int n = 0;

	argv[0] = (char *)first;
	while (argv[n]) {
		if (++n == MAX_ARGS)
			return E2BIG;
		argv[n] = va_arg(*ap, char *);
	}
	return 0;
}

EXPORT int execl(const char *path, const char *arg, ...)
{
	char *argv[MAX_ARGS];
	va_list ap;

	int err;

	va_start(ap, arg);
	err = collect(&ap, arg, argv);
	va_end(ap);
	return err ? fail(err) : execv(path, argv);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	char *argv[MAX_ARGS], **envp;
	va_list ap;

	int err;

	va_start(ap, arg);
	err = collect(&ap, arg, argv);
	envp = err ? NULL : va_arg(ap, char **);
	va_end(ap);
	return err ? fail(err) : execve(path, argv, envp);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	char *argv[MAX_ARGS];
	va_list ap;

	int err;

	va_start(ap, arg);
	err = collect(&ap, arg, argv);
	va_end(ap);
	return err ? fail(err) : execvp(file, argv);
}

EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	int err = check_path(AT_FDCWD, path, 0);

	return err ? err
		   : spawn_outside_arena(next_posix_spawn, false, pid, path, fa, attr, argv, envp);
}

EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	int err = check_search(file);

	return err ? err : spawn_outside_arena(next_posix_spawnp, true, pid, file, fa, attr, argv,
						    envp);
}
