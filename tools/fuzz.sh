#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang + ASan + UBSan and
# runs each one after the other for SECONDS (default 60), starting from seed
# corpora generated from the test vectors (tests/vectors) and the client fixtures plus the
# committed corpora of tests/fuzz/corpus (tools/fuzz-pack.sh updates those).
#
#   tools/fuzz.sh 180                    # every target, 180 s each
#   tools/fuzz.sh 60 request_fuzzer      # only the named targets
#
# Prints, per target, the executions reached and whether a crash was found;
# exits non-zero when any target crashed. Crash inputs are kept in
# $BUILDDIR/artifacts/<target>/ (reproduce: $BUILDDIR/tests/fuzz/<target>
# <file>). See docs/FUZZING.md.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
builddir=${BUILDDIR:-build-fuzz}
source tools/fuzz-lib.sh
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${fuzz_all_targets[@]}")

# Packages needed only here (tools/fuzz-deps.txt), installed when missing.
missing=()
while read -r pkg; do
  [ -z "$pkg" ] || [[ $pkg == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
    missing+=("$pkg")
done < tools/fuzz-deps.txt
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$builddir/build.ninja" ]; then
  # fuzzer-no-link: coverage instrumentation for every library the targets
  # link (the protocol core, server, client), not only the target files.
  CC=clang CXX=clang++ meson setup "$builddir" \
    -Db_sanitize=address,undefined -Db_lundef=false -Dfuzz=true \
    -Dcpp_args=-fsanitize=fuzzer-no-link \
    >"/tmp/roughtime-fuzz-setup.log" 2>&1 ||
    { cat /tmp/roughtime-fuzz-setup.log; exit 1; }
fi
ninja_targets=()
for t in "${targets[@]}"; do ninja_targets+=("tests/fuzz/$t"); done
ninja -C "$builddir" "${ninja_targets[@]}" >/dev/null ||
  ninja -C "$builddir" "${ninja_targets[@]}"

python3 tests/fuzz/make_corpus.py "${ROUGHTIME_VECTORS:-tests/vectors}" \
  tests/client/testdata "$builddir/corpus" >/dev/null
# Start from what earlier runs found too (the committed packed corpora).
for t in "${targets[@]}"; do
  [ ! -f "tests/fuzz/corpus/$t.hex" ] ||
    python3 tools/fuzz_corpus.py unpack "tests/fuzz/corpus/$t.hex" \
      "$builddir/corpus/$t" >/dev/null
done

export ASAN_OPTIONS="halt_on_error=1:print_stacktrace=1:detect_leaks=${DETECT_LEAKS:-1}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

crashed=0
printf '%-26s %12s %10s %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  log="$builddir/fuzz-$t.log"
  artifacts="$builddir/artifacts/$t/"
  mkdir -p "$artifacts"
  rc=0
  "$builddir/tests/fuzz/$t" -max_total_time="$seconds" -max_len="$(fuzz_max_len "$t")" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "$builddir/corpus/$t" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    result="no crash (corpus $(ls "$builddir/corpus/$t" | wc -l) files)"
  else
    result="CRASH (exit $rc): see $log and $artifacts"
    crashed=1
  fi
  printf '%-26s %12s %10s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$result"
done
exit $crashed
