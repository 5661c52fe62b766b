// Finding request packets in a TCP stream (RFC 10049 §5: over TCP the same
// ROUGHTIM packets follow each other with nothing in between). Pure logic
// over the bytes read so far, so it is unit-tested without sockets.
// Google-Roughtime messages carry no frame and so cannot be delimited on a
// stream; they are garbage here.
#ifndef ROUGHTIME_SERVER_TCP_TCP_FRAMER_H_
#define ROUGHTIME_SERVER_TCP_TCP_FRAMER_H_

#include <cstddef>

#include "roughtime/bytes.h"

namespace roughtime::server {

enum class FrameStatus {
  kNeedMore,  // a valid start, but the packet is not complete yet
  kFrame,     // a whole packet of `size` bytes (header included)
  kGarbage,   // the stream does not start with "ROUGHTIM"
  kOversize,  // the header announces a packet larger than allowed
};

struct FrameResult {
  FrameStatus status = FrameStatus::kNeedMore;
  size_t size = 0;
};

// Looks at the unread bytes of a stream. `max_packet` bounds header plus
// message (the same limit as a datagram: kMaxRequestSize). Garbage is
// recognised from the first byte that differs from the magic, so a peer
// sending nonsense is cut off at once.
FrameResult NextFrame(ByteSpan buffered, size_t max_packet);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_TCP_TCP_FRAMER_H_
