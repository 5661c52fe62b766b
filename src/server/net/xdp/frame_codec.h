// Frames as AF_XDP hands them over and takes them back. The AF_XDP loop
// sees whole Ethernet frames, so it does here what the kernel's UDP path
// does for sockets: read the IPv4 or IPv6 and UDP headers, check their
// checksums (RFC 768, RFC 791 §3.1, RFC 8200 §8.1), and for the reply write
// new headers with addresses and ports swapped and a correct UDP checksum.
// Pure functions over bytes: no sockets, so tests feed them any frame.
#ifndef ROUGHTIME_SERVER_NET_XDP_FRAME_CODEC_H_
#define ROUGHTIME_SERVER_NET_XDP_FRAME_CODEC_H_

#include <cstddef>
#include <cstdint>

#include "roughtime/bytes.h"
#include "server/net/datagram_io.h"

namespace roughtime::server::xdp {

enum class FrameVerdict : uint8_t {
  kRequest,      // a UDP datagram; the slot describes it
  kNotUdp,       // not Ethernet + IPv4/IPv6 + UDP (the sieve never sends it)
  kTruncated,    // a length field points past the frame
  kBadChecksum,  // IPv4 header or UDP checksum wrong (or zero over IPv6)
  kTooLong,      // payload larger than a request slot holds
};

// Reads the frame: on kRequest, `slot` holds the UDP payload (copied),
// the peer's address and port, the local address, both MAC addresses and
// the local port. Otherwise `slot` is unspecified.
FrameVerdict ReadRequestFrame(ByteSpan frame, RequestSlot* slot);

// Bytes in front of the payload in a reply: Ethernet + IPv4 + UDP (42) or
// Ethernet + IPv6 + UDP (62).
inline constexpr size_t kReplyHeadersV4 = 14 + 20 + 8;
inline constexpr size_t kReplyHeadersV6 = 14 + 40 + 8;

// Writes the reply to the request in `slot` (read by ReadRequestFrame)
// carrying `payload` into `out`, which must have room for the headers and
// the payload. Returns the frame length.
size_t WriteReplyFrame(const RequestSlot& slot, ByteSpan payload,
                       uint8_t* out);

// The Internet checksum's one's-complement sum of `bytes` added to `sum`
// (RFC 1071), not yet folded or inverted.
uint64_t OnesComplementAdd(uint64_t sum, ByteSpan bytes);
// Folds a sum to 16 bits (still not inverted).
uint16_t FoldChecksum(uint64_t sum);

}  // namespace roughtime::server::xdp

#endif  // ROUGHTIME_SERVER_NET_XDP_FRAME_CODEC_H_
