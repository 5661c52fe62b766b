// Frames no ordinary socket would send, for the sieve's drop reasons that
// need them: built byte by byte and sent through a packet socket in the
// generator's namespace.
#ifndef ROUGHTIME_TESTS_XDP_JUNK_FRAMES_H_
#define ROUGHTIME_TESTS_XDP_JUNK_FRAMES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "netns_pair.h"
#include "roughtime/bytes.h"

namespace roughtime::xdp_testing {

// An Ethernet + IPv4 + UDP frame from the generator's interface to the
// server's, to `port`, whose UDP length says 1100 payload bytes while 1040
// follow (a truncated datagram: the sieve's drop_bad_length).
Bytes BadLengthFrame(const NetnsPair& pair, const std::string& source,
                     const std::string& destination, uint16_t port);

// Sends `frame` out of `device` in the generator's namespace; returns the
// bytes sent.
absl::StatusOr<int> SendFrame(const NetnsPair& pair, const std::string& device,
                              const Bytes& frame);

}  // namespace roughtime::xdp_testing

#endif  // ROUGHTIME_TESTS_XDP_JUNK_FRAMES_H_
