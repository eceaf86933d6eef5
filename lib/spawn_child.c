// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawn_child.c - posix_spawn under the engines that serve only user-mode
 * faults (the SIGSEGV engine, uffd-sigbus): what the child reads, out of
 * the arena.
 *
 * glibc's posix_spawn runs the child in the parent's memory
 * (CLONE_VM | CLONE_VFORK) with every signal handler reset to the default
 * and every signal blocked until it executes the program.  That child
 * reads the file actions (an array and its paths, malloc'd: in the
 * arena), argv and envp, and the attributes; a page of them paged out
 * is a fault no handler serves there, and the child dies of SIGSEGV
 * (SIGBUS under uffd-sigbus) before it executes anything (GNU make's
 * recipes did).  Its open and execve take arena pointers, which the
 * system call filter traps, and a trap with SIGSYS blocked kills it too.
 * So the parent copies all of it into pages of upage's own, outside the
 * arena, and hands glibc the copies: the child never touches the arena.
 * posix_spawnp's child also reads environ for PATH (getenv): the pages
 * of environ and its strings that lie in the arena are pinned for the
 * call (the program may have setenv'd them there).
 *
 * The file actions are glibc's own structure, which spawn.h leaves
 * opaque: its layout (an array of tagged actions, the paths of open and
 * chdir inside) is probed once, by building actions with glibc's calls
 * and finding the paths in them; a glibc whose layout the probe does not
 * recognise gets one message, and its file actions are passed as they
 * are (their paths then stay in the heap).
 *
 * Under the handler-thread engine the child's faults reach the handler
 * like a thread's, and nothing here runs.
 *
 * Locking: the probe runs once (pthread_once); the rest is the calling
 * thread's own.
 */
#include "autoconfig.h"

#include "spawn_child.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "runtime.h"
#include "syscall_trap.h"
#include "sys.h"

extern char **environ;

/* The file actions' layout, as the probe found it. */
static struct {
	bool ok;
	size_t stride;		/* bytes per action */
	size_t tag_off;		/* the action's kind (an int) */
	size_t open_path;	/* offset of open's path in its action */
	size_t chdir_path;	/* ... and chdir's */
	int open_tag, chdir_tag;
} fa_layout;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

/* glibc's posix_spawn_file_actions_t: { int allocated, used; void *actions; int pad[16]; } */
struct fa_head {
	int allocated;
	int used;
	char *actions;
};

static const char probe_open[] = "upage-probe-open", probe_chdir[] = "upage-probe-chdir";

static int probe_pipe[2] = { -1, -1 };

/*
 * Can @len bytes at @p be read?  An action's words that are not its
 * pointers (padding, a mode, glibc's other union members) hold whatever
 * the allocator left there: the kernel, asked to write them into a pipe,
 * says EFAULT where a read of ours would crash.
 */
static bool readable(const char *p, size_t len)
{
	char sink[64];
	long n = sys_syscall(SYS_write, probe_pipe[1], p, len);

	if (n > 0)
		sys_syscall(SYS_read, probe_pipe[0], sink, sizeof(sink));
	return n == (long)len;
}

/* The offset in [0, @max) of a char * in @act that holds @s, or -1. */
static long find_path(const char *act, size_t max, const char *s)
{
	for (size_t off = 0; off + sizeof(char *) <= max; off += sizeof(char *)) {
		const char *p;

		memcpy(&p, act + off, sizeof(p));
		if (p && p != s && (uintptr_t)p > 4096 && readable(p, strlen(s) + 1) &&
		    strcmp(p, s) == 0)
			return (long)off;
	}
	return -1;
}

static void probe_layout(void)
{
	posix_spawn_file_actions_t fa;
	struct fa_head h;
	long o, c;

	if (sys_syscall(SYS_pipe2, probe_pipe, O_CLOEXEC | O_NONBLOCK))
		goto said;
	if (posix_spawn_file_actions_init(&fa))
		goto closed;
	if (posix_spawn_file_actions_addopen(&fa, 3, probe_open, O_RDONLY, 0) ||
	    posix_spawn_file_actions_addchdir_np(&fa, probe_chdir) ||
	    posix_spawn_file_actions_addopen(&fa, 4, probe_open, O_RDONLY, 0))
		goto out;
	memcpy(&h, &fa, sizeof(h));
	if (h.used != 3 || !h.actions)
		goto out;
	/* The third action is the first's kind again: the stride is where
	 * its path sits, less the first's. */
	o = find_path(h.actions, 64, probe_open);
	if (o < 0)
		goto out;
	for (size_t stride = (size_t)o + 8; stride <= 64; stride += 8) {
		c = find_path(h.actions + stride, stride, probe_chdir);
		if (c < 0 || find_path(h.actions + 2 * stride, stride, probe_open) != o)
			continue;
		fa_layout.stride = stride;
		fa_layout.tag_off = 0;
		fa_layout.open_path = (size_t)o;
		fa_layout.chdir_path = (size_t)c;
		memcpy(&fa_layout.open_tag, h.actions, sizeof(int));
		memcpy(&fa_layout.chdir_tag, h.actions + stride, sizeof(int));
		fa_layout.ok = fa_layout.open_tag != fa_layout.chdir_tag;
		break;
	}
out:
	posix_spawn_file_actions_destroy(&fa);
closed:
	sys_syscall(SYS_close, probe_pipe[0]);
	sys_syscall(SYS_close, probe_pipe[1]);
said:
	if (!fa_layout.ok)
		upage_msg("posix_spawn: this glibc's file actions are not as upage knows them; "
			  "their paths stay in the heap, where the child cannot read them once "
			  "paged out");
}

static bool wanted(void)
{
	return upage.active && upage.mm.engine->user_faults_only;
}

static bool in_arena(const void *p)
{
	return p && arena_contains(&upage.mm.arena, (uintptr_t)p);
}

/* A block of upage's pages, filled from its start (spawn_copy). */
struct block {
	char *base, *pos;
	size_t len;
};

static void *take(struct block *b, size_t n)
{
	void *p = b->pos;

	b->pos += (n + 15) & ~(size_t)15;
	return p;
}

static char *copy_str(struct block *b, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(take(b, n), s, n);
}

static size_t vec_size(char *const *v, size_t *count)
{
	size_t n = 0, bytes = 0;

	for (; v && v[n]; n++)
		bytes += ((strlen(v[n]) + 1 + 15) & ~(size_t)15);
	*count = n;
	return bytes + (((n + 1) * sizeof(char *) + 15) & ~(size_t)15);
}

static char **copy_vec(struct block *b, char *const *v, size_t n)
{
	char **out;

	if (!v)
		return NULL;
	out = take(b, (n + 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out[i] = copy_str(b, v[i]);
	out[n] = NULL;
	return out;
}

static const char *action_path(const char *act)
{
	int tag;
	const char *p = NULL;

	memcpy(&tag, act + fa_layout.tag_off, sizeof(tag));
	if (tag == fa_layout.open_tag)
		memcpy(&p, act + fa_layout.open_path, sizeof(p));
	else if (tag == fa_layout.chdir_tag)
		memcpy(&p, act + fa_layout.chdir_path, sizeof(p));
	return p;
}

static size_t fa_size(const posix_spawn_file_actions_t *fa)
{
	struct fa_head h;
	size_t bytes;

	if (!fa || !fa_layout.ok)
		return 0;
	memcpy(&h, fa, sizeof(h));
	if (h.used <= 0 || !h.actions)
		return 0;
	bytes = (size_t)h.used * fa_layout.stride + 16;
	for (int i = 0; i < h.used; i++) {
		const char *p = action_path(h.actions + (size_t)i * fa_layout.stride);

		if (p)
			bytes += ((strlen(p) + 1 + 15) & ~(size_t)15);
	}
	return bytes;
}

/* @out: a copy of @fa whose array and paths are in @b. */
static void copy_fa(struct block *b, const posix_spawn_file_actions_t *fa,
		    posix_spawn_file_actions_t *out)
{
	struct fa_head h;
	char *acts;

	memcpy(out, fa, sizeof(*out));
	memcpy(&h, fa, sizeof(h));
	if (!fa_layout.ok || h.used <= 0 || !h.actions)
		return;
	acts = take(b, (size_t)h.used * fa_layout.stride);
	memcpy(acts, h.actions, (size_t)h.used * fa_layout.stride);
	for (int i = 0; i < h.used; i++) {
		char *act = acts + (size_t)i * fa_layout.stride;
		const char *p = action_path(act);
		int tag;

		if (!p)
			continue;
		p = copy_str(b, p);
		memcpy(&tag, act + fa_layout.tag_off, sizeof(tag));
		memcpy(act + (tag == fa_layout.open_tag ? fa_layout.open_path : fa_layout.chdir_path),
		       &p, sizeof(p));
	}
	h.allocated = h.used;
	h.actions = acts;
	memcpy(out, &h, sizeof(h));
}

/* environ's pages in the arena, pinned for posix_spawnp's PATH search. */
static int pin_environ(struct trap_pins *ps)
{
	char **env = environ;
	int ret = 0;
	size_t n = 0;

	if (!env)
		return 0;
	for (; env[n]; n++)
		;
	ret = trap_pin_range(ps, env, (n + 1) * sizeof(char *), false);
	for (size_t i = 0; i < n && ret == 0; i++)
		if (in_arena(env[i]))
			ret = trap_pin_range(ps, env[i], strlen(env[i]) + 1, false);
	return ret;
}

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

int spawn_outside_arena(spawn_fn next, bool search, pid_t *pid, const char *path,
			const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
			char *const argv[], char *const envp[])
{
	posix_spawn_file_actions_t fa_copy;
	posix_spawnattr_t attr_copy;
	struct trap_pins *ps = NULL;
	size_t argc, envc, len;
	struct block b;
	char **nargv, **nenvp;
	const char *npath;
	int ret;

	if (!wanted())
		return next(pid, path, fa, attr, argv, envp);
	pthread_once(&probe_once, probe_layout);
	len = PAGE_ALIGN(strlen(path) + 16 + vec_size(argv, &argc) + vec_size(envp, &envc) +
			 fa_size(fa) + PAGE_SIZE);
	b.base = b.pos = sys_alloc_pages(len);
	b.len = len;
	if (search && !strchr(path, '/'))
		ps = sys_alloc_pages(PAGE_ALIGN(sizeof(*ps)));
	if (!b.base || (search && !strchr(path, '/') && !ps)) {
		ret = ENOMEM;
		goto out;
	}
	npath = copy_str(&b, path);
	nargv = copy_vec(&b, argv, argc);
	nenvp = copy_vec(&b, envp, envc);
	if (fa)
		copy_fa(&b, fa, &fa_copy);
	if (attr)
		attr_copy = *attr;
	if (ps) {
		ret = pin_environ(ps);
		if (ret) {
			ret = -ret;
			goto out;
		}
	}
	ret = next(pid, npath, fa ? &fa_copy : NULL, attr ? &attr_copy : NULL, nargv, nenvp);
out:
	if (ps) {
		trap_unpin_all(ps);
		sys_free_pages(ps, PAGE_ALIGN(sizeof(*ps)));
	}
	if (b.base)
		sys_free_pages(b.base, len);
	return ret;
}
