#!/usr/bin/env python3
"""Simulates a power cut from the journal tests/powercut.c wrote: for each
file, undoes (newest first) every write made after the file's last sync,
so that each file holds what was synced.  usage: powercut_restore.py JOURNAL
Prints how many writes were undone in how many files."""
import os
import struct
import sys


def records(data):
    """The journal's records; one the kill cut short is left out: the
    write it announces had not started (the shim journals first)."""
    off = 0
    while off < len(data):
        kind = data[off:off + 1]
        if kind not in (b"S", b"W"):
            sys.exit(f"powercut_restore: bad record at offset {off}")
        try:
            (plen,) = struct.unpack_from("<I", data, off + 1)
            if off + 5 + plen > len(data):
                return
            path = data[off + 5:off + 5 + plen].decode()
            off += 5 + plen
            if kind == b"S":
                yield ("S", path, None)
                continue
            at, length, old_size, old_len = struct.unpack_from(
                "<QQQQ", data, off)
        except struct.error:
            return
        off += 32
        old = data[off:off + old_len]
        off += old_len
        if len(old) != old_len:
            return
        yield ("W", path, (at, length, old_size, old))


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    unsynced = {}  # path -> writes since its last sync
    for kind, path, write in records(data):
        if kind == "S":
            unsynced[path] = []
        else:
            unsynced.setdefault(path, []).append(write)
    undone = 0
    for path, writes in unsynced.items():
        if not writes or not os.path.exists(path):
            continue
        with open(path, "r+b") as f:
            for at, _length, _old_size, old in reversed(writes):
                f.seek(at)
                f.write(old)
                undone += 1
            f.truncate(writes[0][2])  # its size at the last sync
    print(f"undone {undone} unsynced writes in "
          f"{sum(1 for w in unsynced.values() if w)} files")


main()
