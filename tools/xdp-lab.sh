#!/usr/bin/env bash
# The XDP lab (issue #23; docs/PERFORMANCE.md "XDP and AF_XDP"): what the
# XDP request sieve and the AF_XDP packet loop save in server-side CPU,
# against the socket path, measured in one run on one machine.
#
# It makes two network namespaces of its own joined by a veth pair, with
# documentation addresses (192.0.2.0/24, 2001:db8::/32) that exist only in
# them: nothing leaves the machine. roughtimed runs in one, pinned to the
# server CPU; roughtime-bench in the other, pinned to the generator CPU.
# Threaded NAPI is switched on for both veth ends and each NAPI thread is
# pinned beside its side (with GRO and UDP GRO forwarding on, veth delivers
# through NAPI, so the receive work of each side runs on that side's CPU;
# without them it would run on the sender's CPU and the comparison would
# mean nothing). The generator's veth computes its checksums itself (tx
# off), as a NIC's frames arrive complete: AF_XDP sees the bytes on the
# wire and checks them, where a socket would trust veth's "partial" mark.
#
# Server-side CPU = the roughtimed process (all threads) + the server veth's
# NAPI thread, from /proc over each run. Each repetition runs every
# configuration once, alternating the order; the table gives medians.
#   serving: requests answered per server CPU-second, --io mmsg (socket
#            path) vs --io xdp, per protocol version, closed loop, a
#            fraction of the answers verified (a failure stops the lab);
#   flood:   junk dropped per server CPU-second, classic socket filter vs
#            the XDP sieve (--xdp), undersized and wrong-protocol junk sent
#            as fast as the generator can (roughtime-xdp-flood), with valid
#            requests at a low rate whose answers are counted.
# Needs root (namespaces, XDP), iproute2, ethtool, and a built tree.
# Every run is bounded by --duration; everything is removed on exit.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/xdp-lab.sh [options]
  --build DIR          meson build directory (default: build)
  --duration S         seconds per measured run (default: 5)
  --reps N             repetitions, alternating order (default: 3)
  --versions LIST      versions served in the serving table (default:
                       "1 0x8000000c google draft-08 draft-11")
  --concurrency N      requests outstanding, serving (default: 256)
  --server-cpu N       CPU for roughtimed and its NAPI thread (default: 0)
  --bench-cpu N        CPU for the generator and its NAPI thread (default: 1)
  --no-serving         skip the serving table
  --no-flood           skip the flood table
  --ipv6               serve over IPv6 (2001:db8::1) instead of IPv4
  --profile DIR        also record `perf record` of the server CPU for one
                       run of each serving configuration into DIR
USAGE
}

build=build duration=5 reps=3 concurrency=256 server_cpu=0 bench_cpu=1
versions="1 0x8000000c google draft-08 draft-11"
do_serving=1 do_flood=1 family=4 profile=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --reps) reps=${2:?}; shift 2 ;;
    --versions) versions=${2:?}; shift 2 ;;
    --concurrency) concurrency=${2:?}; shift 2 ;;
    --server-cpu) server_cpu=${2:?}; shift 2 ;;
    --bench-cpu) bench_cpu=${2:?}; shift 2 ;;
    --no-serving) do_serving=0; shift ;;
    --no-flood) do_flood=0; shift ;;
    --ipv6) family=6; shift ;;
    --profile) profile=$(realpath -m "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "xdp-lab: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "xdp-lab: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces and XDP)"
for tool in ip ethtool taskset python3; do
  command -v "$tool" >/dev/null || die "$tool not found (tools/install-deps.sh)"
done
bench=$(realpath -m "$build/tools/loadgen/roughtime-bench")
roughtimed=$(realpath -m "$build/src/server/roughtimed")
[ -x "$bench" ] || die "$bench not built (ninja -C $build)"
[ -x "$roughtimed" ] || die "$roughtimed not built (ninja -C $build)"
flood=$(realpath -m "$build/tools/loadgen/roughtime-xdp-flood")
[ -x "$flood" ] || die "$flood not built (needs the XDP build: clang, bpftool, libbpf, libxdp)"

# Names unique to this run: two labs (or tests) may run at once. Interface
# names stay short so the NAPI thread's name "napi/DEV-ID" keeps DEV whole.
id=$(printf '%04x' $(( ($$ ^ RANDOM) & 0xffff )))
ns_server=rtlab-s-$id ns_bench=rtlab-g-$id
dev_server=s$id dev_bench=g$id
port=2002
if [ "$family" = 6 ]; then
  target="[2001:db8::1]:$port" listen="[2001:db8::1]:$port"
else
  target="192.0.2.1:$port" listen="192.0.2.1:$port"
fi
tmp=$(mktemp -d /tmp/rtlab.XXXXXX)
server_pid=""

cleanup() {
  if [ -n "$server_pid" ]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  ip netns del "$ns_server" 2>/dev/null || true
  ip netns del "$ns_bench" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_server() { ip netns exec "$ns_server" "$@"; }
in_bench() { ip netns exec "$ns_bench" "$@"; }

setup_namespaces() {
  ip netns add "$ns_server"
  ip netns add "$ns_bench"
  ip link add "$dev_server" netns "$ns_server" type veth \
    peer name "$dev_bench" netns "$ns_bench"
  in_server ip addr add 192.0.2.1/24 dev "$dev_server"
  in_bench ip addr add 192.0.2.2/24 dev "$dev_bench"
  in_server ip addr add 2001:db8::1/64 dev "$dev_server" nodad
  in_bench ip addr add 2001:db8::2/64 dev "$dev_bench" nodad
  for ns in "$ns_server" "$ns_bench"; do ip -n "$ns" link set lo up; done
  in_server ip link set "$dev_server" up
  in_bench ip link set "$dev_bench" up
  # TSO off on the server's end: veth hands a frame to the peer's NAPI
  # only if the sender has no TSO or the frame came from a socket; AF_XDP's
  # copy-mode replies do not, and without this their receive work would run
  # on the server's CPU (softirq after sendto), charged to roughtimed.
  in_server ethtool -K "$dev_server" gro on rx-udp-gro-forwarding on tso off >/dev/null
  in_bench ethtool -K "$dev_bench" gro on rx-udp-gro-forwarding on tx off >/dev/null
  in_server sh -c "echo 1 > /sys/class/net/$dev_server/threaded"
  in_bench sh -c "echo 1 > /sys/class/net/$dev_bench/threaded"
  # Neighbours known up front, so no run starts with address resolution.
  in_bench ping -c1 -W2 192.0.2.1 >/dev/null 2>&1 || true
  in_bench ping -c1 -W2 2001:db8::1 >/dev/null 2>&1 || true
}

# The NAPI kernel thread of device $1 (napi/DEV-ID), pinned to CPU $2 and
# given a real-time priority: as softirq work it would preempt ordinary
# tasks, and on a shared machine other builds would otherwise delay it and
# let the veth ring overflow.
napi_pid() {
  local pid
  pid=$(ps -e -o pid=,comm= | awk -v p="napi/$1-" 'index($2, p) == 1 {print $1; exit}')
  [ -n "$pid" ] || die "no NAPI thread for $1 (threaded NAPI not supported?)"
  taskset -p -c "$2" "$pid" >/dev/null
  chrt -f -p 50 "$pid" >/dev/null 2>&1 || true
  echo "$pid"
}

# utime + stime of pid $1 in clock ticks (all threads of a process).
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }

# start_server NAME [roughtimed flags...]: roughtimed in the server namespace
# on the server CPU; sets server_pid and key.
start_server() {
  local name=$1; shift
  mkdir -p "$tmp/$name"
  ( cd "$tmp/$name" && exec ip netns exec "$ns_server" \
      taskset -c "$server_cpu" "$roughtimed" --dev --listen "$listen" \
      --workers 1 --notcp --stats-interval 0 "$@" ) \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "serving versions" "$tmp/$name.err" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "serving versions" "$tmp/$name.err" ||
    die "roughtimed $* did not start: $(tail -3 "$tmp/$name.err")"
  key=$(sed -nE 's/.*root public key \(base64\): ([^ ]+).*/\1/p' "$tmp/$name.err" | head -1)
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# measure RESULT CMD...: runs CMD (in the bench namespace, on the bench
# CPU) and writes "server_ticks napi_ticks" over its run to RESULT.cpu.
measure() {
  local result=$1; shift
  local napi s0 n0
  napi=$(napi_pid "$dev_server" "$server_cpu")
  napi_pid "$dev_bench" "$bench_cpu" >/dev/null
  s0=$(cpu_ticks "$server_pid") n0=$(cpu_ticks "$napi")
  "$@"
  echo "$(( $(cpu_ticks "$server_pid") - s0 )) $(( $(cpu_ticks "$napi") - n0 ))" \
    >"$result.cpu"
}

bench_cmd() { echo in_bench taskset -c "$bench_cpu" "$bench" --server "$target"; }

# With --profile, the first repetition of each configuration records the
# server CPU (roughtimed and the NAPI thread alike) with perf.
perf_pid=""
start_profile() {
  [ -n "$profile" ] && [ "$1" = 1 ] || return 0
  mkdir -p "$profile"
  perf record -q -g -B -C "$server_cpu" -o "$profile/$2.data" \
    -- sleep "$duration" >/dev/null 2>&1 &
  perf_pid=$!
}
stop_profile() {
  if [ -n "$perf_pid" ]; then wait "$perf_pid" || true; fi
  perf_pid=""
}

# serve_run REP CONFIG VERSION FLAGS...
serve_run() {
  local rep=$1 config=$2 version=$3; shift 3
  local r="$tmp/serve.$config.$version.$rep"
  start_server "s-$config-$version-$rep" "$@"
  start_profile "$rep" "serve-$config-$version"
  measure "$r" $(bench_cmd) --version "$version" --duration "$duration" \
    --concurrency "$concurrency" --verify-fraction 0.01 --key "$key" \
    --json >"$r.json"
  stop_profile
  stop_server
  cp "$tmp/s-$config-$version-$rep.err" "$r.err"
}

# flood_run REP CONFIG KIND FLAGS...: KIND short (100-byte datagrams
# starting "ROUGHTIM") or foreign (1024 bytes, not Roughtime), sent by
# roughtime-xdp-flood: the kernel repeats one frame through an XDP_TX
# program into the veth, as fast as the generator CPU allows, so the server
# side is saturated (datagrams from UDP sockets, a few hundred thousand a
# second, are not enough). The frames reach the server's veth as a NIC's
# reach its driver: no socket buffer until the receiving side makes one.
flood_run() {
  local rep=$1 config=$2 kind=$3; shift 3
  local r="$tmp/flood.$config.$kind.$rep"
  # UDP GRO forwarding off for the flood: with it, fraglist GRO mangled
  # these frames on veth (in a trial 44% arrived truncated, 0.7% with bad
  # checksums, and the IP layer dropped them before the socket filter ran,
  # which would flatter the filter). Plain GRO stays on: veth then delivers
  # through the server's NAPI thread.
  in_server ethtool -K "$dev_server" rx-udp-gro-forwarding off >/dev/null
  start_server "f-$config-$kind-$rep" "$@"
  # Valid requests at a low rate beside the flood: are they still answered?
  # (50/s: each such request is nearly a batch, and a signature, of its own,
  # and that serving cost is part of the server side measured here.)
  $(bench_cmd) --rate 50 --duration "$duration" --timeout 0.5 \
    --verify-fraction 0.2 --key "$key" --json >"$r.valid.json" &
  local valid=$!
  in_server cat /proc/net/snmp >"$r.snmp0"
  start_profile "$rep" "flood-$config-$kind"
  measure "$r" in_bench taskset -c "$bench_cpu" "$flood" \
    --interface "$dev_bench" --dst-mac "$server_mac" --server "$target" \
    --kind "$kind" --duration "$duration" >"$r.json"
  wait "$valid"
  stop_profile
  # Datagrams the kernel's UDP layer refused (the socket filter's drops).
  in_server cat /proc/net/snmp >"$r.snmp"
  stop_server
  in_server ethtool -K "$dev_server" rx-udp-gro-forwarding on >/dev/null
  cp "$tmp/f-$config-$kind-$rep.err" "$r.err"
}

setup_namespaces
server_mac=$(ip -n "$ns_server" -o link show "$dev_server" | sed -E 's/.*link\/ether ([^ ]+).*/\1/')
hz=$(getconf CLK_TCK)
echo "xdp-lab: namespaces $ns_server / $ns_bench, veth $dev_server / $dev_bench," \
  "server CPU $server_cpu, generator CPU $bench_cpu, ${duration}s runs, $reps reps," \
  "target $target"
echo "xdp-lab: kernel $(uname -r), $(nproc) CPUs; $(in_server ethtool -i "$dev_server" | head -1)"

for rep in $(seq "$reps"); do
  if [ "$do_serving" = 1 ]; then
    for version in $versions; do
      if [ $((rep % 2)) = 1 ]; then
        serve_run "$rep" mmsg "$version"
        serve_run "$rep" xdp "$version" --io xdp --xdp "$dev_server"
      else
        serve_run "$rep" xdp "$version" --io xdp --xdp "$dev_server"
        serve_run "$rep" mmsg "$version"
      fi
    done
  fi
  if [ "$do_flood" = 1 ]; then
    for kind in short foreign; do
      if [ $((rep % 2)) = 1 ]; then
        flood_run "$rep" filter "$kind"
        flood_run "$rep" sieve "$kind" --xdp "$dev_server"
      else
        flood_run "$rep" sieve "$kind" --xdp "$dev_server"
        flood_run "$rep" filter "$kind"
      fi
    done
  fi
  echo "xdp-lab: repetition $rep of $reps done" >&2
done

python3 - "$tmp" "$hz" "$reps" "$versions" "$do_serving" "$do_flood" <<'PY'
import glob, json, os, statistics, sys
tmp, hz, reps, versions, do_serving, do_flood = sys.argv[1:]
hz = float(hz); reps = int(reps); versions = versions.split()

def stats_line(path):
    fields = {}
    for line in open(path):
        if line.startswith("roughtimed: stats at=exit "):
            fields = dict(kv.split("=", 1) for kv in line.split()[2:] if "=" in kv)
    return {k: int(v) for k, v in fields.items() if v.isdigit()}

def cpu(prefix):
    server, napi = (int(x) / hz for x in open(prefix + ".cpu").read().split())
    return server, napi

def med(xs):
    return statistics.median(xs) if xs else float("nan")

failed = False
if do_serving == "1":
    print("\nServing: requests answered per server-side CPU-second "
          "(roughtimed + its veth NAPI thread), medians of %d" % reps)
    print("%-11s %14s %14s %7s   %s" % ("version", "mmsg", "xdp", "ratio",
                                        "per run: server CPU s (proc+napi), answered/s, requests per signature, verified"))
    for v in versions:
        row = {}
        for config in ("mmsg", "xdp"):
            per_cpu, detail = [], []
            for rep in range(1, reps + 1):
                p = os.path.join(tmp, "serve.%s.%s.%d" % (config, v, rep))
                j = json.load(open(p + ".json"))
                s, n = cpu(p)
                if j.get("verify_failed", 0) or j["answered"] == 0:
                    print("FAILED: %s %s rep %d: answered %d, verify_failed %d (%s)"
                          % (config, v, rep, j["answered"], j.get("verify_failed", 0),
                             j.get("first_verify_error", "")))
                    failed = True
                per_cpu.append(j["answered"] / max(s + n, 1 / hz))
                st = stats_line(p + ".err")
                per_signature = st.get("responses", 0) / max(st.get("signatures", 0), 1)
                detail.append("%.2f+%.2f %.0f/s %.1f/sig %d" % (
                    s, n, j["answered_per_second"], per_signature, j.get("verified", 0)))
            row[config] = (med(per_cpu), detail)
        ratio = row["xdp"][0] / row["mmsg"][0] if row["mmsg"][0] else float("nan")
        print("%-11s %14.0f %14.0f %6.2fx   mmsg [%s]  xdp [%s]" % (
            v, row["mmsg"][0], row["xdp"][0], ratio,
            "; ".join(row["mmsg"][1]), "; ".join(row["xdp"][1])))

if do_flood == "1":
    print("\nJunk flood: junk datagrams dropped per server-side CPU-second, "
          "medians of %d" % reps)
    print("%-8s %16s %16s %7s %8s   %s" % ("junk", "socket filter", "xdp sieve", "ratio",
                                            "napi-only", "per run: valid answered/sent during the flood (filter; sieve)"))
    for kind in ("short", "foreign"):
        row = {}
        for config in ("filter", "sieve"):
            per_cpu, per_napi, valid, offered = [], [], [], []
            for rep in range(1, reps + 1):
                p = os.path.join(tmp, "flood.%s.%s.%d" % (config, kind, rep))
                s, n = cpu(p)
                st = stats_line(p + ".err")
                if config == "sieve":
                    dropped = st.get("xdp_drop_too_short", 0) + st.get("xdp_drop_not_roughtime", 0)
                else:
                    # The classic filter's drops are UDP InErrors in the
                    # server's namespace (the kernel counts them there).
                    def udp(path):
                        lines = [l.split() for l in open(path) if l.startswith("Udp:")]
                        return dict(zip(lines[0][1:], map(int, lines[1][1:])))
                    dropped = udp(p + ".snmp")["InErrors"] - udp(p + ".snmp0")["InErrors"]
                per_cpu.append(dropped / max(s + n, 1 / hz))
                per_napi.append(dropped / max(n, 1 / hz))
                offered.append(json.load(open(p + ".json"))["sent"])
                v = json.load(open(p + ".valid.json"))
                valid.append("%d/%d (cpu %.2f+%.2f, dropped %d)" % (v["answered"], v["sent"], s, n, dropped))
                if v["answered"] == 0 or v.get("verify_failed", 0):
                    print("FAILED: no valid answer during the %s flood (%s)" % (kind, config))
                    failed = True
            row[config] = (med(per_cpu), valid, med(per_napi))
        ratio = row["sieve"][0] / row["filter"][0] if row["filter"][0] else float("nan")
        napi_ratio = row["sieve"][2] / row["filter"][2] if row["filter"][2] else float("nan")
        print("%-8s %16.0f %16.0f %6.2fx %7.2fx   %s; %s" % (
            kind, row["filter"][0], row["sieve"][0], ratio, napi_ratio,
            " ".join(row["filter"][1]), " ".join(row["sieve"][1])))
sys.exit(1 if failed else 0)
PY
