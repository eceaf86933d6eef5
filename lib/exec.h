/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec.h - what a paged program passes on to the programs it executes (exec.c).
 */
#ifndef UPAGE_EXEC_H
#define UPAGE_EXEC_H

#include "config.h"

/* At start-up, from @cfg: UPAGE_INHERIT=0 takes libupage.so out of
 * LD_PRELOAD. */
void exec_setup(const struct upage_config *cfg);

#endif /* UPAGE_EXEC_H */
