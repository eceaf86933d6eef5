/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault_uffd.h - the userfaultfd engine, with handler threads (fault_uffd.c).
 */
#ifndef UPAGE_FAULT_UFFD_H
#define UPAGE_FAULT_UFFD_H

#include "fault.h"

extern const struct fault_engine uffd_engine;

#endif /* UPAGE_FAULT_UFFD_H */
