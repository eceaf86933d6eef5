/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uffd.h - the userfaultfd primitives of both userfaultfd engines (uffd.c):
 * the process's descriptor, and the fault_engine operations that change
 * what the kernel maps (fault.h says what each does).
 */
#ifndef UPAGE_UFFD_H
#define UPAGE_UFFD_H

#include <linux/userfaultfd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Newer than the Debian 12 headers (Linux 6.8). */
#ifndef UFFD_FEATURE_MOVE
#define UFFD_FEATURE_MOVE	(1ULL << 16)
#define _UFFDIO_MOVE		0x05
struct uffdio_move {
	__u64 dst;
	__u64 src;
	__u64 len;
	__u64 mode;
	__s64 move;
};
#define UFFDIO_MOVE		_IOWR(UFFDIO, _UFFDIO_MOVE, struct uffdio_move)
#endif

struct mm_struct;

/* Would a userfaultfd with @features open here (user-mode only when
 * @user_mode_only)?  One is opened and closed to tell. */
bool uffd_available(bool user_mode_only, unsigned long long features);
/*
 * Open the process's userfaultfd with @features (UFFD_FEATURE_*),
 * user-mode only when @user_mode_only, and register @mm's frame pool.
 * Returns 0 or a negative errno.
 */
int uffd_open(struct mm_struct *mm, bool user_mode_only, unsigned long long features);
/* Close it and what goes with it (a forked child: they are the parent's). */
void uffd_close(void);
/* Read one fault message (non-blocking: -1 with errno EAGAIN when there
 * is none); a descriptor lost kills the program with a message. */
ssize_t uffd_read_msg(struct uffd_msg *msg);
/* The descriptor's number now (for epoll_ctl at start), or -1. */
int uffd_fd(void);

int uffd_map_range(uintptr_t start, size_t len, int prot);
int uffd_protect_range(uintptr_t start, size_t len, int prot);
int uffd_unmap_range(uintptr_t start, size_t len);
int uffd_zap_range(uintptr_t start, size_t len);
int uffd_install_copy(uintptr_t addr, const void *src, bool wp);
/* fault.h's install_run: UFFDIO_COPY of a run. */
long uffd_install_run(uintptr_t addr, const void *src, unsigned long nr, bool wp);
int uffd_install_move(uintptr_t addr, void *slot, bool wp);
int uffd_unmap_page(uintptr_t addr, void *slot);
int uffd_unprotect(uintptr_t addr);
void uffd_wake(uintptr_t addr);
int uffd_free_slot(void *slot);
/* Register a region again (fork_child_range: a forked child's uffd). */
int uffd_register_range(uintptr_t start, size_t len);

#endif /* UPAGE_UFFD_H */
