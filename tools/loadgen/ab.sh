#!/usr/bin/env bash
# Paired comparison of two targets under the same load (docs/PERFORMANCE.md,
# "Adaptive batching", "Latency at half of the peak", "Workers"). On this
# kind of machine the speed drifts by tens of percent within minutes, so two
# configurations measured one after the other are not comparable; here both
# targets run side by side for the whole measurement and the generator
# alternates between them (A, B, A, B, ...), so drift hits both alike.
#
#   tools/loadgen/ab.sh --rates "90000 135000" --b-flags=--no-adaptive-batching
#   tools/loadgen/ab.sh --rates "55000 110000" --b echo
#   tools/loadgen/ab.sh --concurrency 256 --sockets 16 --duration 5 \
#       --repeats 5 --a-flags=--workers=1 --b-flags=--workers=2
#
# A target is `roughtimed` (roughtimed --dev on 127.0.0.1, with its --X-flags)
# or `echo` (the generator's echo target: the raw UDP cost). Prints one
# Markdown row per load point and target (medians over --repeats, p99 with
# its range) and, for each roughtimed, its batch counters at exit. Loopback
# only; every run is bounded by --duration and the generator's timeout.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/loadgen/ab.sh [options]
  --build DIR          meson build directory (default: build)
  --version V          google, draft-08 .. draft-11, 0x8000000c, 1 (default: 1)
  --rates "R ..."      open-loop rates to offer (requests/s)
  --concurrency N      closed loop with N outstanding instead of --rates
  --duration S         seconds per generator run (default: 3)
  --repeats N          runs per target and load point (default: 3)
  --sockets N          generator source sockets (default: the generator's)
  --a T, --b T         roughtimed or echo (default: roughtimed for both)
  --a-flags=F          one more roughtimed flag for A (repeatable)
  --b-flags=F          one more roughtimed flag for B (repeatable)
  --a-binary PATH      roughtimed binary for A (default: the build's), e.g.
                       another branch's build, for an A/B of two versions
  --b-binary PATH      roughtimed binary for B (default: the build's)
  --server-cpus LIST   taskset -c LIST for both targets (default: 0)
  --bench-cpus LIST    taskset -c LIST for the generator (default: 1)
USAGE
}

. "$(dirname "$0")/lib.sh"

build=build version=1 rates="" concurrency="" duration=3 repeats=3 sockets=""
target_a=roughtimed target_b=roughtimed server_cpus=0 bench_cpus=1
flags_a=() flags_b=() binary_a="" binary_b=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=${2:?}; shift 2 ;;
    --version) version=${2:?}; shift 2 ;;
    --rates) rates=${2:?}; shift 2 ;;
    --concurrency) concurrency=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --repeats) repeats=${2:?}; shift 2 ;;
    --sockets) sockets=${2:?}; shift 2 ;;
    --a) target_a=${2:?}; shift 2 ;;
    --b) target_b=${2:?}; shift 2 ;;
    --a-flags=*) flags_a+=("${1#--a-flags=}"); shift ;;
    --b-flags=*) flags_b+=("${1#--b-flags=}"); shift ;;
    --a-binary) binary_a=$(realpath "${2:?}"); shift 2 ;;
    --b-binary) binary_b=$(realpath "${2:?}"); shift 2 ;;
    --server-cpus) server_cpus=${2:?}; shift 2 ;;
    --bench-cpus) bench_cpus=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || die "--repeats must be a positive integer"
if [ -n "$rates" ] && [ -n "$concurrency" ]; then
  die "give either --rates or --concurrency"
fi
[ -n "$rates" ] || [ -n "$concurrency" ] || die "give --rates or --concurrency"
for t in "$target_a" "$target_b"; do
  case "$t" in roughtimed|echo) ;; *) die "a target is roughtimed or echo, not $t" ;; esac
done
family_of "$version" >/dev/null

find_binaries "$build"

tmp=$(mktemp -d /tmp/roughtime-ab.XXXXXX)
pid_a="" pid_b=""
cleanup() { stop_pid "$pid_a"; stop_pid "$pid_b"; rm -rf "$tmp"; }
trap cleanup EXIT

# start SIDE TARGET FLAGS...: sets addr_SIDE, key_SIDE, pid_SIDE.
start() {
  local side=$1 target=$2; shift 2
  if [ "$target" = echo ]; then
    start_echo "$server_cpus"
    mv "$tmp/echo.out" "$tmp/$side.out"
    printf -v "pid_$side" %s "$echo_pid"
    printf -v "addr_$side" %s "$echo_addr"
    printf -v "key_$side" %s ""
  else
    local binary_var=binary_$side build_roughtimed=$roughtimed
    roughtimed=${!binary_var:-$roughtimed}
    start_roughtimed "$side" "$server_cpus" --workers 1 --stats-interval 0 "$@"
    roughtimed=$build_roughtimed
    printf -v "pid_$side" %s "$server_pid"
    printf -v "addr_$side" %s "$server_addr"
    printf -v "key_$side" %s "$server_key"
  fi
}
start a "$target_a" "${flags_a[@]}"
start b "$target_b" "${flags_b[@]}"

points=${rates:-"c$concurrency"}
for point in $points; do
  load=(--rate "$point")
  [ -n "$concurrency" ] && load=(--concurrency "$concurrency")
  for i in $(seq "$repeats"); do
    for side in a b; do
      pid_var=pid_$side addr_var=addr_$side key_var=key_$side
      verify=()
      if [ -n "${!key_var}" ]; then
        verify=(--key "${!key_var}" --verify-fraction 0.01)
      fi
      extra=()
      [ -n "$sockets" ] && extra=(--sockets "$sockets")
      $(pin "$bench_cpus") "$bench" --server "${!addr_var}" \
        --version "$version" --duration "$duration" "${load[@]}" \
        --server-pid "${!pid_var}" "${verify[@]}" "${extra[@]}" --json \
        >"$tmp/$side-$point-$i.json"
    done
  done
  echo "ab.sh: load $point done" >&2
done

describe() {  # describe SIDE TARGET FLAGS...: the row label
  local side=$1 target=$2; shift 2
  echo "$side: $target${*:+ $*}"
}
label_a=$(describe A "$target_a" "${flags_a[@]}")
label_b=$(describe B "$target_b" "${flags_b[@]}")

python3 - "$tmp" "$repeats" "$label_a" "$label_b" $points <<'PY'
import json, statistics, sys
tmp, repeats, labels, points = sys.argv[1], int(sys.argv[2]), sys.argv[3:5], sys.argv[5:]
print("| load | target | answered/s | p50 us | p99 us median (min-max) | p99.9 us | lost/sent | server CPU us/answer |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
failed = 0
for point in points:
    load = f"{point[1:]} outstanding" if point.startswith("c") else f"{point}/s"
    for side, label in zip("ab", labels):
        runs = [json.load(open(f"{tmp}/{side}-{point}-{i}.json")) for i in range(1, repeats + 1)]
        med = lambda g: statistics.median(g(r) for r in runs)
        p99 = [r["latency_us"]["p99"] for r in runs]
        failed += sum(r.get("verify_failed", 0) for r in runs)
        print(f"| {load} | {label} | {med(lambda r: r['answered_per_second']):.0f} "
              f"| {med(lambda r: r['latency_us']['p50']):.0f} "
              f"| {statistics.median(p99):.0f} ({min(p99):.0f}-{max(p99):.0f}) "
              f"| {med(lambda r: r['latency_us']['p999']):.0f} "
              f"| {sum(r['lost'] for r in runs)}/{sum(r['sent'] for r in runs)} "
              f"| {med(lambda r: r['server']['cpu_us_per_answered']):.2f} |")
if failed:
    print(f"verification FAILED for {failed} sampled answers", file=sys.stderr)
    sys.exit(1)
PY

# Batch counters of each roughtimed at exit (SIGTERM prints the stats line).
for side in a b; do
  pid_var=pid_$side
  [ -f "$tmp/$side.err" ] || continue
  stop_pid "${!pid_var}"
  line=$(grep "stats at=exit" "$tmp/$side.err" | tail -1 || true)
  echo "$side: $(tr ' ' '\n' <<<"$line" |
    grep -E '^(requests|batches|flush_[a-z]+|busy_entries)=' | tr '\n' ' ')"
done
