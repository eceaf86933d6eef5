#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# corecheck.py CORE ADDRESS BYTES: how many pages of the heap at ADDRESS
# the core file holds as crash.c wrote them.  Prints "pages N intact M".
import struct
import sys

MASK = (1 << 64) - 1


def pattern(i):
    x = (i * 0x9e3779b97f4a7c15) & MASK
    return x ^ (x >> 29) ^ 0x5555aaaa5555aaaa


def main():
    core, addr, size = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
    with open(core, 'rb') as f:
        data = f.read()
    if data[:4] != b'\x7fELF':
        sys.exit('not an ELF file')
    phoff, = struct.unpack_from('<Q', data, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
    loads = []
    for k in range(phnum):
        p_type, _, off, vaddr, _, filesz = struct.unpack_from('<IIQQQQ', data, phoff + k * phentsize)
        if p_type == 1:
            loads.append((vaddr, filesz, off))
    pages = intact = 0
    for a in range(addr, addr + size, 4096):
        pages += 1
        for vaddr, filesz, off in loads:
            if vaddr <= a < vaddr + filesz:
                word, = struct.unpack_from('<Q', data, off + a - vaddr)
                intact += word == pattern((a - addr) // 8)
                break
    print('pages %d intact %d' % (pages, intact))


main()
