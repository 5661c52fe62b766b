#!/usr/bin/env bash
# What a flood of undersized junk costs roughtimed with and without the
# kernel filter, measured in one run (docs/PERFORMANCE.md, "Kernel filter
# under a junk flood"). For each of the two servers in turn:
#   - roughtime-bench --junk-size floods it open loop at --junk-rate (the
#     generator's full rate by default) with the first N bytes of RFC
#     requests ("ROUGHTIM" + a short message: the server's own checks count
#     them as drop_too_short), measuring the server's CPU over the window;
#   - at the same time a second generator sends valid requests open loop at
#     --valid-rate and reports how many were answered.
# Both servers run roughtimed --dev on 127.0.0.1 with a free port and
# --workers 1; one has the filter (the default), the other --no-kernel-filter.
# Loopback only; every run is bounded; both servers are stopped on exit.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/loadgen/junk_flood.sh [options]
  --build DIR          meson build directory (default: build)
  --duration S         seconds of flood per server (default: 5)
  --junk-size N        bytes per junk datagram (default: 100)
  --junk-rate R        junk datagrams/s asked for (default: 10000000, i.e.
                       as fast as the generator can send)
  --valid-rate R       valid requests/s during the flood (default: 2000)
  --server-cpus LIST   taskset -c LIST for roughtimed (default: no pinning)
  --bench-cpus LIST    taskset -c LIST for both generators
USAGE
}

. "$(dirname "$0")/lib.sh"

build=build duration=5 junk_size=100 junk_rate=10000000 valid_rate=2000
server_cpus="" bench_cpus=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --junk-size) junk_size=${2:?}; shift 2 ;;
    --junk-rate) junk_rate=${2:?}; shift 2 ;;
    --valid-rate) valid_rate=${2:?}; shift 2 ;;
    --server-cpus) server_cpus=${2:?}; shift 2 ;;
    --bench-cpus) bench_cpus=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

find_binaries "$build"

tmp=$(mktemp -d /tmp/roughtime-junk.XXXXXX)
server_pid=""
cleanup() { stop_pid "$server_pid"; rm -rf "$tmp"; }
trap cleanup EXIT

# run NAME [roughtimed flags...]: one server, one flood, one valid stream.
run() {
  local name=$1; shift
  start_roughtimed "$name" "$server_cpus" --workers 1 --stats-interval 0 "$@"
  local addr=$server_addr
  $(pin "$bench_cpus") "$bench" --server "$addr" --junk-size "$junk_size" \
    --rate "$junk_rate" --duration "$duration" --timeout 0.2 \
    --server-pid "$server_pid" --json >"$tmp/$name.junk.json" &
  local junk_pid=$!
  $(pin "$bench_cpus") "$bench" --server "$addr" --rate "$valid_rate" \
    --duration "$duration" --json >"$tmp/$name.valid.json"
  wait "$junk_pid"
  stop_pid "$server_pid"
  python3 - "$name" "$tmp/$name.junk.json" "$tmp/$name.valid.json" \
      "$tmp/$name.err" <<'PY'
import json, re, sys
name, junk, valid, err = sys.argv[1:]
j, v = json.load(open(junk)), json.load(open(valid))
stats = {}
for line in open(err):
    if line.startswith("roughtimed: stats at=exit "):
        stats = dict(kv.split("=", 1) for kv in line.split()[2:] if "=" in kv)
cpu = j["server"]["cpu_seconds"]
print(f"{name:>10}: junk sent {j['sent']:>9} ({j['sent']/j['send_seconds']:>9.0f}/s)"
      f"  server cpu {cpu:6.2f} s over {j['window_seconds']:.2f} s"
      f" ({100*cpu/j['window_seconds']:5.1f}% of a core)"
      f"  valid answered {v['answered']}/{v['sent']}"
      f"  server received={stats.get('received')}"
      f" drop_too_short={stats.get('drop_too_short')}"
      f" responses={stats.get('responses')}")
PY
}

echo "junk: $junk_size-byte datagrams at up to $junk_rate/s; valid: $valid_rate/s; ${duration}s each"
run filter
run no-filter --no-kernel-filter
