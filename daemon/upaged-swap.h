/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upaged-swap.h - the swap areas upaged owns and the extents it hands out
 * of them (upaged-swap.c).  Single-threaded: no locks.
 */
#ifndef UPAGE_UPAGED_SWAP_H
#define UPAGE_UPAGED_SWAP_H

#include <stddef.h>
#include <sys/types.h>

#include "control.h"
#include "upaged-conf.h"

/* Check the configured areas (directories on disks where private files
 * can be made) and take them; 0, or -1 with a message in @err and the
 * areas as they were. */
int swap_open_all(const struct upaged_conf *conf, char *err, size_t errlen);
void swap_close_all(void);
unsigned int swap_nr_areas(void);
/* Count what is handed out: begin, each extent a process publishes, end. */
void swap_account_begin(void);
void swap_account_extent(const struct upage_control_area *a);
void swap_account_end(void);
/* Hand one extent to the process on connection @conn: 0, -ENOSPC (every
 * area full), or -errno. */
int swap_give(int conn);
/* Write the areas as messages on @fd ("area ..."). */
void swap_report(int fd, uid_t uid);

#endif /* UPAGE_UPAGED_SWAP_H */
