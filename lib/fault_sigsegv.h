/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault_sigsegv.h - the SIGSEGV engine: mprotect and libsigsegv (fault_sigsegv.c).
 */
#ifndef UPAGE_FAULT_SIGSEGV_H
#define UPAGE_FAULT_SIGSEGV_H

#include "fault.h"

extern const struct fault_engine sigsegv_engine;

#endif /* UPAGE_FAULT_SIGSEGV_H */
