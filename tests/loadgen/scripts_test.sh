#!/usr/bin/env bash
# The measurement scripts of tools/loadgen that docs/PERFORMANCE.md names
# (ab.sh, sweep.sh, compare.sh, junk_flood.sh) run end to end against the
# real roughtimed and the echo target, with tiny loads, so that the
# documented commands keep working.
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
grep -Eq '^\| 2000/s \| A: roughtimed \| (19|20)[0-9]{2} \|.*\| 0/(19|20)[0-9]{2} \|' <<<"$ab" ||
  fail "ab.sh: no roughtimed row with ~2000 answered and none lost:
$ab"
grep -Eq '^\| 2000/s \| B: echo \| (19|20)[0-9]{2} \|.*\| 0/(19|20)[0-9]{2} \|' <<<"$ab" ||
  fail "ab.sh: no echo row with ~2000 answered and none lost:
$ab"
grep -Eq '^a: requests=(19|20)[0-9]{2} batches=[1-9]' <<<"$ab" ||
  fail "ab.sh: no batch counters for roughtimed:
$ab"

# sweep.sh with a given peak: one point at half of it.
sweep=$(tools/loadgen/sweep.sh --build "$build" --out "$out/sweep" \
          --peak 4000 --points 0.5 --repeats 1 --duration 1 \
          --server-cpus 0 --bench-cpus 0 2>"$out/sweep.err") ||
  fail "sweep.sh exited $?: $(tail -3 "$out/sweep.err")"
grep -Eq '^\| (19|20)[0-9]{2} \| 0\.50 \| (19|20)[0-9]{2} \|.*\| 0/(19|20)[0-9]{2} \|' <<<"$sweep" ||
  fail "sweep.sh: no row for ~2000/s with none lost:
$sweep"
[ "$(wc -l <"$out/sweep/sweep.csv")" -eq 2 ] ||
  fail "sweep.sh: sweep.csv should have a header and one row"
# compare.sh, open loop, one short run per target. With the micro-benchmark
# built, the floor comes from it (BM_BatchPath/<family>/<batch>); without,
# from --floor-us.
floor_args=(--floor-batch 8)
floor_source='BM_BatchPath/2/8 median of 3'
if [ ! -x "$build/tools/bench/roughtime-core-bench" ]; then
  floor_args=(--floor-us 3)
  floor_source='--floor-us'
fi
compare=$(tools/loadgen/compare.sh --build "$build" --version draft-11 \
            --rate 2000 --duration 1 --repeats 1 "${floor_args[@]}" \
            2>"$out/compare.err") ||
  fail "compare.sh exited $?: $(tail -3 "$out/compare.err")"
for row in 'echo answered/s +(19|20)[0-9]{2} ' \
           'server answered/s +(19|20)[0-9]{2} ' \
           'ceiling answered/CPU-s +[1-9][0-9]* ' \
           'measured / ceiling +[0-9]+\.[0-9]{3} ' \
           "crypto floor us/request +[0-9]+\.[0-9]{2} +\($floor_source" \
           '^lost 0; server responses verified [1-9][0-9]*, failed 0$'; do
  grep -Eq -- "$row" <<<"$compare" || fail "compare.sh: no line /$row/:
$compare"
done

# junk_flood.sh: 2000 junk datagrams/s for 1 s against each server while
# 500 valid requests/s are answered (a loaded machine may send a few less
# than asked, here and above, but nothing may be lost); without the kernel
# filter the server counts every junk datagram sent as drop_too_short, with
# it none.
junk=$(tools/loadgen/junk_flood.sh --build "$build" --duration 1 \
         --junk-rate 2000 --valid-rate 500 2>"$out/junk.err") ||
  fail "junk_flood.sh exited $?: $(tail -3 "$out/junk.err")"
grep -Eq '^ +filter: junk sent +[1-9][0-9]* .* valid answered (4[5-9][0-9]|500)/\1 .* drop_too_short=0 ' \
  <<<"$junk" || fail "junk_flood.sh: no filter line with every valid request answered and no drop:
$junk"
nofilter=$(grep -E '^ *no-filter: ' <<<"$junk") ||
  fail "junk_flood.sh: no no-filter line:
$junk"
sent=$(sed -E 's/.*junk sent +([0-9]+) .*/\1/' <<<"$nofilter")
grep -Eq "valid answered (4[5-9][0-9]|500)/\\1 .* drop_too_short=$sent " \
  <<<"$nofilter" ||
  fail "junk_flood.sh: without the filter drop_too_short should equal the
$sent junk datagrams sent, and every valid request be answered: $nofilter"
echo "scripts_test: ab.sh, sweep.sh, compare.sh and junk_flood.sh OK"
