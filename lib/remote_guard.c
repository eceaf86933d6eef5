// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * remote_guard.c - under the SIGSEGV engine, a debugger reading a
 * paged-out page gets an error, not a zero.
 *
 * The engine's arena is a memfd whose paged-out pages are holes behind
 * PROT_NONE.  The program never touches a hole (PROT_NONE faults first),
 * but a debugger does: gdb, /proc/PID/mem and ptrace read with FOLL_FORCE,
 * which passes PROT_NONE, and shmem fills the hole with a zero page, so
 * gdb showed 0 where the program had written data.  Each region is
 * therefore also registered with a userfaultfd for MISSING faults, with
 * UFFD_FEATURE_SIGBUS (and UFFD_USER_MODE_ONLY, which an unprivileged
 * user may open): the kernel then answers any fault on a hole with
 * SIGBUS (fs/userfaultfd.c, handle_userfault: "if (ctx->features &
 * UFFD_FEATURE_SIGBUS) goto out"), which a remote reader sees as EIO
 * ("Cannot access memory"), never as data.  Nobody reads the descriptor:
 * it only has to exist.  Without userfaultfd the guard is simply absent.
 *
 * A core dump faults holes the same way (and gets nothing): coredump.c
 * fills them first.  mremap of a region drops its registration (the
 * kernel does, without UFFD_FEATURE_EVENT_REMAP).
 *
 * Locking: guard_fd is set at the engine's start (again in a forked
 * child); registrations run under the caller's locks (mmap_lock).
 */
#include "autoconfig.h"

#include "remote_guard.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ownfd.h"
#include "sys.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY	1
#endif

static int guard_fd = -1;

void remote_guard_init(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_SIGBUS };

	ownfd_close(&guard_fd);		/* a forked child's: the parent's mm */
	guard_fd = (int)sys_syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (guard_fd < 0)
		return;
	if (ioctl(guard_fd, UFFDIO_API, &api) < 0) {
		close(guard_fd);
		guard_fd = -1;
		return;
	}
	ownfd_register(&guard_fd, "userfaultfd (remote guard)");
}

void remote_guard_range(uintptr_t start, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = start, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int tok;

	if (guard_fd < 0)
		return;
	tok = ownfd_enter();
	ioctl(ownfd_get(&guard_fd), UFFDIO_REGISTER, &reg);
	ownfd_exit(tok);
}
