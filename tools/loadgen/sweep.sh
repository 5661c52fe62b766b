#!/usr/bin/env bash
# Throughput and latency of roughtimed against offered load
# (docs/PERFORMANCE.md, "Throughput and latency against offered load"):
#   1. starts roughtimed --dev on 127.0.0.1 (free port, temporary directory);
#   2. finds its peak: the median answered/s of --repeats closed-loop runs at
#      --peak-concurrency outstanding requests;
#   3. runs the generator open loop at each fraction of that peak
#      (--points), --repeats times each, and takes medians;
#   4. writes OUT/sweep.csv and, when gnuplot is installed, OUT/sweep.svg
#      (throughput and p99 latency against offered load), and prints a
#      Markdown table.
# Loopback only; every run is bounded by --duration and the generator's
# timeout; the server is stopped on exit.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/loadgen/sweep.sh [options]
  --build DIR            meson build directory (default: build)
  --out DIR              where sweep.csv / sweep.svg go (default: build/sweep)
  --version V            google, draft-08 .. draft-11, 0x8000000c, 1 (default: 1)
  --workers N            roughtimed --workers (default: 1)
  --duration S           seconds per generator run (default: 3)
  --repeats N            runs per point (default: 3)
  --peak-concurrency N   closed-loop concurrency that finds the peak (default: 256)
  --peak R               use R answered/s as the peak instead of measuring it
                         (the same offered rates for runs that are compared)
  --points "F F ..."     fractions of the peak to offer
                         (default: "0.05 0.25 0.5 0.75 0.9 1.0 1.2")
  --server-cpus LIST     taskset -c LIST for roughtimed
  --bench-cpus LIST      taskset -c LIST for the generator
  --server-flag F        one more roughtimed flag (repeatable)
USAGE
}

. "$(dirname "$0")/lib.sh"

build=build out="" version=1 workers=1 duration=3 repeats=3 peak_concurrency=256
peak=""
points="0.05 0.25 0.5 0.75 0.9 1.0 1.2" server_cpus="" bench_cpus=""
server_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --version) version=${2:?}; shift 2 ;;
    --workers) workers=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --repeats) repeats=${2:?}; shift 2 ;;
    --peak-concurrency) peak_concurrency=${2:?}; shift 2 ;;
    --peak) peak=${2:?}; shift 2 ;;
    --points) points=${2:?}; shift 2 ;;
    --server-cpus) server_cpus=${2:?}; shift 2 ;;
    --bench-cpus) bench_cpus=${2:?}; shift 2 ;;
    --server-flag=*) server_flags+=("${1#--server-flag=}"); shift ;;
    --server-flag) server_flags+=("${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || die "--repeats must be a positive integer"
family_of "$version" >/dev/null
out=${out:-$build/sweep}
mkdir -p "$out"

find_binaries "$build"

tmp=$(mktemp -d /tmp/roughtime-sweep.XXXXXX)
server_pid=""
cleanup() { stop_pid "$server_pid"; rm -rf "$tmp"; }
trap cleanup EXIT

start_roughtimed server "$server_cpus" --workers "$workers" \
  --stats-interval 0 "${server_flags[@]}"

# run NAME LOAD...: one generator run, its JSON report in $tmp/NAME.json.
run() {
  local name=$1; shift
  $(pin "$bench_cpus") "$bench" --server "$server_addr" --version "$version" \
    --duration "$duration" --server-pid "$server_pid" \
    --verify-fraction 0.01 --key "$server_key" --json "$@" >"$tmp/$name.json"
}

median_of() {  # median_of FIELD FILES...: median of a JSON number field
  python3 - "$@" <<'PY'
import json, statistics, sys
field, files = sys.argv[1], sys.argv[2:]
print(statistics.median(json.load(open(f))[field] for f in files))
PY
}

echo "sweep.sh: version $version, roughtimed --workers $workers (pid $server_pid), ${duration}s x $repeats per point" >&2
if [ -z "$peak" ]; then
  for i in $(seq "$repeats"); do run "peak-$i" --concurrency "$peak_concurrency"; done
  peak=$(median_of answered_per_second "$tmp"/peak-*.json)
  echo "sweep.sh: peak $peak answered/s (closed loop, concurrency $peak_concurrency)" >&2
else
  [[ "$peak" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--peak must be a number"
  echo "sweep.sh: peak given: $peak answered/s" >&2
fi
for f in $points; do
  rate=$(python3 -c "print(max(1, round($peak * $f)))")
  for i in $(seq "$repeats"); do run "point-$f-$i" --rate "$rate"; done
  echo "sweep.sh: offered $rate/s ($f of peak) done" >&2
done

python3 - "$tmp" "$out" "$repeats" "$peak" "$points" <<'PY'
import json, statistics, sys
tmp, out, repeats, peak, points = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5].split()
rows = []
for f in points:
    runs = [json.load(open(f"{tmp}/point-{f}-{i}.json")) for i in range(1, repeats + 1)]
    med = lambda g: statistics.median(g(r) for r in runs)
    rows.append(dict(
        fraction=float(f),
        offered=med(lambda r: r["offered_per_second"]),
        answered=med(lambda r: r["answered_per_second"]),
        p50=med(lambda r: r["latency_us"]["p50"]),
        p99=med(lambda r: r["latency_us"]["p99"]),
        p99_min=min(r["latency_us"]["p99"] for r in runs),
        p99_max=max(r["latency_us"]["p99"] for r in runs),
        p999=med(lambda r: r["latency_us"]["p999"]),
        lost=sum(r["lost"] for r in runs),
        sent=sum(r["sent"] for r in runs),
        failed=sum(r["verify_failed"] for r in runs),
        cpu_us=med(lambda r: r["server"]["cpu_us_per_answered"]),
    ))
with open(f"{out}/sweep.csv", "w") as csv:
    csv.write("fraction,offered_per_s,answered_per_s,p50_us,p99_us,p99_min_us,p99_max_us,p999_us,lost,sent,verify_failed,server_cpu_us_per_answer\n")
    for r in rows:
        csv.write("{fraction},{offered:.0f},{answered:.0f},{p50:.0f},{p99:.0f},{p99_min:.0f},{p99_max:.0f},{p999:.0f},{lost},{sent},{failed},{cpu_us:.2f}\n".format(**r))
print(f"peak (closed loop): {peak:.0f} answered/s")
print("| offered/s | of peak | answered/s | p50 us | p99 us (min-max) | p99.9 us | lost/sent | server CPU us/answer |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| {offered:.0f} | {fraction:.2f} | {answered:.0f} | {p50:.0f} | {p99:.0f} ({p99_min:.0f}-{p99_max:.0f}) | {p999:.0f} | {lost}/{sent} | {cpu_us:.2f} |".format(**r))
if any(r["failed"] for r in rows):
    print("verification FAILED for some sampled answers", file=sys.stderr)
    sys.exit(1)
PY

if command -v gnuplot >/dev/null; then
  gnuplot <<GP
set terminal svg size 800,480 dynamic font "sans,12"
set output "$out/sweep.svg"
set datafile separator ","
set title "roughtimed, version $version, $workers worker(s): throughput and p99 latency against offered load"
set xlabel "offered load (requests/s)"
set ylabel "answered (requests/s)"
set y2label "p99 latency (us, log scale)"
set logscale y2
set ytics nomirror
set y2tics
set key top left
plot "$out/sweep.csv" every ::1 using 2:3 with linespoints title "answered/s" axes x1y1, \
     "$out/sweep.csv" every ::1 using 2:5 with linespoints title "p99 latency" axes x1y2
GP
  echo "sweep.sh: wrote $out/sweep.csv and $out/sweep.svg" >&2
else
  echo "sweep.sh: wrote $out/sweep.csv (install gnuplot-nox for the plot)" >&2
fi
