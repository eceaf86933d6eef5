/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault_sigbus.h - the in-thread userfaultfd engine, "uffd-sigbus"
 * (fault_sigbus.c).
 */
#ifndef UPAGE_FAULT_SIGBUS_H
#define UPAGE_FAULT_SIGBUS_H

#include <stdbool.h>

#include "fault.h"

extern const struct fault_engine sigbus_engine;

/* Can this process open a user-mode-only userfaultfd in SIGBUS mode? */
bool sigbus_engine_available(void);

#endif /* UPAGE_FAULT_SIGBUS_H */
