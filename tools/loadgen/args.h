// Command-line options of roughtime-bench (generator) and of its echo mode.
// A small parser of our own: usage errors must be one line and exit 2, and
// the two modes take different option sets.
#ifndef ROUGHTIME_TOOLS_LOADGEN_ARGS_H_
#define ROUGHTIME_TOOLS_LOADGEN_ARGS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "loopback_address.h"
#include "roughtime/crypto.h"
#include "roughtime/version.h"

namespace roughtime::loadgen {

enum class LoopMode { kClosed, kOpen };

struct BenchOptions {
  LoopbackAddress server;
  Version version = Version::kRfc1;
  // Whole datagram; 0 picks the version's usual size (DefaultRequestSize).
  size_t request_size = 0;
  LoopMode mode = LoopMode::kClosed;
  double rate = 0;           // open loop: requests per second
  size_t concurrency = 64;   // closed loop: requests outstanding
  absl::Duration duration = absl::Seconds(5);
  uint64_t max_requests = 0;  // 0: only --duration bounds the run
  absl::Duration timeout = absl::Seconds(1);
  double verify_fraction = 0;
  std::optional<PublicKey> key;
  int server_pid = 0;  // 0: do not measure a server process
  bool json = false;
  size_t sockets = 4;  // source ports, so SO_REUSEPORT spreads the load
  size_t batch = 32;   // datagrams per sendmmsg/recvmmsg
  // > 0: send only the first junk_size bytes of every request (undersized
  // junk that is never answered; open loop only), to measure what a flood
  // costs the server (docs/PERFORMANCE.md, kernel filter).
  size_t junk_size = 0;
  // Full-size datagrams whose first 8 bytes are neither "ROUGHTIM" nor a
  // Google message's tag count: wrong-protocol junk (open loop only).
  bool junk_foreign = false;
};

struct EchoOptions {
  LoopbackAddress listen;
  std::string pid_file;
  size_t reply_size = 400;
  size_t min_request_size = 1024;
  absl::Duration duration = absl::Minutes(10);  // safety bound
  size_t batch = 64;
};

// RFC 10049 §5.1 clients send a 1024-byte message (1036-byte datagram);
// Google-Roughtime and draft <= 11 clients (Cloudflare, roughenough) send
// 1024-byte datagrams.
size_t DefaultRequestSize(Version v);

// `args` excludes the program name. Errors are one line, without a prefix.
absl::StatusOr<BenchOptions> ParseBenchArgs(const std::vector<std::string>& args);
// `args` excludes the program name and the word "echo".
absl::StatusOr<EchoOptions> ParseEchoArgs(const std::vector<std::string>& args);

std::string BenchUsage();
std::string EchoUsage();

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_ARGS_H_
