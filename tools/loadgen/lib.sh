# Shell helpers shared by the load scripts in tools/loadgen (ab.sh,
# compare.sh, junk_flood.sh, sweep.sh). Source it after setting `tmp` to a scratch
# directory; every process started here is stopped by `stop_all` (the
# callers trap it on EXIT).

die() { echo "$(basename "$0"): $*" >&2; exit 2; }

# "taskset -c LIST" when LIST is set (pin a process to CPUs), else nothing.
pin() { if [ -n "$1" ]; then echo "taskset -c $1"; fi; }

# Waits (at most 20 s) for a line matching $2 in file $1 and prints it.
wait_line() {
  for _ in $(seq 200); do
    if grep -m1 -- "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# Sends SIGTERM to pid $1, waits up to 5 s, then SIGKILL.
stop_pid() {
  local pid=$1
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# find_binaries BUILD: sets bench and roughtimed (absolute paths) from the
# meson build directory BUILD, or stops saying which target to build.
find_binaries() {
  bench=$(realpath -m "$1/tools/loadgen/roughtime-bench")
  roughtimed=$(realpath -m "$1/src/server/roughtimed")
  [ -x "$bench" ] || die "$bench not built (ninja -C $1 tools/loadgen/roughtime-bench)"
  [ -x "$roughtimed" ] || die "$roughtimed not built (ninja -C $1 src/server/roughtimed)"
}

# start_roughtimed NAME CPUS [roughtimed flags...]
# Runs `roughtimed --dev --listen 127.0.0.1:0` in $tmp/NAME (so its
# development key is made there), stderr in $tmp/NAME.err, and sets
# server_pid, server_addr (HOST:PORT) and server_key (base64 root key).
# Needs $roughtimed.
start_roughtimed() {
  local name=$1 cpus=$2; shift 2
  mkdir -p "$tmp/$name"
  # exec, so that $! is the server itself.
  ( cd "$tmp/$name" && exec $(pin "$cpus") "$roughtimed" --dev \
      --listen 127.0.0.1:0 "$@" ) >"$tmp/$name.out" 2>"$tmp/$name.err" &
  server_pid=$!
  local line
  line=$(wait_line "$tmp/$name.err" "listening on udp 127.0.0.1:") \
    || die "roughtimed did not start: $(tail -3 "$tmp/$name.err")"
  server_addr=$(sed -E 's/.*listening on udp ([^ ]+).*/\1/' <<<"$line")
  line=$(wait_line "$tmp/$name.err" "root public key (base64): ") \
    || die "roughtimed printed no public key"
  server_key=$(sed -E 's/.*root public key \(base64\): ([^ ]+).*/\1/' <<<"$line")
}

# start_echo CPUS: the echo target (raw UDP cost); sets echo_pid, echo_addr.
# Needs $bench.
start_echo() {
  $(pin "$1") "$bench" echo --listen 127.0.0.1:0 --duration 86400 \
    >"$tmp/echo.out" 2>"$tmp/echo.err" &
  echo_pid=$!
  local line
  line=$(wait_line "$tmp/echo.out" "listening on udp") \
    || die "echo target did not start: $(cat "$tmp/echo.err")"
  echo_addr=$(sed -E 's/.*listening on udp ([^ ]+).*/\1/' <<<"$line")
}

# The roughtime-core-bench family index of a version name.
family_of() {
  case "$1" in
    1|rfc|v1) echo 0 ;;
    0x8000000c|draft-12) echo 1 ;;
    draft-08|draft-09|draft-10|draft-11) echo 2 ;;
    google) echo 3 ;;
    *) die "unknown --version $1" ;;
  esac
}
