#!/usr/bin/env bash
# Packs each fuzz target's corpus into the committed
# tests/fuzz/corpus/<target>.hex, which the normal build replays as the
# fuzz_replay_<target> tests (docs/FUZZING.md, "Corpus replay").
#
#   tools/fuzz.sh 180 && tools/fuzz-pack.sh          # every target
#   BUILDDIR=build-config-fuzz tools/fuzz-pack.sh config_fuzzer
#
# Sources: what is committed now plus $BUILDDIR/corpus/<target>/ (the seeds
# and what tools/fuzz.sh found). libFuzzer's -merge=1 keeps the smallest set
# of inputs that covers every feature any of them reaches, so re-packing
# never loses coverage and the files stay small. Needs the targets built by
# tools/fuzz.sh in $BUILDDIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/fuzz-lib.sh

builddir=${BUILDDIR:-build-fuzz}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${fuzz_all_targets[@]}")
export ASAN_OPTIONS="detect_leaks=0"

for t in "${targets[@]}"; do
  bin="$builddir/tests/fuzz/$t"
  if [ ! -x "$bin" ]; then
    echo "fuzz-pack: $bin not built (run: BUILDDIR=$builddir tools/fuzz.sh 1 $t)" >&2
    exit 1
  fi
  packed="tests/fuzz/corpus/$t.hex"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir "$work/merged" "$work/committed"
  sources=("$work/committed")
  [ -f "$packed" ] && python3 tools/fuzz_corpus.py unpack "$packed" "$work/committed" >/dev/null
  [ -d "$builddir/corpus/$t" ] && sources+=("$builddir/corpus/$t")
  before=$(find "${sources[@]}" -type f | wc -l)
  "$bin" -merge=1 -max_len="$(fuzz_max_len "$t")" -timeout=10 \
    "$work/merged" "${sources[@]}" >"$builddir/fuzz-pack-$t.log" 2>&1 || {
      echo "fuzz-pack: $t: merge failed, see $builddir/fuzz-pack-$t.log" >&2
      exit 1
    }
  after=$(python3 tools/fuzz_corpus.py pack "$work/merged" "$packed" "$t")
  printf '%-26s %6d inputs -> %5d in %s (%d bytes)\n' "$t" "$before" "$after" \
    "$packed" "$(stat -c %s "$packed")"
  rm -rf "$work"
done
