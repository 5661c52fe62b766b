// The echo target: a trivial single-threaded UDP server that answers every
// datagram of at least --min-request-size bytes with its first
// --reply-size bytes, through the same batched system calls as the real
// server. Its CPU per packet is the cost of UDP on loopback alone, the
// ceiling no Roughtime server can beat. The echoed prefix holds the
// request's nonce where the generator wrote it, so the generator matches
// these replies exactly like real responses.
#ifndef ROUGHTIME_TOOLS_LOADGEN_ECHO_SERVER_H_
#define ROUGHTIME_TOOLS_LOADGEN_ECHO_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "args.h"
#include "loopback_address.h"

namespace roughtime::loadgen {

struct EchoStats {
  uint64_t received = 0;
  uint64_t answered = 0;
  uint64_t ignored_short = 0;  // under --min-request-size (amplification)
  uint64_t send_dropped = 0;   // socket buffer full
};

// Binds, calls `on_ready` with the bound address, then serves until `stop`
// becomes true or options.duration passes.
absl::StatusOr<EchoStats> RunEcho(
    const EchoOptions& options, const std::atomic<bool>& stop,
    const std::function<void(const LoopbackAddress&)>& on_ready);

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_ECHO_SERVER_H_
