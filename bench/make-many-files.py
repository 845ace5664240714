#!/usr/bin/env python3
"""make-many-files.py COUNT DIR [--deep] — a deterministic payload of COUNT
small files (40 to 300 bytes of text each) for the scale benchmarks.

Flat layout: 1,000 files per folder, folders two levels deep
(`d012/d345/f000123.txt`). With --deep the same files sit in trees twelve
folders deep with long folder names (paths of about 200 bytes), which is
what exercises long-name records and the per-directory bookkeeping.
Same arguments, same tree; every time stamp is 2024-01-01T00:00:00Z."""
import os
import sys

EPOCH = 1_704_067_200
WORDS = b"alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima ".split()


def content(i):
    n = 40 + (i * 7919) % 261
    words = b" ".join(WORDS[(i + k) % len(WORDS)] for k in range(n // 5 + 1))
    return words[:n - 1] + b"\n"


def relative(i, deep):
    if not deep:
        return f"d{i // 1_000_000:03}/d{(i // 1000) % 1000:03}/f{i:07}.txt"
    parts = [f"l{k:02}-{(i // (7 ** (12 - k))) % 7}-subfolder" for k in range(12)]
    return "/".join(parts) + f"/file-{i:07}.txt"


def main():
    args = [a for a in sys.argv[1:] if a != "--deep"]
    if len(args) != 2:
        sys.exit(__doc__)
    count, root, deep = int(args[0]), args[1], "--deep" in sys.argv
    made = set()
    for i in range(count):
        path = os.path.join(root, relative(i, deep))
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(path, "wb") as f:
            f.write(content(i))
        os.utime(path, (EPOCH, EPOCH))
    for folder in sorted(made, key=len, reverse=True):
        os.utime(folder, (EPOCH, EPOCH))
    print(f"payload: {count} files in {len(made)} folders under {root}")


if __name__ == "__main__":
    main()
