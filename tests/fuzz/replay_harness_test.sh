#!/usr/bin/env bash
# The corpus replay harness (replay_main.cc) must fail loudly rather than
# pass on nothing: an empty or unreadable corpus, or a line that is not
# hex, fail the run; a directory of raw inputs and a packed file replay
# every input. Run by meson with one replay binary as $1.
set -euo pipefail
replay=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

expect_fail() {  # expect_fail MESSAGE ARGS...
  local message=$1 out rc=0
  shift
  out=$("$replay" "$@" 2>&1) || rc=$?
  if [ $rc -eq 0 ] || ! grep -q -- "$message" <<<"$out"; then
    echo "FAIL: $replay $* exited $rc, wanted non-zero and '$message':"
    echo "$out"
    exit 1
  fi
}

printf '# only a comment\n' >"$dir/empty.hex"
expect_fail "no input replayed" "$dir/empty.hex"
printf '00ff\nzz\n' >"$dir/bad.hex"
expect_fail "bad.hex:2: not hex" "$dir/bad.hex"
printf 'abc\n' >"$dir/odd.hex"
expect_fail "odd.hex:1: not hex" "$dir/odd.hex"
expect_fail "cannot replay" "$dir/missing.hex"

printf '# two inputs\n0001\n\nffee\n' >"$dir/two.hex"
out=$("$replay" "$dir/two.hex")
grep -q "replayed 2 inputs" <<<"$out" || { echo "FAIL: $out"; exit 1; }
mkdir "$dir/raw"
printf 'x' >"$dir/raw/a"
printf 'yz' >"$dir/raw/b"
out=$("$replay" "$dir/raw" "$dir/two.hex")
grep -q "replayed 2 inputs from $dir/raw" <<<"$out" || { echo "FAIL: $out"; exit 1; }
echo "replay harness: all cases pass"
