// SPDX-License-Identifier: GPL-2.0-or-later

//go:build !cgo

// Without cgo there is no C memory to check.
package main

import (
	"fmt"
	"os"
)

func cmem(int) {
	fmt.Println("no cgo")
}

func exit() {
	os.Exit(0)
}
