// The two packet loops' system calls behind one interface: "plain" reads and
// writes one datagram per call (recvmsg/sendmsg; portable), "mmsg" moves a
// whole batch per call (recvmmsg/sendmmsg; Linux, the default there). Both
// carry the packet-info control messages so replies leave from the address
// their request arrived on. Storage is preallocated; no call allocates.
#ifndef ROUGHTIME_SERVER_NET_DATAGRAM_IO_H_
#define ROUGHTIME_SERVER_NET_DATAGRAM_IO_H_

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "roughtime/bytes.h"
#include "roughtime/request.h"
#include "server/base/stats.h"
#include "server/net/udp_socket.h"

namespace roughtime::server {

// One byte more than the largest acceptable request, so an oversized
// datagram arrives truncated but still visibly too long for ParseRequest.
inline constexpr size_t kReceiveBufferSize = kMaxRequestSize + 1;

// What a loop that reads whole frames (--io xdp, net/xdp/) needs to
// address the reply beyond `peer` and `local`: both link-layer addresses
// and the UDP port the request was sent to. The socket loops leave it unset.
struct FrameOrigin {
  uint8_t peer_mac[6] = {};
  uint8_t local_mac[6] = {};
  uint16_t local_port = 0;  // host byte order
};

// A received datagram and where it came from, in preallocated storage.
struct RequestSlot {
  uint8_t data[kReceiveBufferSize];
  size_t size = 0;
  sockaddr_storage peer{};
  socklen_t peer_size = 0;
  LocalDestination local;
  uint32_t socket_index = 0;  // which of the worker's sockets
  FrameOrigin frame;          // --io xdp only

  ByteSpan bytes() const { return ByteSpan(data, size); }
};

// kXdp: AF_XDP sockets on the --xdp interfaces (net/xdp/xdp_io.h) next to
// the mmsg loop for the UDP sockets; the server installs that loop in each
// worker (Worker::UseDatagramIo), MakeDatagramIo makes the mmsg one.
enum class IoMode : uint8_t { kPlain, kMmsg, kXdp };
// "plain", "mmsg" or "xdp".
absl::string_view IoModeName(IoMode mode);
absl::StatusOr<IoMode> ParseIoMode(absl::string_view name);
// The default loop of this platform (mmsg on Linux).
IoMode DefaultIoMode();

class DatagramIo {
 public:
  virtual ~DatagramIo() = default;
  virtual IoMode mode() const = 0;

  // Reads up to `count` waiting datagrams from `fd` (non-blocking) into
  // slots[0..count). Returns how many were read; fewer than `count` means
  // the socket is drained (an error other than EAGAIN is counted as a
  // receive error and also ends the read).
  virtual size_t Receive(int fd, int socket_family, RequestSlot* const* slots,
                         size_t count, WorkerStats* stats) = 0;

  // Sends responses[i] to the peer of slots[i], from slots[i]'s local
  // address. Returns how many were sent; failures are counted as send
  // errors.
  virtual size_t Send(int fd, int socket_family, const ByteSpan* responses,
                      const RequestSlot* const* slots, size_t count,
                      WorkerStats* stats) = 0;
};

// `max_batch` sizes the per-call arrays of the mmsg loop.
std::unique_ptr<DatagramIo> MakeDatagramIo(IoMode mode, size_t max_batch);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_NET_DATAGRAM_IO_H_
