#!/usr/bin/env python3
"""Prints the ninja targets that the named meson tests need, one a line.

    tools/sanitize_ci_targets.py BUILDDIR TEST_NAME...

For each test it takes the test's own executable and everything in its
`depends` (the binaries it spawns, the fault shim), as `meson introspect`
reports them, so tools/sanitize-ci.sh can build only those instead of the
whole project. A name that is not a registered test is an error (exit 1):
the sanitized CI selection must never shrink silently because a test was
renamed or removed.
"""

import json
import os
import subprocess
import sys


def introspect(builddir, what):
    out = subprocess.run(['meson', 'introspect', builddir, what],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main(argv):
    if len(argv) < 3:
        print('usage: sanitize_ci_targets.py BUILDDIR TEST_NAME...',
              file=sys.stderr)
        return 2
    builddir, names = argv[1], argv[2:]
    tests = {t['name']: t for t in introspect(builddir, '--tests')}
    missing = [n for n in names if n not in tests]
    if missing:
        print('sanitize-ci: not a registered test in %s: %s'
              % (builddir, ' '.join(missing)), file=sys.stderr)
        return 1

    build_root = os.path.realpath(builddir)
    files_by_id = {}
    path_to_file = {}
    for target in introspect(builddir, '--targets'):
        rel = [os.path.relpath(os.path.realpath(f), build_root)
               for f in target['filename']]
        files_by_id[target['id']] = rel
        for f in target['filename']:
            path_to_file[os.path.realpath(f)] = rel[0]

    wanted = []
    for name in names:
        test = tests[name]
        needed = []
        for dep in test['depends']:
            if dep not in files_by_id:
                print('sanitize-ci: %s depends on unknown target %s'
                      % (name, dep), file=sys.stderr)
                return 1
            needed += files_by_id[dep]
        # The program the test runs, in case it is not among `depends`.
        exe = os.path.realpath(test['cmd'][0])
        if exe in path_to_file:
            needed.append(path_to_file[exe])
        for f in needed:
            if f not in wanted:
                wanted.append(f)
    print('\n'.join(wanted))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
