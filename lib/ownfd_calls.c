// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ownfd_calls.c - the libc names of the calls ownfd.c answers for the
 * program: close, dup, dup2, dup3, fcntl, close_range, closefrom,
 * prlimit and setrlimit.  In the preload library only: the unit tests
 * and the CLI link ownfd.c without them (a sanitizer's runtime calls
 * setrlimit before anything of ours may run).
 */
#include "autoconfig.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ownfd.h"
#include "runtime.h"

EXPORT int close(int fd)
{
	return ownfd_close_call(fd);
}

EXPORT int dup(int fd)
{
	return ownfd_dup_call(fd);
}

EXPORT int dup2(int old, int new)
{
	return ownfd_dup2_call(old, new);
}

EXPORT int dup3(int old, int new, int flags)
{
	return ownfd_dup3_call(old, new, flags);
}

EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return ownfd_fcntl_call(fd, cmd, arg);
}

EXPORT int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	return ownfd_close_range_call(first, last, flags);
}

EXPORT void closefrom(int lowfd)
{
	ownfd_closefrom_call(lowfd);
}

EXPORT int prlimit(pid_t pid, enum __rlimit_resource res, const struct rlimit *new,
		   struct rlimit *old)
{
	return ownfd_prlimit_call(pid, res, new, old);
}

/* struct rlimit64 is struct rlimit on 64-bit Linux. */
EXPORT int prlimit64(pid_t pid, enum __rlimit_resource res, const struct rlimit64 *new,
		     struct rlimit64 *old)
{
	return ownfd_prlimit_call(pid, res, (const struct rlimit *)new, (struct rlimit *)old);
}

EXPORT int setrlimit(__rlimit_resource_t res, const struct rlimit *rl)
{
	return ownfd_prlimit_call(0, res, rl, NULL);
}

EXPORT int setrlimit64(__rlimit_resource_t res, const struct rlimit64 *rl)
{
	return ownfd_prlimit_call(0, res, (const struct rlimit *)rl, NULL);
}
