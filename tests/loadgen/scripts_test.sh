#!/usr/bin/env bash
# The measurement scripts of tools/loadgen that docs/PERFORMANCE.md names
# (ab.sh, sweep.sh) run end to end against the real roughtimed and the echo
# target, with tiny loads, so that the documented commands keep working.
#
#   tests/loadgen/scripts_test.sh SOURCE_ROOT BUILD_ROOT
set -euo pipefail
src=$1 build=$2
out=$(mktemp -d /tmp/roughtime-scripts-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
cd "$src"
fail() { echo "scripts_test: FAIL: $*" >&2; exit 1; }

# ab.sh: roughtimed against the echo target, one run of 1 s each at a rate
# both sustain; every request answered, the sampled answers verified (ab.sh
# exits non-zero on a failed verification).
ab=$(tools/loadgen/ab.sh --build "$build" --rates 2000 --repeats 1 \
       --duration 1 --b echo --server-cpus 0 --bench-cpus 0 2>"$out/ab.err") ||
  fail "ab.sh exited $?: $(tail -3 "$out/ab.err")"
grep -Eq '^\| 2000/s \| A: roughtimed \| (19|20)[0-9]{2} \|.*\| 0/2000 \|' <<<"$ab" ||
  fail "ab.sh: no roughtimed row with 2000 answered and none lost:
$ab"
grep -Eq '^\| 2000/s \| B: echo \| (19|20)[0-9]{2} \|.*\| 0/2000 \|' <<<"$ab" ||
  fail "ab.sh: no echo row with 2000 answered and none lost:
$ab"
grep -Eq '^a: requests=2000 batches=[1-9]' <<<"$ab" ||
  fail "ab.sh: no batch counters for roughtimed:
$ab"

# sweep.sh with a given peak: one point at half of it.
sweep=$(tools/loadgen/sweep.sh --build "$build" --out "$out/sweep" \
          --peak 4000 --points 0.5 --repeats 1 --duration 1 \
          --server-cpus 0 --bench-cpus 0 2>"$out/sweep.err") ||
  fail "sweep.sh exited $?: $(tail -3 "$out/sweep.err")"
grep -Eq '^\| 2000 \| 0\.50 \| (19|20)[0-9]{2} \|.*\| 0/2000 \|' <<<"$sweep" ||
  fail "sweep.sh: no row for 2000/s with none lost:
$sweep"
[ "$(wc -l <"$out/sweep/sweep.csv")" -eq 2 ] ||
  fail "sweep.sh: sweep.csv should have a header and one row"
echo "scripts_test: ab.sh and sweep.sh OK"
