#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer,
# built with g++ (the compiler of the normal build, and of Debian's abseil
# and GoogleTest) in its own build directory. Any sanitizer report fails the
# test that triggered it (halt_on_error), with a stack trace.
#
#   tools/sanitize.sh                 # build-asan, all suites
#   BUILDDIR=/tmp/b tools/sanitize.sh --suite protocol
#
# Extra arguments go to `meson test`. See docs/FUZZING.md. CI runs a
# smaller selection instead: tools/sanitize-ci.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

builddir=${BUILDDIR:-build-asan}
if [ ! -f "$builddir/build.ninja" ]; then
  # b_lundef=false: with -fsanitize the runtime symbols come from the
  # sanitizer library at link time; meson recommends it for shared objects
  # and it is harmless for executables.
  CXX=${CXX:-g++} meson setup "$builddir" \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized \
    >"/tmp/roughtime-asan-setup.log" 2>&1 ||
    { cat /tmp/roughtime-asan-setup.log; exit 1; }
fi
ninja -C "$builddir" >/dev/null || ninja -C "$builddir"

# ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS (DETECT_LEAKS=0 turns
# LeakSanitizer off where ptrace restrictions stop it).
# shellcheck source=tools/sanitizer-env.sh
. tools/sanitizer-env.sh

# Sanitized binaries are 2-3x slower; give the timeouts room.
meson test -C "$builddir" --print-errorlogs --num-processes 2 \
  --timeout-multiplier 3 "$@"
