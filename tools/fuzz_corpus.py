#!/usr/bin/env python3
"""Converts between a libFuzzer corpus directory (one file per input) and
the committed packed corpus tests/fuzz/corpus/<target>.hex (one input per
line in hex; '#' lines are comments), read by tests/fuzz/replay_main.cc.

    fuzz_corpus.py pack DIR OUT.hex TARGET   # DIR's files, sorted by content
    fuzz_corpus.py unpack IN.hex DIR         # files named by SHA-1, as libFuzzer does
"""
import hashlib
import os
import sys


def pack(directory, out_path, target):
    inputs = set()
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                data = f.read()
            if data:  # an empty line would read as a blank line
                inputs.add(data)
    lines = sorted(data.hex() for data in inputs)
    tmp = out_path + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"# {target}: {len(lines)} inputs, one per line in hex.\n")
        f.write("# Written by tools/fuzz-pack.sh (libFuzzer -merge=1 of the\n")
        f.write("# seeds and everything the fuzzers found); replayed by the\n")
        f.write(f"# fuzz_replay_{target} test. See docs/FUZZING.md.\n")
        for line in lines:
            f.write(line + "\n")
    os.replace(tmp, out_path)
    return len(lines)


def unpack(in_path, directory):
    os.makedirs(directory, exist_ok=True)
    count = 0
    with open(in_path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            data = bytes.fromhex(line)
            name = hashlib.sha1(data).hexdigest()
            with open(os.path.join(directory, name), "wb") as out:
                out.write(data)
            count += 1
    return count


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "pack":
        print(pack(sys.argv[2], sys.argv[3], sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == "unpack":
        print(unpack(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
