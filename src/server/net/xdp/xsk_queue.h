// One AF_XDP socket (Documentation/networking/af_xdp.rst) bound to one
// receive queue of an interface, with its own UMEM: the frame area shared
// with the kernel and the four rings (fill, RX, TX, completion) libxdp
// maps for us. Half the frames receive, half transmit. The socket's
// descriptor is pollable: POLLIN while the RX ring holds frames.
//
// Zero-copy (the driver DMAs straight into the UMEM) is asked for first
// where the sieve runs in native mode; copy mode (the kernel copies each
// frame, still without a socket buffer on receive) otherwise.
#ifndef ROUGHTIME_SERVER_NET_XDP_XSK_QUEUE_H_
#define ROUGHTIME_SERVER_NET_XDP_XSK_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "roughtime/bytes.h"

struct xsk_socket;
struct xsk_umem;
struct xsk_ring_prod;
struct xsk_ring_cons;

namespace roughtime::server::xdp {

class XskQueue {
 public:
  // Room per frame; a reply (at most 62 header bytes + 1500) always fits.
  static constexpr uint32_t kFrameSize = 2048;
  // Frames per direction (and the size of each ring).
  static constexpr uint32_t kFramesPerDirection = 2048;

  // Opens the socket on `interface` queue `queue`. `try_zero_copy`: ask
  // for zero-copy first (only meaningful with the program in native mode).
  // The sieve's map entry for the queue is the caller's (XdpSieve).
  static absl::StatusOr<std::unique_ptr<XskQueue>> Open(
      const std::string& interface, uint32_t queue, bool try_zero_copy);
  ~XskQueue();
  XskQueue(const XskQueue&) = delete;
  XskQueue& operator=(const XskQueue&) = delete;

  int fd() const;
  uint32_t queue() const { return queue_; }
  bool zero_copy() const { return zero_copy_; }

  // Takes up to `max` received frames in arrival order, lets `visit` read
  // each (the bytes are valid only during the call), then gives the frames
  // back to the kernel. Returns how many were taken (0: the RX ring is
  // empty).
  size_t Receive(size_t max, absl::FunctionRef<void(ByteSpan)> visit);

  // Sends up to `count` frames: `write(i, frame)` writes frame i into
  // kFrameSize bytes and returns its length. Stops early when every
  // transmit frame is still in flight. Returns how many were sent.
  size_t Transmit(size_t count,
                  absl::FunctionRef<uint32_t(size_t, uint8_t*)> write);

 private:
  XskQueue() = default;
  // Returns transmit frames the kernel is done with to free_tx_.
  void ReapCompletions();
  // Makes the kernel process the TX ring (a system call in copy mode, or
  // when the driver asks for a wake-up). False on a lasting error.
  bool KickTransmit();

  uint32_t queue_ = 0;
  bool zero_copy_ = false;
  uint8_t* area_ = nullptr;
  size_t area_size_ = 0;
  xsk_umem* umem_ = nullptr;
  xsk_socket* socket_ = nullptr;
  // The rings live in the heap so this header needs no libxdp include.
  std::unique_ptr<xsk_ring_prod> fill_;
  std::unique_ptr<xsk_ring_cons> completion_;
  std::unique_ptr<xsk_ring_cons> rx_;
  std::unique_ptr<xsk_ring_prod> tx_;
  std::vector<uint64_t> free_tx_;  // UMEM offsets of idle transmit frames
  std::vector<uint64_t> refill_;   // scratch for Receive
};

}  // namespace roughtime::server::xdp

#endif  // ROUGHTIME_SERVER_NET_XDP_XSK_QUEUE_H_
