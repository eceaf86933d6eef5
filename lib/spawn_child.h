/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spawn_child.h - posix_spawn with what its child reads outside the arena
 * (spawn_child.c), for the interposed posix_spawn and posix_spawnp
 * (exec_privs.c).
 */
#ifndef UPAGE_SPAWN_CHILD_H
#define UPAGE_SPAWN_CHILD_H

#include <spawn.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * @next (libc's posix_spawn, or posix_spawnp when @search) called with
 * copies of @path, @fa, @attr, @argv and @envp outside the arena, and
 * environ pinned when @search looks up PATH; just @next under an engine
 * whose faults a child sharing the memory can take.  Returns what
 * posix_spawn returns (an errno value, or 0).
 */
int spawn_outside_arena(int (*next)(pid_t *, const char *, const posix_spawn_file_actions_t *,
				    const posix_spawnattr_t *, char *const[], char *const[]),
			bool search, pid_t *pid, const char *path,
			const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
			char *const argv[], char *const envp[]);

#endif /* UPAGE_SPAWN_CHILD_H */
