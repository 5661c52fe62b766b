// The --io xdp packet loop of one worker: its AF_XDP sockets (one per
// receive queue given to it) and, for its ordinary UDP sockets (traffic
// the sieve passed on, other interfaces, loopback), the mmsg loop. The
// worker polls both kinds alike and batches their requests together; this
// loop tells them apart by descriptor.
//
// On receive a frame's headers are read and checked (frame_codec.h) and
// its payload copied into the request slot, then the frame goes straight
// back to the kernel; the reply frame is built in a transmit frame of the
// UMEM. Everything after the receive is the worker's, as for sockets:
// rate limiting, parsing, batching, signing, the response-size rule.
#ifndef ROUGHTIME_SERVER_NET_XDP_XDP_IO_H_
#define ROUGHTIME_SERVER_NET_XDP_XDP_IO_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "server/net/datagram_io.h"
#include "server/net/xdp/xsk_queue.h"
#include "server/net/udp_socket.h"

namespace roughtime::server::xdp {

// The `socket_family` the worker is given for an AF_XDP socket.
inline constexpr int kXdpSocketFamily = AF_XDP;

class XdpIo final : public DatagramIo {
 public:
  // `max_batch`: the worker's batch capacity (sizes the mmsg loop).
  explicit XdpIo(size_t max_batch);

  // Takes `queue`; returns the descriptor the worker polls for it (a
  // duplicate: the worker's socket list owns it, this loop the socket).
  absl::StatusOr<UdpSocket> AddQueue(std::unique_ptr<XskQueue> queue);

  IoMode mode() const override { return IoMode::kXdp; }
  size_t Receive(int fd, int socket_family, RequestSlot* const* slots,
                 size_t count, WorkerStats* stats) override;
  size_t Send(int fd, int socket_family, const ByteSpan* responses,
              const RequestSlot* const* slots, size_t count,
              WorkerStats* stats) override;

 private:
  struct Entry {
    int polled_fd;
    std::unique_ptr<XskQueue> queue;
  };
  XskQueue* Find(int fd) const;

  std::unique_ptr<DatagramIo> sockets_;
  std::vector<Entry> queues_;
};

}  // namespace roughtime::server::xdp

#endif  // ROUGHTIME_SERVER_NET_XDP_XDP_IO_H_
