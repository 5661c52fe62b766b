# shellcheck shell=bash
# Sanitizer run-time options shared by tools/sanitize.sh (whole suite) and
# tools/sanitize-ci.sh (the CI selection). Sourced, not run.
#
# Any report fails the test that triggered it (halt_on_error), with a stack
# trace. LeakSanitizer needs ptrace-like access to stop the threads it
# scans; it works in our CI container and on this VM. Set DETECT_LEAKS=0
# where it cannot (it then reports "LeakSanitizer has encountered a fatal
# error").
detect_leaks=${DETECT_LEAKS:-1}
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:print_stacktrace=1:detect_leaks=${detect_leaks}:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="print_suppressions=0"
