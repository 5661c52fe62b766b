#!/usr/bin/env bash
# Measures roughtimed against its performance ceiling in one run
# (docs/PERFORMANCE.md, "compare.sh"):
#   1. starts the echo target (raw UDP cost) and roughtimed --dev, both on
#      127.0.0.1 with a free port, roughtimed in a temporary directory;
#   2. runs roughtime-bench against each, alternating, --repeats times;
#   3. takes the crypto floor per request from the core micro-benchmark
#      (BM_BatchPath/<family>/<batch>: parse + hash + tree + sign + write for
#      a whole batch, items_per_second = requests per CPU-second), unless
#      --floor-us gives it;
#   4. prints medians and spread (min, max) of answered/s, server CPU per
#      request, and measured answered per server CPU-second against the
#      ceiling 1 / (echo CPU per packet + crypto floor per request).
# Loopback only; every run is bounded by --duration and the generator's
# timeout; both servers are stopped on exit.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/loadgen/compare.sh [options]
  --build DIR          meson build directory (default: build)
  --duration S         seconds per generator run (default: 5)
  --repeats N          runs against each target (default: 3)
  --version V          google, draft-08 .. draft-11, 0x8000000c, 1 (default: 1)
  --concurrency N      closed loop with N outstanding (default: 64)
  --rate R             open loop at R requests/s instead
  --workers N          roughtimed --workers (default: 1)
  --floor-us X         crypto floor in microseconds per request (skips the
                       micro-benchmark)
  --floor-batch N      batch size of BM_BatchPath used for the floor (default: 64,
                       roughtimed's default --max-batch)
  --server-cpus LIST   taskset -c LIST for roughtimed (default: no pinning)
  --echo-cpus LIST     taskset -c LIST for the echo target
  --bench-cpus LIST    taskset -c LIST for the generator
  --keep DIR           keep every generator JSON report in DIR
  --server-flag F      one more roughtimed flag, e.g. --server-flag=--max-batch=256
                       (repeatable)
USAGE
}

. "$(dirname "$0")/lib.sh"

build=build duration=5 repeats=3 version=1 concurrency=64 rate="" workers=1
floor_us="" floor_batch=64 server_cpus="" echo_cpus="" bench_cpus="" keep=""
server_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --repeats) repeats=${2:?}; shift 2 ;;
    --version) version=${2:?}; shift 2 ;;
    --concurrency) concurrency=${2:?}; shift 2 ;;
    --rate) rate=${2:?}; shift 2 ;;
    --workers) workers=${2:?}; shift 2 ;;
    --floor-us) floor_us=${2:?}; shift 2 ;;
    --floor-batch) floor_batch=${2:?}; shift 2 ;;
    --server-cpus) server_cpus=${2:?}; shift 2 ;;
    --echo-cpus) echo_cpus=${2:?}; shift 2 ;;
    --bench-cpus) bench_cpus=${2:?}; shift 2 ;;
    --keep) keep=${2:?}; shift 2 ;;
    --server-flag=*) server_flags+=("${1#--server-flag=}"); shift ;;
    --server-flag) server_flags+=("${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || die "--repeats must be a positive integer"

find_binaries "$build"
core_bench=$(realpath -m "$build/tools/bench/roughtime-core-bench")
if [ -z "$floor_us" ] && [ ! -x "$core_bench" ]; then
  die "$core_bench not built (ninja -C $build tools/bench/roughtime-core-bench), or give --floor-us"
fi

family=$(family_of "$version")

tmp=$(mktemp -d /tmp/roughtime-compare.XXXXXX)
echo_pid="" server_pid=""
cleanup() { stop_pid "$echo_pid"; stop_pid "$server_pid"; rm -rf "$tmp"; }
trap cleanup EXIT

start_echo "$echo_cpus"
start_roughtimed server "$server_cpus" --workers "$workers" "${server_flags[@]}"
key=$server_key

# The crypto floor, from the lead's micro-benchmark.
floor_source="--floor-us"
if [ -z "$floor_us" ]; then
  filter="^BM_BatchPath/${family}/${floor_batch}\$"
  $(pin "$server_cpus") "$core_bench" --benchmark_filter="$filter" \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_format=json >"$tmp/floor.json" 2>"$tmp/floor.err" \
    || die "roughtime-core-bench failed: $(tail -1 "$tmp/floor.err")"
  floor_us=$(python3 - "$tmp/floor.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
med = [b for b in runs if b.get("aggregate_name") == "median"] or runs
print(1e6 / med[0]["items_per_second"])
PY
) || die "no items_per_second in the micro-benchmark output"
  floor_source="BM_BatchPath/${family}/${floor_batch} median of 3, items_per_second"
fi

load=(--concurrency "$concurrency")
[ -n "$rate" ] && load=(--rate "$rate")
common=(--version "$version" --duration "$duration" "${load[@]}" --json)

run_echo() {
  $(pin "$bench_cpus") "$bench" --server "$echo_addr" "${common[@]}" \
    --server-pid "$echo_pid" >"$tmp/echo-$1.json"
}
run_server() {
  $(pin "$bench_cpus") "$bench" --server "$server_addr" "${common[@]}" \
    --server-pid "$server_pid" --verify-fraction 0.01 --key "$key" \
    >"$tmp/server-$1.json"
}

echo "compare.sh: version $version, ${load[*]}, ${duration}s x $repeats, roughtimed --workers $workers (pid $server_pid), echo (pid $echo_pid)" >&2
for i in $(seq "$repeats"); do
  # Alternate the order so slow drift of the machine hits both alike.
  if [ $((i % 2)) -eq 1 ]; then run_echo "$i"; run_server "$i"
  else run_server "$i"; run_echo "$i"; fi
  echo "compare.sh: repetition $i of $repeats done" >&2
done
if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$tmp"/*.json "$keep"/; fi

python3 - "$tmp" "$repeats" "$floor_us" "$floor_source" <<'PY'
import json, statistics, sys
tmp, repeats, floor_us, floor_source = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
def load(kind):
    return [json.load(open(f"{tmp}/{kind}-{i}.json")) for i in range(1, repeats + 1)]
echo, server = load("echo"), load("server")
def per(runs, f):
    return [f(r) for r in runs]
def cpu_us(r):
    s = r["server"]
    return s["cpu_seconds"] * 1e6 / r["answered"] if r["answered"] else float("nan")
rows = []
echo_us = per(echo, cpu_us)
server_us = per(server, cpu_us)
ceiling = [1e6 / (e + floor_us) for e in echo_us]
measured = per(server, lambda r: r["answered"] / r["server"]["cpu_seconds"]
               if r["server"]["cpu_seconds"] > 0 else float("nan"))
rows = [
    ("echo answered/s", per(echo, lambda r: r["answered_per_second"]), "%.0f"),
    ("echo CPU us/packet", echo_us, "%.2f"),
    ("server answered/s", per(server, lambda r: r["answered_per_second"]), "%.0f"),
    ("server CPU us/request", server_us, "%.2f"),
    ("server p50 latency us", per(server, lambda r: r["latency_us"]["p50"]), "%.0f"),
    ("server p99 latency us", per(server, lambda r: r["latency_us"]["p99"]), "%.0f"),
    ("generator CPU us/request", per(server, lambda r: r["generator"]["cpu_us_per_request"]), "%.2f"),
    ("ceiling answered/CPU-s", ceiling, "%.0f"),
    ("measured answered/CPU-s", measured, "%.0f"),
    ("measured / ceiling", [m / c for m, c in zip(measured, ceiling)], "%.3f"),
]
print(f"{'':28}{'median':>12}{'min':>12}{'max':>12}")
for name, values, fmt in rows:
    print(f"{name:28}" + "".join(f"{fmt % v:>12}" for v in
          (statistics.median(values), min(values), max(values))))
print(f"crypto floor us/request     {floor_us:12.2f}   ({floor_source})")
lost = sum(r["lost"] for r in echo + server)
failed = sum(r["verify_failed"] for r in server)
verified = sum(r["verified"] for r in server)
print(f"lost {lost}; server responses verified {verified}, failed {failed}")
sys.exit(1 if failed else 0)
PY
