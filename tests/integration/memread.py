#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# memread.py mem|vm PID ADDRESS BYTES: read the first word of every page
# of heapio's heap from another process, through /proc/PID/mem (mem) or
# process_vm_readv (vm).  Prints "pages N right R failed F wrong W": a
# page read back as written, one the kernel refused to read (an error),
# one that read back other data (a made-up value).
import ctypes
import os
import struct
import sys

MASK = (1 << 64) - 1


def pattern(i):
    x = (i * 0x9e3779b97f4a7c15) & MASK
    return x ^ (x >> 29) ^ 0x5555aaaa5555aaaa


class iovec(ctypes.Structure):
    _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]


def main():
    how, pid, addr, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0), int(sys.argv[4])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.process_vm_readv.restype = ctypes.c_ssize_t
    mem = open('/proc/%d/mem' % pid, 'rb', buffering=0) if how == 'mem' else None
    buf = ctypes.create_string_buffer(8)
    right = failed = wrong = pages = 0
    for a in range(addr, addr + size, 4096):
        pages += 1
        try:
            if mem:
                mem.seek(a)
                data = mem.read(8)
            else:
                local = iovec(ctypes.cast(buf, ctypes.c_void_p), 8)
                remote = iovec(a, 8)
                n = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
                if n != 8:
                    raise OSError(ctypes.get_errno(), 'process_vm_readv')
                data = buf.raw
        except OSError:
            failed += 1
            continue
        if len(data) != 8:
            failed += 1
        elif struct.unpack('<Q', data)[0] == pattern((a - addr) // 8):
            right += 1
        else:
            wrong += 1
    print('pages %d right %d failed %d wrong %d' % (pages, right, failed, wrong))


main()
