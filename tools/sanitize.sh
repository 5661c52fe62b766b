#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer,
# built with g++ (the compiler of the normal build, and of Debian's abseil
# and GoogleTest) in its own build directory. Any sanitizer report fails the
# test that triggered it (halt_on_error), with a stack trace.
#
#   tools/sanitize.sh                 # build-asan, all suites
#   BUILDDIR=/tmp/b tools/sanitize.sh --suite protocol
#
# Extra arguments go to `meson test`. See docs/FUZZING.md.
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

# LeakSanitizer needs ptrace-like access to stop the threads it scans; it
# works in our CI container and on this VM. Set DETECT_LEAKS=0 where it
# cannot (it then reports "LeakSanitizer has encountered a fatal error").
detect_leaks=${DETECT_LEAKS:-1}
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:print_stacktrace=1:detect_leaks=${detect_leaks}:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="print_suppressions=0"

# Sanitized binaries are 2-3x slower; give the timeouts room.
meson test -C "$builddir" --print-errorlogs --num-processes 2 \
  --timeout-multiplier 3 "$@"
