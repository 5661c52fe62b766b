# Shared by tools/fuzz.sh and tools/fuzz-pack.sh (sourced, not run).

# Every libFuzzer target of tests/fuzz, in the order fuzz.sh runs them.
fuzz_all_targets=(request_fuzzer batcher_fuzzer response_fuzzer
                  response_mutation_fuzzer server_list_fuzzer report_fuzzer
                  config_fuzzer)

# The largest input worth trying per target (libFuzzer -max_len).
fuzz_max_len() {
  case $1 in
    batcher_fuzzer) echo 12000 ;;   # several 1024-byte datagrams
    request_fuzzer|response_fuzzer) echo 1600 ;;
    *) echo 8192 ;;
  esac
}
