/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ownfd.h - upage's own descriptors (userfaultfd, swap areas, the counters'
 * memfd, pagemap, the SIGSEGV engine's memfd), kept safe from what the
 * program does to its descriptors.
 *
 * Each is opened as usual, then handed to ownfd_place (a number of
 * upage's: above the program's RLIMIT_NOFILE where the limits allow) and
 * its variable registered with ownfd_add.  From then on the program's
 * close, close_range, closefrom, dup2, dup3 and fcntl (interposed in
 * ownfd.c) treat the number as free: a close succeeds as on a free number
 * (EBADF), a dup2 onto it first moves upage's descriptor elsewhere and
 * updates the variable.
 *
 * A thread that uses a registered descriptor reads its variable between
 * ownfd_enter and ownfd_exit: a move waits until every such reader has
 * left before the old number is closed, so a reader never uses a number
 * that has meanwhile become the program's.  A section holds one system
 * call or a few, never a sleep (a thread that polls a registered
 * descriptor polls outside it, with a timeout: see fault_uffd.c), and
 * never registers, closes or moves a descriptor.
 */
#ifndef UPAGE_OWNFD_H
#define UPAGE_OWNFD_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

/* @fd on one of upage's numbers (the original is closed), or @fd itself
 * when it cannot be moved.  For a descriptor no other thread uses yet. */
int ownfd_place(int fd);
/* Register the variable *@fdp, which holds a placed descriptor; @what
 * names it in messages.  0, or -ENOSPC. */
int ownfd_add(int *fdp, const char *what);
/* Place *@fdp and register it: ownfd_place then ownfd_add. */
int ownfd_register(int *fdp, const char *what);
/* Unregister *@fdp, close it, set it to -1 (nothing if it is -1). */
void ownfd_close(int *fdp);

/* Around every use of a registered descriptor; the token goes to exit. */
int ownfd_enter(void);
void ownfd_exit(int token);
/* The current number in a registered variable (between enter and exit). */
static inline int ownfd_get(const int *fdp)
{
	return __atomic_load_n(fdp, __ATOMIC_ACQUIRE);
}

/* Is @fd one of upage's numbers? */
bool ownfd_is(int fd);

/* A registered descriptor is gone anyway (a raw system call closed it):
 * the program is killed with one message, never run on pages upage can
 * no longer serve. */
__attribute__((noreturn)) void ownfd_lost(const char *what, int err);

/* A thread that keeps a copy of every descriptor registered now in a
 * descriptor table of its own, so that their files outlive a raw close of
 * the program's numbers (see ownfd.c).  0 or -errno. */
int ownfd_keep(void);
/* At the end of start-up: one message when upage's descriptors had to
 * take numbers below a small RLIMIT_NOFILE (always with @verbose). */
void ownfd_started(bool verbose);

/*
 * The program's close, dup, dup2, dup3, fcntl, close_range, closefrom and
 * prlimit (setrlimit) as upage answers them: ownfd_calls.c gives them
 * their libc names in the preload library.  Results and errno as libc's.
 */
int ownfd_close_call(int fd);
int ownfd_dup_call(int fd);
int ownfd_dup2_call(int old, int new);
int ownfd_dup3_call(int old, int new, int flags);
int ownfd_fcntl_call(int fd, int cmd, void *arg);
int ownfd_close_range_call(unsigned int first, unsigned int last, int flags);
void ownfd_closefrom_call(int lowfd);
int ownfd_prlimit_call(pid_t pid, int res, const struct rlimit *new, struct rlimit *old);

/* In a forked child, before anything is registered or closed: the table
 * is the child's, and the parent's other threads are gone. */
void ownfd_fork_child(void);

#endif /* UPAGE_OWNFD_H */
