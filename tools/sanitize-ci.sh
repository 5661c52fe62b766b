#!/usr/bin/env bash
# The CI-sized sanitizer run: ASan + UBSan + LSan over the tests that feed
# the code untrusted bytes (packets, responses, server lists, reports,
# config and key files), built cheaply in build-asan-ci. tools/test.sh runs
# it when CI=true; tools/sanitize.sh runs the whole suite (too slow for CI).
#
#   tools/sanitize-ci.sh                 # build the selection, run it
#   BUILDDIR=/tmp/b tools/sanitize-ci.sh
#
# Extra arguments go to `meson test`. See docs/FUZZING.md, "Sanitizers".
set -euo pipefail
cd "$(dirname "$0")/.."

# The selection, by meson test name; adding a test is one line. A name that
# is not a registered test fails the run (tools/sanitize_ci_targets.py).
tests=(
  # Protocol core: wire parsing, requests, responses, vectors, verification.
  wire_test
  version_test
  crypto_merkle_test
  request_test
  roundtrip_test
  vectors_test
  response_negative_test
  allocation_test
  # Client: each kind of bad answer, server-list JSON, malfeasance reports.
  client_faults_test
  client_server_list_test
  client_report_test
  # Server packet path: hostile and malformed packets are dropped, the
  # batcher and its load gauge, response sizes, the UDP socket, TCP framing.
  server_drops_test
  server_adversarial_test
  server_batcher_test
  server_load_gauge_test
  server_response_size_property_test
  server_udp_socket_test
  server_tcp_framer_test
  # Configuration and key files (TOML, environment, key/delegation files).
  server_config_test
  server_config_file_test
  keyfile_test
  delegation_file_test
  # The sanitized roughtimed under the socket fault shim.
  fault_socket_test
  # Every committed fuzz corpus input (tests/fuzz/corpus), through the same
  # checks as the fuzz targets.
  fuzz_replay_request_fuzzer
  fuzz_replay_batcher_fuzzer
  fuzz_replay_response_fuzzer
  fuzz_replay_response_mutation_fuzzer
  fuzz_replay_server_list_fuzzer
  fuzz_replay_report_fuzzer
  fuzz_replay_config_fuzzer
)

builddir=${BUILDDIR:-build-asan-ci}
# Compiler flags of a new build directory (docs/FUZZING.md has the timings).
cpp_args=${SANITIZE_CI_CPP_ARGS:--O0 -g1}
start=$(date +%s)
if [ ! -f "$builddir/build.ninja" ]; then
  # Cheaper than tools/sanitize.sh's debugoptimized (-O2 -g) build: no
  # optimizer (these tests wait on sockets and libsodium, not on our code)
  # and -g1, line tables only: stack traces keep function, file and line,
  # the compiler writes much less debug info. Measured: about half the
  # compile time per file. b_lundef=false: the sanitizer runtime provides
  # symbols at link time.
  CXX=${CXX:-g++} meson setup "$builddir" \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=plain -Dcpp_args="$cpp_args" -Dman_pages=disabled \
    >"/tmp/roughtime-asan-ci-setup.log" 2>&1 ||
    { cat /tmp/roughtime-asan-ci-setup.log; exit 1; }
fi

# An existing build directory re-reads changed meson.build files first, so
# the introspection below sees newly registered tests.
ninja -C "$builddir" build.ninja >/dev/null
# Only what the selected tests run or spawn, not the whole project.
target_list=$(python3 tools/sanitize_ci_targets.py "$builddir" "${tests[@]}")
mapfile -t targets <<<"$target_list"
ninja -C "$builddir" "${targets[@]}" >/dev/null ||
  ninja -C "$builddir" "${targets[@]}"
built=$(date +%s)

# shellcheck source=tools/sanitizer-env.sh
. tools/sanitizer-env.sh
rc=0
# Sanitized binaries are 2-3x slower; give the timeouts room.
meson test -C "$builddir" --no-rebuild --print-errorlogs --num-processes 2 \
  --timeout-multiplier 3 "$@" "${tests[@]}" || rc=$?
end=$(date +%s)
echo "sanitize-ci: ${#tests[@]} tests under ASan+UBSan+LSan" \
  "(detect_leaks=${detect_leaks}): $([ $rc = 0 ] && echo pass || echo FAIL);" \
  "build $((built - start)) s, tests $((end - built)) s," \
  "total $((end - start)) s"
exit $rc
