// A user-space interpreter for the classic BPF instructions the server's
// kernel programs use (src/server/net/bpf_filter.cc), with the kernel's
// semantics: a load past the end of the packet ends the program with 0
// (drop). It lets tests and fuzz targets ask "would the kernel filter let
// this datagram through?" without a socket, e.g. request_fuzzer's check
// that the filter never drops a request the server accepts.
// bpf_filter_test.cc checks it against the real kernel.
#ifndef ROUGHTIME_TESTS_SERVER_CLASSIC_BPF_H_
#define ROUGHTIME_TESTS_SERVER_CLASSIC_BPF_H_

#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "roughtime/bytes.h"

namespace roughtime::server::testing {

// Runs `program` over `packet` (for a UDP socket filter: the 8-byte UDP
// header, then the payload) and returns its verdict (0: drop; otherwise
// the bytes to keep). nullopt if the program uses an instruction this
// interpreter does not know or jumps outside itself: callers treat that
// as a broken test, never as a verdict.
std::optional<uint32_t> RunClassicBpf(const std::vector<sock_filter>& program,
                                      ByteSpan packet);

// The verdict of the server's request filter (RequestFilterProgram with
// default rules) on a UDP payload, with a zero UDP header in front.
std::optional<bool> RequestFilterPasses(ByteSpan payload);

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_CLASSIC_BPF_H_
