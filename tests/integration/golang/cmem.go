// SPDX-License-Identifier: GPL-2.0-or-later

//go:build cgo

// C.malloc'd memory larger than the cap, written from Go and read back by
// C, then written by C and read back by Go.
package main

/*
#include <stdlib.h>
#include <stddef.h>

static unsigned char cpattern(int p, size_t j)
{
	return (unsigned char)(p * 53 + j * 11 + (j >> 12));
}

static size_t c_verify(const unsigned char *b, size_t n, int p)
{
	size_t wrong = 0;

	for (size_t j = 0; j < n; j++)
		wrong += b[j] != cpattern(p, j);
	return wrong;
}

static void c_exit(void)
{
	exit(0);
}

static void c_fill(unsigned char *b, size_t n, int p)
{
	for (size_t j = 0; j < n; j++)
		b[j] = cpattern(p, j);
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

func cpattern(p, j int) byte {
	return byte(p*53 + j*11 + j>>12)
}

func cmem(mib int) {
	n := mib << 20
	p := C.malloc(C.size_t(n))
	if p == nil {
		fmt.Println("C.malloc failed")
		return
	}
	b := unsafe.Slice((*byte)(p), n)
	for j := range b {
		b[j] = cpattern(1, j)
	}
	check("C.malloc written by Go, read by C", int(C.c_verify((*C.uchar)(p), C.size_t(n), 1)))
	C.c_fill((*C.uchar)(p), C.size_t(n), 2)
	wrong := 0
	for j := range b {
		if b[j] != cpattern(2, j) {
			wrong++
		}
	}
	check("C.malloc written by C, read by Go", wrong)
	C.free(p)
}

// exit ends the program through libc's exit, so that upage's report is
// written: Go's own exit is a raw exit_group, which runs no destructor.
func exit() {
	C.c_exit()
}
