#!/usr/bin/env python3
"""Gives a checkout's files the timestamps of the checkout that last built the shared target
directory (scripts/lib.sh, claim_target_dir): NUL-separated paths on stdin, relative to the
current directory; argv[1] the last builder's root (or a description of it, if it is gone).

Each file byte for byte the same as there takes its time from there; every other file is marked
new (touched), and so are directories (cargo counts their times under a directory a build script
watches). Cargo then judges this checkout as it would have judged the last one.
"""
import filecmp
import os
import sys

marked = sys.argv[1]
last = marked if marked and os.path.isdir(marked) else ""
same = new = 0
dirs = set()
for path in filter(None, sys.stdin.buffer.read().split(b"\0")):
    path = os.fsdecode(path)
    if os.path.islink(path) or not os.path.isfile(path):
        continue
    there = os.path.join(last, path) if last else ""
    if there and os.path.isfile(there) and filecmp.cmp(path, there, shallow=False):
        st = os.stat(there)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        same += 1
    else:
        os.utime(path)
        new += 1
    while path:
        path = os.path.dirname(path)
        dirs.add(path or ".")
# Directories too: cargo takes the newest time under a directory that a build script watches
# (the runtime's), directories included. A file added or changed is marked new above anyway.
for d in dirs:
    there = os.path.join(last, d) if last else ""
    if there and os.path.isdir(there):
        st = os.stat(there)
        os.utime(d, ns=(st.st_atime_ns, st.st_mtime_ns))
    else:
        os.utime(d)
if last:
    print(f"== the target directory was last built from {last}: {same} files the same as there "
          f"take their timestamps from there, {new} are marked new (their crates rebuild) ==")
elif marked:
    print(f"== the target directory was last built from {marked}, which is gone: every file is "
          "marked new (the workspace crates rebuild) ==")
