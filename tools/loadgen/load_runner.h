// One measurement run of the generator: open or closed loop against one
// target, bounded by --duration and --requests, then a drain of at most
// --timeout for the answers still in flight.
#ifndef ROUGHTIME_TOOLS_LOADGEN_LOAD_RUNNER_H_
#define ROUGHTIME_TOOLS_LOADGEN_LOAD_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "args.h"
#include "latency_histogram.h"

namespace roughtime::loadgen {

struct RunResult {
  uint64_t sent = 0;
  uint64_t answered = 0;
  // No answer within --timeout of being sent (including requests evicted
  // because the in-flight table was full, counted in `evicted` too).
  uint64_t lost = 0;
  uint64_t evicted = 0;
  // Replies matching no request in flight: late answers to requests already
  // counted lost, duplicates, or datagrams that carry no nonce of this run.
  uint64_t unmatched = 0;
  uint64_t verified = 0;
  uint64_t verify_failed = 0;
  std::string first_verify_error;
  uint64_t refused = 0;  // ICMP port unreachable reported by the kernel
  uint64_t io_errors = 0;
  std::string last_io_error;

  // Send phase: from the first send until --duration or --requests ended it.
  double send_seconds = 0;
  // Measurement window: the send phase, extended to the last answer of the
  // drain. Throughput and CPU figures use this window.
  double window_seconds = 0;
  double generator_cpu_seconds = 0;
  bool server_measured = false;
  int server_pid = 0;
  double server_cpu_seconds = 0;
  long clock_ticks_per_second = 0;

  size_t table_capacity = 0;
  size_t burst = 0;  // open loop: requests per burst
  size_t packet_size = 0;
  std::unique_ptr<LatencyHistogram> latency =
      std::make_unique<LatencyHistogram>();
};

// Runs the load; errors are set-up failures (sockets, request building,
// reading the server's /proc entry).
absl::StatusOr<RunResult> RunLoad(const BenchOptions& options);

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_LOAD_RUNNER_H_
