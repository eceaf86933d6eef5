// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ownfd.c - upage's own descriptors (lib/ownfd.c): where they are
 * placed against RLIMIT_NOFILE, and the program's close, close_range,
 * closefrom, dup2, dup3, fcntl and setrlimit on them.  The unit tests link
 * the library's objects without the libc names (ownfd_calls.c): the tests
 * call ownfd_*_call, which the preload library gives those names.
 * Criterion runs each test in a process of its own: limits set here do
 * not leak.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ownfd.h"

/* The raw fcntl: the interposed one says EBADF on upage's numbers. */
static bool is_open(int fd)
{
	return syscall(SYS_fcntl, fd, F_GETFD) >= 0;
}

static void set_limits(rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	cr_assert_eq(ownfd_prlimit_call(0, RLIMIT_NOFILE, &rl, NULL), 0,
		     "setrlimit(%lu, %lu) should work", (unsigned long)soft, (unsigned long)hard);
}

/* A pipe whose write end is registered as upage's in *fdp; returns the
 * read end. */
static int own_pipe(int *fdp)
{
	int p[2];

	cr_assert_eq(pipe(p), 0, "pipe should work");
	*fdp = p[1];
	cr_assert_eq(ownfd_register(fdp, "test pipe"), 0, "registration should work");
	return p[0];
}

/* Bytes written through the registered end come out of @rd. */
static void assert_reaches(const int *fdp, int rd)
{
	char c = 'x', got = 0;

	cr_assert_eq(write(ownfd_get(fdp), &c, 1), 1, "a write through upage's number should work");
	cr_assert_eq(read(rd, &got, 1), 1, "the byte should reach the pipe's other end");
	cr_assert_eq(got, 'x', "the same byte should come out");
}

Test(ownfd, placed_above_the_soft_limit_where_the_hard_one_leaves_room)
{
	struct rlimit rl;
	int fd, rd;

	set_limits(64, 256);
	rd = own_pipe(&fd);
	cr_assert_geq(fd, 64, "upage's descriptor should be above the soft limit, got %d", fd);
	cr_assert(syscall(SYS_fcntl, fd, F_GETFD) & FD_CLOEXEC, "it should be close-on-exec");
	getrlimit(RLIMIT_NOFILE, &rl);
	cr_assert(rl.rlim_cur == 64 && rl.rlim_max == 256,
		  "the program's limits should be left as they were, got %lu/%lu",
		  (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
	assert_reaches(&fd, rd);
}

/* Run @fn in a forked child (closefrom would close Criterion's own
 * descriptors); its exit status is the result. */
static void in_child(int (*fn)(void), const char *what)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0, "fork should work");
	if (pid == 0) {
		ownfd_fork_child();
		_exit(fn());
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid, "waitpid should work");
	cr_assert(WIFEXITED(status), "the child should exit, not die (status %#x)", status);
	cr_assert_eq(WEXITSTATUS(status), 0, "%s (the child's step %d failed)", what,
		     WEXITSTATUS(status));
}

static int kept_fd;

static int open_every_number(void)
{
	int n = 0;

	ownfd_closefrom_call(3);
	while (open("/dev/null", O_RDONLY) >= 0)
		n++;
	if (errno != EMFILE)
		return 1;
	if (n != 32 - 3)
		return 2;
	return is_open(kept_fd) ? 0 : 3;
}

Test(ownfd, the_program_keeps_every_number_below_its_limit)
{
	set_limits(32, 256);
	own_pipe(&kept_fd);
	in_child(open_every_number, "the program should open every number from 3 below its "
				    "limit, with upage's descriptor kept");
}

Test(ownfd, placed_among_the_top_numbers_when_soft_equals_hard)
{
	struct rlimit rl;
	int fd;

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_max > 100) {
		/* Without CAP_SYS_RESOURCE the hard limit cannot come back up. */
		set_limits(100, 100);
	}
	own_pipe(&fd);
	getrlimit(RLIMIT_NOFILE, &rl);
	if (fd >= (int)rl.rlim_cur)
		cr_skip_test("CAP_SYS_RESOURCE raised the hard limit: the number fits above");
	cr_assert_geq(fd, 100 - 32, "below the limit, among its top numbers, got %d", fd);
}

Test(ownfd, close_and_fcntl_see_a_free_number)
{
	int fd, rd = own_pipe(&fd);

	errno = 0;
	cr_assert_eq(ownfd_close_call(fd), -1,
		     "close of upage's number should fail, as on a free number");
	cr_assert_eq(errno, EBADF, "with EBADF");
	cr_assert_eq(ownfd_fcntl_call(fd, F_GETFD, NULL), -1, "fcntl on it should fail");
	cr_assert_eq(errno, EBADF, "with EBADF");
	cr_assert_eq(ownfd_dup_call(fd), -1, "dup of it should fail with EBADF");
	cr_assert(is_open(fd), "the descriptor itself should still be open");
	assert_reaches(&fd, rd);
}

static int close_all_but_own(void)
{
	int other = open("/dev/null", O_RDONLY);

	if (ownfd_close_range_call(3, ~0U, 0))
		return 1;
	if (is_open(other))
		return 2;
	if (!is_open(kept_fd))
		return 3;
	other = open("/dev/null", O_RDONLY);
	ownfd_closefrom_call(3);
	if (is_open(other))
		return 4;
	return is_open(kept_fd) ? 0 : 5;
}

Test(ownfd, close_range_and_closefrom_close_everything_else)
{
	own_pipe(&kept_fd);
	in_child(close_all_but_own, "close_range and closefrom should close the program's "
				    "descriptors and leave upage's");
}

Test(ownfd, dup2_onto_it_moves_it_first)
{
	int fd, old, rd, src = open("/dev/null", O_RDONLY);

	set_limits(64, 64);	/* no room above (unless privileged): in range */
	rd = own_pipe(&fd);
	old = fd;
	if (old >= 64)
		cr_skip_test("CAP_SYS_RESOURCE placed it above the limit");
	cr_assert_eq(ownfd_dup2_call(src, old), old, "dup2 onto upage's number should succeed");
	cr_assert_neq(fd, old, "upage's descriptor should have moved, still at %d", fd);
	cr_assert(ownfd_is(fd) && !ownfd_is(old), "the registration should follow it");
	assert_reaches(&fd, rd);
	old = fd;
	cr_assert_eq(ownfd_dup3_call(src, old, O_CLOEXEC), old,
		     "dup3 onto the new number should succeed too (%s)", strerror(errno));
	assert_reaches(&fd, rd);
}

Test(ownfd, dup2_above_the_limit_is_refused_as_without_upage)
{
	int fd, rd, src = open("/dev/null", O_RDONLY);

	set_limits(64, 256);
	rd = own_pipe(&fd);
	cr_assert_eq(ownfd_dup2_call(src, fd), -1,
		     "dup2 to a number above the soft limit should fail");
	cr_assert_eq(errno, EBADF, "with EBADF, as the kernel says");
	assert_reaches(&fd, rd);
}

Test(ownfd, raising_the_soft_limit_moves_them_above_it)
{
	int fd, rd;

	set_limits(64, 512);
	rd = own_pipe(&fd);
	set_limits(256, 512);
	cr_assert_geq(fd, 256, "upage's descriptor should have moved above the new limit, at %d",
		      fd);
	assert_reaches(&fd, rd);
}

Test(ownfd, closed_descriptor_is_forgotten)
{
	int fd, rd = own_pipe(&fd), num = fd;

	ownfd_close(&fd);
	cr_assert_eq(fd, -1, "the variable should be cleared");
	cr_assert(!is_open(num) && !ownfd_is(num), "the number should be closed and forgotten");
	close(rd);
}

/* Readers use the number between enter and exit while it moves. */
static int moving_fd;
static ino_t pipe_ino;
static volatile bool stop;
static int bad;

static void *reader(void *arg)
{
	(void)arg;
	while (!stop) {
		int tok = ownfd_enter();
		struct stat st;

		if (fstat(ownfd_get(&moving_fd), &st) || st.st_ino != pipe_ino)
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		ownfd_exit(tok);
	}
	return NULL;
}

Test(ownfd, a_reader_never_sees_the_programs_file_under_a_moved_number)
{
	pthread_t threads[2];
	struct stat st;
	int src = open("/dev/null", O_RDONLY);

	set_limits(200, 200);
	own_pipe(&moving_fd);
	if (moving_fd >= 200)
		cr_skip_test("CAP_SYS_RESOURCE placed it above the limit");
	fstat(moving_fd, &st);
	pipe_ino = st.st_ino;
	for (int i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, reader, NULL);
	for (int i = 0; i < 2000; i++) {
		int target = ownfd_get(&moving_fd);

		cr_assert_eq(ownfd_dup2_call(src, target), target,
			     "dup2 onto the moving number should work");
		ownfd_close_call(target);
	}
	stop = true;
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	cr_assert_eq(bad, 0, "%d reads found another file under upage's number", bad);
}
