#!/usr/bin/env bash
# Soak test of roughtimed on loopback: sustained load from roughtime-bench
# for N minutes with a short online-key lifetime (so keys rotate during the
# run) and, when the server supports it, SIGHUP reloads under load. Samples
# the server's resident memory (VmRSS) every few seconds and, at the end,
# accounts for every request:
#
#   sent = answered + lost                                  (generator)
#   lost = kernel drops on the server's sockets (full receive buffer)
#        + server drops (counted by reason in its stats line: shed)
#        + send errors (counted by the server)
#        + replies sent but not matched in time (late, or dropped by the
#          kernel at the generator's sockets)
#        + unexplained
#
# and fails if "unexplained" is not 0 (each stage is checked against its own
# counter), if a sampled answer failed verification, if the server died, if
# fewer key switches happened than new keys were made, if a SIGHUP was not
# followed by a reload, or if RSS grew by more than the tolerance after
# warm-up. Only loopback addresses are used. See docs/PERFORMANCE.md, "Soak".
#
#   tools/soak.sh --build build --minutes 5
#   tools/soak.sh --build build --seconds 20 --lifetime 8s --rotate-before 3s
#   tools/soak.sh --build build --minutes 3 --keys delegation
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
seconds=300
concurrency=64
rate=""
workers=2
io=mmsg
version=1
lifetime=""
rotate_before=""
sample_every=5
rss_tolerance_kb=4096
sighup=auto
keep=""
keys=dev
keygen_bin=""
server_bin=""
bench_bin=""

usage() {
  cat <<EOF
usage: tools/soak.sh [--build DIR] [--minutes M | --seconds S]
         [--concurrency N | --rate R] [--workers W] [--io mmsg|plain]
         [--version V] [--lifetime DUR] [--rotate-before DUR]
         [--sample-every S] [--rss-tolerance-kb K] [--sighup auto|on|off]
         [--keep DIR] [--roughtimed PATH] [--bench PATH]
         [--keys dev|delegation] [--keygen PATH]

--keys dev (default): the server holds the root key (--dev) and rotates its
online key every (lifetime - rotate-before); SIGHUP reloads the unchanged
key file. --keys delegation: the server gets an offline-style delegation
(roughtime-keygen) and, before each SIGHUP, a new one is moved into place,
so every reload switches the online key under load (no rotation then).
EOF
}

die_usage() { echo "soak.sh: $1" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --minutes) seconds=$(( $2 * 60 )); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --io) io=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --lifetime) lifetime=$2; shift 2 ;;
    --rotate-before) rotate_before=$2; shift 2 ;;
    --sample-every) sample_every=$2; shift 2 ;;
    --rss-tolerance-kb) rss_tolerance_kb=$2; shift 2 ;;
    --sighup) sighup=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --keys) keys=$2; shift 2 ;;
    --keygen) keygen_bin=$2; shift 2 ;;
    --roughtimed) server_bin=$2; shift 2 ;;
    --bench) bench_bin=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1' (see --help)" ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 5 ] ||
  die_usage "--seconds must be an integer of at least 5"
case "$sighup" in auto|on|off) ;; *) die_usage "bad --sighup '$sighup'" ;; esac
case "$keys" in dev|delegation) ;; *) die_usage "bad --keys '$keys'" ;; esac

server_bin=${server_bin:-$build/src/server/roughtimed}
bench_bin=${bench_bin:-$build/tools/loadgen/roughtime-bench}
for b in "$server_bin" "$bench_bin"; do
  [ -x "$b" ] || { echo "soak.sh: $b not built (ninja -C $build)" >&2; exit 1; }
done
server_bin=$(realpath "$server_bin")
if [ "$keys" = delegation ]; then
  keygen_bin=${keygen_bin:-$build/tools/keygen/roughtime-keygen}
  [ -x "$keygen_bin" ] || { echo "soak.sh: $keygen_bin not built" >&2; exit 1; }
  keygen_bin=$(realpath "$keygen_bin")
fi
bench_bin=$(realpath "$bench_bin")

# Two or more rotations in the run: a new online key every
# (lifetime - rotate_before) seconds.
if [ -z "$lifetime" ]; then
  period=$(( seconds / 3 > 3 ? seconds / 3 : 3 ))
  lifetime="$(( period * 4 / 3 + 1 ))s"
  rotate_before="$(( period / 3 + 1 ))s"
fi
rotate_before=${rotate_before:-$(( ${lifetime%s} / 4 + 1 ))s}

work=$(mktemp -d /tmp/roughtime-soak.XXXXXX)
server_pid=""
bench_pid=""
cleanup() {
  for p in $bench_pid $server_pid; do kill -9 "$p" 2>/dev/null || true; done
  if [ -n "$keep" ]; then mkdir -p "$keep" && cp -r "$work"/. "$keep"/; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Starts roughtimed in $1 (a directory) with the remaining arguments; sets
# started_pid and started_port from its "listening on udp" line.
start_server() {
  local dir=$1; shift
  mkdir -p "$dir"
  # Made before the server starts: the subshell's redirection may come after
  # the first sed below, which (under set -e and pipefail) must not fail.
  : >"$dir/stderr"
  (cd "$dir" && exec "$server_bin" --listen 127.0.0.1:0 "$@" \
      2>"$dir/stderr" >"$dir/stdout") &
  started_pid=$!
  started_port=""
  for _ in $(seq 1 200); do
    started_port=$(sed -n 's/^roughtimed: listening on udp 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
      "$dir/stderr" | head -n1)
    [ -n "$started_port" ] && return 0
    kill -0 "$started_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "soak.sh: roughtimed did not start:" >&2
  cat "$dir/stderr" >&2
  exit 1
}

# SIGHUP's default action terminates a process: only send it to a server
# that handles it. "auto" asks a throwaway instance.
if [ "$sighup" = auto ]; then
  start_server "$work/probe" --dev --workers 1 --notcp
  kill -HUP "$started_pid"
  sleep 0.5
  if kill -0 "$started_pid" 2>/dev/null; then sighup=on; else sighup=off; fi
  kill -TERM "$started_pid" 2>/dev/null || true
  wait "$started_pid" 2>/dev/null || true
fi

if [ "$keys" = dev ]; then
  start_server "$work/server" --dev --workers "$workers" --io "$io" --notcp \
    --online-key-lifetime "$lifetime" --rotate-before "$rotate_before" \
    --stats-interval 0
  key=$(sed -n 's/.*root public key (base64): \([A-Za-z0-9+/=]*\).*/\1/p' \
    "$work/server/stderr" | head -n1)
else
  "$keygen_bin" generate --out "$work/root.key" >/dev/null
  # A fresh delegation in place, atomically (the server may read it now).
  new_delegation() {
    "$keygen_bin" delegate --root "$work/root.key" --not-after +1d \
      --out "$work/next.delegation" --force >/dev/null
    mv "$work/next.delegation" "$work/online.delegation"
  }
  new_delegation
  start_server "$work/server" --delegation "$work/online.delegation" \
    --workers "$workers" --io "$io" --notcp --stats-interval 0
  key=$("$keygen_bin" public "$work/root.key" |
    sed -n 's/^public key (base64): *//p')
fi
server_pid=$started_pid
port=$started_port
[ -n "$key" ] || { echo "soak.sh: no root key in the server's output" >&2; exit 1; }

# Per-socket kernel drop counters (/proc/net/udp{,6}, last column) of every
# UDP socket bound to local port $1.
socket_drops() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" 'NR > 1 && substr($2, length($2) - 4) == p { d += $NF }
    END { print d + 0 }' /proc/net/udp /proc/net/udp6
}
# Sum of the drops of the sockets a process holds (the generator's).
process_socket_drops() {
  local pid=$1 inodes
  inodes=$(ls -l "/proc/$pid/fd" 2>/dev/null |
    sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
  [ -n "$inodes" ] || { echo 0; return; }
  awk -v list=" $inodes " 'NR > 1 && index(list, " " $10 " ") { d += $NF }
    END { print d + 0 }' /proc/net/udp /proc/net/udp6
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

load=(--concurrency "$concurrency")
[ -n "$rate" ] && load=(--rate "$rate")
echo "soak: ${seconds}s against roughtimed pid $server_pid port $port" \
  "(workers $workers, io $io, online key lifetime $lifetime, rotate" \
  "before $rotate_before, sighup $sighup), load ${load[*]}," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"

"$bench_bin" --server "127.0.0.1:$port" --version "$version" \
  --duration "$seconds" "${load[@]}" --timeout 5 --verify-fraction 0.001 \
  --key "$key" --server-pid "$server_pid" --json >"$work/bench.json" \
  2>"$work/bench.stderr" &
bench_pid=$!

# Sample RSS (and the generator's socket drops, which vanish with it) until
# the generator is done; send SIGHUP at one third and two thirds.
start=$(date +%s)
warmup=$(( seconds / 5 > 30 ? 30 : seconds / 5 ))
rss_series=()
rss_warm=""
client_drops=0
hups=0
while kill -0 "$bench_pid" 2>/dev/null; do
  now=$(( $(date +%s) - start ))
  r=$(rss_kb "$server_pid")
  rss_series+=("$now:$r")
  if [ -z "$rss_warm" ] && [ "$now" -ge "$warmup" ]; then rss_warm=$r; fi
  d=$(process_socket_drops "$bench_pid")
  [ "$d" -gt "$client_drops" ] && client_drops=$d
  if [ "$sighup" = on ] && { { [ $hups -eq 0 ] && [ "$now" -ge $(( seconds / 3 )) ]; } ||
       { [ $hups -eq 1 ] && [ "$now" -ge $(( 2 * seconds / 3 )) ]; }; }; then
    [ "$keys" = delegation ] && new_delegation
    kill -HUP "$server_pid"
    hups=$(( hups + 1 ))
  fi
  # Short waits, so the loop ends soon after the generator does.
  for _ in $(seq 1 $(( sample_every * 4 ))); do
    kill -0 "$bench_pid" 2>/dev/null || break
    sleep 0.25
  done
done
bench_rc=0
wait "$bench_pid" || bench_rc=$?
bench_pid=""
rss_series+=("$(( $(date +%s) - start )):$(rss_kb "$server_pid")")
server_alive=1
kill -0 "$server_pid" 2>/dev/null || server_alive=0
server_drops=$(socket_drops "$port")

server_rc=0
if [ $server_alive -eq 1 ]; then
  kill -TERM "$server_pid"
  wait "$server_pid" || server_rc=$?
fi
server_pid=""

stats=$(grep '^roughtimed: stats at=exit' "$work/server/stderr" | tail -n1 || true)
server_stat() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$stats" | head -n1; }
# Top-level integer fields of the generator's one-line JSON report (no
# nested object has fields of these names).
json() {
  grep -o "\"$1\":[0-9]*" "$work/bench.json" | head -n1 | cut -d: -f2 || true
}

sent=$(json sent); answered=$(json answered); lost=$(json lost)
unmatched=$(json unmatched); verified=$(json verified)
verify_failed=$(json verify_failed)
sent=${sent:-0}; answered=${answered:-0}; lost=${lost:-0}
unmatched=${unmatched:-0}; verified=${verified:-0}
verify_failed=${verify_failed:-0}
answered_per_s=$(grep -o '"answered_per_second":[0-9]*' "$work/bench.json" |
  cut -d: -f2 || true)
received=$(server_stat received); requests=$(server_stat requests)
responses=$(server_stat responses); send_errors=$(server_stat send_errors)
dropped=$(server_stat dropped); rotations=$(server_stat rotations)
received=${received:-0}; requests=${requests:-0}; responses=${responses:-0}
send_errors=${send_errors:-0}; dropped=${dropped:-0}; rotations=${rotations:-0}

kernel_in=$(( sent - received ))          # never reached the server
not_matched=$(( responses - answered ))   # left the server, not matched
# Requests that no counter explains, stage by stage: lost on the way in
# beyond the kernel's drop counter of the server's sockets; read by the
# server but neither accepted nor dropped; accepted but neither answered
# nor a send error; answered but neither matched, late nor dropped at the
# generator's sockets.
pos() { [ "$1" -gt 0 ] && echo "$1" || echo 0; }
abs() { [ "$1" -lt 0 ] && echo $(( -$1 )) || echo "$1"; }
unexplained=$(( $(pos $(( kernel_in - server_drops ))) +
  $(abs $(( received - requests - dropped ))) +
  $(abs $(( requests - responses - send_errors ))) +
  $(pos $(( not_matched - unmatched - client_drops ))) ))

# RSS summary; growth is measured from the end of warm-up.
rss_values=()
for s in "${rss_series[@]}"; do rss_values+=("${s#*:}"); done
rss_first=${rss_values[0]}
rss_last=${rss_values[-1]}
rss_min=$(printf '%s\n' "${rss_values[@]}" | sort -n | head -n1)
rss_max=$(printf '%s\n' "${rss_values[@]}" | sort -n | tail -n1)
rss_warm=${rss_warm:-$rss_first}
rss_after_max=$rss_warm
for s in "${rss_series[@]}"; do
  t=${s%%:*}; v=${s#*:}
  [ "$t" -ge "$warmup" ] && [ "$v" -gt "$rss_after_max" ] && rss_after_max=$v
done
rss_growth=$(( rss_after_max - rss_warm ))

# A new key every (lifetime - rotate_before); workers each count a switch.
period=$(( ${lifetime%s} - ${rotate_before%s} ))
expected_rotations=$(( seconds / period ))
[ $expected_rotations -gt 2 ] && expected_rotations=2
# With a delegation nothing rotates; each SIGHUP switches to a new key.
[ "$keys" = delegation ] && expected_rotations=$hups
# Thread switches to a newer key, summed over workers. A worker switches
# at its next batch, so one that the kernel's SO_REUSEPORT hash left idle
# may switch less often; the total must still cover every new key.
key_switches=$rotations

failures=()
[ "$bench_rc" -eq 0 ] || failures+=("generator exit $bench_rc")
[ "$sent" -gt 0 ] || failures+=("nothing sent")
[ $server_alive -eq 1 ] || failures+=("server died")
[ "$server_rc" -eq 0 ] || failures+=("server exit $server_rc")
[ -n "$stats" ] || failures+=("no exit stats line")
[ "$verify_failed" -eq 0 ] || failures+=("$verify_failed answers failed verification")
[ "$requests" -eq $(( responses + send_errors )) ] ||
  failures+=("server counters: requests $requests != responses $responses + send_errors $send_errors")
[ "$received" -eq $(( requests + dropped )) ] ||
  failures+=("server counters: received $received != requests $requests + dropped $dropped")
[ "$kernel_in" -le "$server_drops" ] ||
  failures+=("$kernel_in requests never reached the server but its sockets counted $server_drops drops")
[ "$not_matched" -le $(( unmatched + client_drops )) ] ||
  failures+=("$not_matched replies not matched, only $unmatched late + $client_drops dropped at the generator")
[ "$unexplained" -eq 0 ] || failures+=("$unexplained requests unaccounted for")
[ "$key_switches" -ge "$expected_rotations" ] ||
  failures+=("$key_switches switches to a new key, expected at least $expected_rotations")
[ "$rss_growth" -le "$rss_tolerance_kb" ] ||
  failures+=("RSS grew ${rss_growth} kB after warm-up (tolerance ${rss_tolerance_kb} kB)")
if [ "$sighup" = on ] && [ "$hups" -gt 0 ]; then
  pattern='reloaded on SIGHUP'
  [ "$keys" = delegation ] && pattern='reloaded on SIGHUP: .*new online key'
  reloads=$(grep -c "$pattern" "$work/server/stderr" || true)
  [ "$reloads" -ge "$hups" ] || failures+=("$hups SIGHUP sent, $reloads reloads logged")
fi

echo "soak: RSS kB series (s:kB): ${rss_series[*]}"
result=PASS
[ ${#failures[@]} -eq 0 ] || result=FAIL
echo "soak: result=$result seconds=$seconds sent=$sent answered=$answered" \
  "answered_per_s=${answered_per_s:-0}" \
  "lost=$lost shed_kernel=$kernel_in shed_server=$dropped" \
  "send_errors=$send_errors late_or_client_dropped=$not_matched" \
  "unexplained=$unexplained verified=$verified verify_failed=$verify_failed" \
  "server_received=$received server_requests=$requests" \
  "server_responses=$responses server_socket_drops=$server_drops" \
  "client_socket_drops=$client_drops unmatched=$unmatched" \
  "keys=$keys key_switches=$key_switches sighup=$sighup hups=$hups" \
  "rss_first_kb=$rss_first rss_min_kb=$rss_min rss_max_kb=$rss_max" \
  "rss_last_kb=$rss_last rss_growth_after_warmup_kb=$rss_growth"
for f in "${failures[@]}"; do echo "soak: FAIL: $f" >&2; done
[ "$result" = PASS ]
