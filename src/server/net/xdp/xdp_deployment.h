// What --xdp and --io xdp set up around the running server: the request
// sieve on each interface and, with --io xdp, one AF_XDP socket per receive
// queue, dealt round-robin to the workers with the packet loop that serves
// them (xdp_io.h). Made after the UDP sockets are bound and before
// privileges are dropped (loading and attaching need CAP_BPF and
// CAP_NET_ADMIN; later, the maps and rings are used through descriptors
// already open). Destroying it detaches every sieve.
#ifndef ROUGHTIME_SERVER_NET_XDP_XDP_DEPLOYMENT_H_
#define ROUGHTIME_SERVER_NET_XDP_XDP_DEPLOYMENT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "server/net/datagram_io.h"
#include "server/net/xdp/xdp_options.h"
#include "server/net/socket_address.h"
#include "server/base/stats.h"
#include "server/net/udp_socket.h"

namespace roughtime::server::xdp {

class XdpDeployment {
 public:
  // Null when `options` names no interface. With `serve` (--io xdp) any
  // failure is an error and the server must not start; without it, an
  // interface whose sieve cannot be attached is skipped with a warning
  // (the sockets and their classic filter still serve). Logs one line per
  // interface saying what runs there, in which mode, or why not.
  // `bound`: the UDP listen addresses (their ports are served);
  // `max_batch`: the workers' batch capacity.
  static absl::StatusOr<std::unique_ptr<XdpDeployment>> Start(
      const XdpOptions& options, bool serve,
      const std::vector<SocketAddress>& bound, size_t workers,
      size_t max_batch);
  virtual ~XdpDeployment() = default;

  // Appends worker `w`'s AF_XDP sockets to its socket list (before the
  // Worker is made) ...
  virtual void AddWorkerSockets(size_t w, std::vector<WorkerSocket>* sockets) = 0;
  // ... and hands over its packet loop (null without --io xdp).
  virtual std::unique_ptr<DatagramIo> TakeIo(size_t w) = 0;
  // Adds the sieves' counters (stat::kXdp*) into `s`.
  virtual void AddCounters(StatsSnapshot* s) const = 0;
};

}  // namespace roughtime::server::xdp

#endif  // ROUGHTIME_SERVER_NET_XDP_XDP_DEPLOYMENT_H_
