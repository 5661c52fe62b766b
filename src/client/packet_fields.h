// Reading single fields out of packets without verifying them: the nonce of
// a reply (to tell a stray reply from a bad one, RFC 10049 §6 step 2) and
// the VER list and NONC of a request (to re-verify a malfeasance report,
// §8.4, where only the request bytes say what was offered).
#ifndef ROUGHTIME_CLIENT_PACKET_FIELDS_H_
#define ROUGHTIME_CLIENT_PACKET_FIELDS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "roughtime/bytes.h"

namespace roughtime::client {

// The top-level message of a packet: inside the ROUGHTIM frame, or the
// whole packet for unframed Google-Roughtime.
absl::StatusOr<ByteSpan> TopLevelMessage(ByteSpan packet);

// The top-level NONC of a reply, or nullopt when the packet cannot be
// parsed or has none (Google's original replies carry no NONC).
std::optional<Bytes> PeekNonce(ByteSpan packet);

// True when the reply names a nonce and it is not `ours`: such a packet
// answers some other request and is ignored, not counted as a failure.
bool IsForAnotherNonce(ByteSpan reply, ByteSpan ours);

struct RequestFields {
  bool google = false;             // unframed: no VER on the wire
  std::vector<uint32_t> versions;  // VER, in wire order
  Bytes nonce;
};
// Parses a request packet as a client would have sent it.
absl::StatusOr<RequestFields> ParseRequestFields(ByteSpan request);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_PACKET_FIELDS_H_
