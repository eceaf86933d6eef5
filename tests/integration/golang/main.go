// SPDX-License-Identifier: GPL-2.0-or-later

// goheap: a Go heap larger than upage's cap, filled with a pattern by
// goroutines, collected (runtime.GC walks a linked list spread over the
// whole heap, so the collector itself touches paged-out memory) and read
// back; with cgo, also C.malloc'd memory written from Go and read from C,
// and the other way round (cmem.go).  Prints one line per check and exits
// 1 on the first wrong byte.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

const chunk = 1 << 20

// pattern is the byte at offset j of chunk i in pass p.
func pattern(p, i, j int) byte {
	return byte(p*37 + i*131 + j*7 + j>>12)
}

type node struct {
	next *node
	id   int
	pad  [48]byte
}

func fill(chunks [][]byte, p, workers int) {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(chunks); i += workers {
				if chunks[i] == nil {
					chunks[i] = make([]byte, chunk)
				}
				c := chunks[i]
				for j := range c {
					c[j] = pattern(p, i, j)
				}
			}
		}(w)
	}
	wg.Wait()
}

// verify returns the number of wrong bytes, checked by several goroutines.
func verify(chunks [][]byte, p, workers int) int {
	var wg sync.WaitGroup
	wrong := make([]int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(chunks); i += workers {
				c := chunks[i]
				for j := range c {
					if c[j] != pattern(p, i, j) {
						if wrong[w] == 0 {
							fmt.Printf("chunk %d byte %d: %#x, not %#x\n", i, j, c[j], pattern(p, i, j))
						}
						wrong[w]++
					}
				}
			}
		}(w)
	}
	wg.Wait()
	n := 0
	for _, x := range wrong {
		n += x
	}
	return n
}

// spawn runs @prog (goheap-static) several times with os/exec: Go's own
// fork and exec, whose child resets the runtime's signal handlers with raw
// system calls before its execve, with argv in the paged heap.
func spawn(prog string) {
	failed := 0
	os.Unsetenv("GOHEAP_EXEC") // the child must not spawn in turn
	for i := 0; i < 8; i++ {
		out, err := exec.Command(prog, "4").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "no cgo") {
			fmt.Printf("run %d of %s: %v: %s\n", i, prog, err, out)
			failed++
		}
	}
	check("go fork and exec of a static program", failed)
}

func check(what string, wrong int) {
	fmt.Printf("%s: wrong bytes: %d\n", what, wrong)
	if wrong != 0 {
		os.Exit(1)
	}
}

func main() {
	mib := 256
	if len(os.Args) > 1 {
		var err error
		if mib, err = strconv.Atoi(os.Args[1]); err != nil || mib < 1 {
			fmt.Fprintf(os.Stderr, "usage: goheap [MiB]\n")
			os.Exit(2)
		}
	}
	const workers = 4
	chunks := make([][]byte, mib)

	// A list of small objects allocated between the chunks: the
	// collector's mark phase follows it across the whole heap.
	var head *node
	nodes := 0
	for i := range chunks {
		chunks[i] = make([]byte, chunk)
		for k := 0; k < 256; k++ {
			head = &node{next: head, id: nodes}
			nodes++
		}
	}
	fill(chunks, 1, workers)
	runtime.GC()
	check("go heap after GC", verify(chunks, 1, workers))

	// Garbage: half the chunks dropped and made again, collected twice.
	for i := 0; i < len(chunks); i += 2 {
		chunks[i] = nil
	}
	runtime.GC()
	fill(chunks, 2, workers)
	runtime.GC()
	runtime.GC()
	check("go heap rewritten", verify(chunks, 2, workers))

	n := 0
	for p := head; p != nil; p = p.next {
		if p.id != nodes-1-n {
			fmt.Printf("list node %d holds id %d\n", n, p.id)
			os.Exit(1)
		}
		n++
	}
	fmt.Printf("go list: %d nodes\n", n)
	if n != nodes {
		os.Exit(1)
	}
	fileio(chunks)
	if prog := os.Getenv("GOHEAP_EXEC"); prog != "" {
		spawn(prog)
	}
	cmem(64)
	runtime.KeepAlive(chunks)
	exit()
}

// fileio writes the heap to a file and reads it back into heap that is
// paged out, with the system calls Go makes itself (not libc's).
func fileio(chunks [][]byte) {
	f, err := os.CreateTemp("", "goheap")
	if err != nil {
		fmt.Println("file: ", err)
		os.Exit(1)
	}
	defer f.Close()
	os.Remove(f.Name())
	n := len(chunks) / 2
	for i := 0; i < n; i++ {
		if k, err := f.WriteAt(chunks[i], int64(i*chunk)); k != chunk || err != nil {
			fmt.Printf("write of chunk %d: %d bytes, %v\n", i, k, err)
			os.Exit(1)
		}
	}
	// Read chunk i into chunk n+i, paged out by the writes since.
	for i := 0; i < n; i++ {
		if k, err := f.ReadAt(chunks[n+i], int64(i*chunk)); k != chunk || err != nil {
			fmt.Printf("read of chunk %d: %d bytes, %v\n", i, k, err)
			os.Exit(1)
		}
	}
	wrong := 0
	for i := 0; i < n; i++ {
		a, b := chunks[i], chunks[n+i]
		for j := range a {
			if a[j] != b[j] {
				wrong++
			}
		}
	}
	check("go file write and read back", wrong)
}
