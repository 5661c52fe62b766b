#!/usr/bin/env bash
# The whole test suite: installs missing packages, builds, and runs every
# test. This is the README's test command and exactly what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
builddir=${BUILDDIR:-build}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" >"/tmp/roughtime-meson-setup.log" 2>&1 ||
    { cat /tmp/roughtime-meson-setup.log; exit 1; }
fi
ninja -C "$builddir" >/dev/null || ninja -C "$builddir"
rc=0
meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@" || rc=$?
# Count individual GoogleTest cases from the JUnit files the tests wrote, so
# the closing line says how many checks ran, not only how many executables.
python3 tools/count-tests.py "$builddir" || true
# ROUGHTIME_SANITIZE=1 (or =all) also runs the whole suite under ASan + UBSan
# + LSan (tools/sanitize.sh, its own build-asan); a comma-separated list of
# suites (ROUGHTIME_SANITIZE=protocol,faults) runs only those.
# ROUGHTIME_SANITIZE=ci runs the CI-sized selection (tools/sanitize-ci.sh,
# build-asan-ci, about 6.5 min on 2 idle cores): the default when CI=true, off
# otherwise; ROUGHTIME_SANITIZE=0 turns it off. See docs/FUZZING.md.
sanitize=${ROUGHTIME_SANITIZE:-}
if [ -z "$sanitize" ]; then
  sanitize=0
  if [ "${CI:-}" = true ]; then sanitize=ci; fi
fi
if [ "$sanitize" = ci ]; then
  tools/sanitize-ci.sh || rc=$?
elif [ "$sanitize" != 0 ]; then
  suites=()
  if [ "$sanitize" != 1 ] && [ "$sanitize" != all ]; then
    IFS=, read -ra names <<<"$sanitize"
    for s in "${names[@]}"; do suites+=(--suite "$s"); done
  fi
  tools/sanitize.sh "${suites[@]}" || rc=$?
fi
exit $rc
