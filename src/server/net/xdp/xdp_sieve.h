// The XDP request sieve (request_sieve.bpf.c) loaded and attached to one
// interface. Attached through a BPF link, which the kernel removes when its
// last descriptor closes: at a clean exit (the destructor), on a start-up
// failure, and also when the process is killed (SIGKILL, a crash), so no
// program is ever left behind on the interface to drop or redirect traffic
// for a server that is gone.
#ifndef ROUGHTIME_SERVER_NET_XDP_XDP_SIEVE_H_
#define ROUGHTIME_SERVER_NET_XDP_XDP_SIEVE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/net/xdp/sieve_abi.h"
#include "server/net/xdp/xdp_options.h"

struct roughtime_xdp;  // the libbpf skeleton (request_sieve.skel.h)

namespace roughtime::server::xdp {


using SieveCounters = std::array<uint64_t, SIEVE_COUNTER_COUNT>;

class XdpSieve {
 public:
  // Loads a fresh copy of the program (its own maps) serving UDP `ports`
  // and attaches it to `interface`. Errors name the interface and say why
  // (no such interface, no permission, a program already attached, ...).
  static absl::StatusOr<std::unique_ptr<XdpSieve>> Attach(
      const std::string& interface, const std::vector<uint16_t>& ports,
      AttachMode mode);
  ~XdpSieve();  // detaches
  XdpSieve(const XdpSieve&) = delete;
  XdpSieve& operator=(const XdpSieve&) = delete;

  const std::string& interface() const { return interface_; }
  int ifindex() const { return ifindex_; }
  bool native() const { return native_; }
  // Why native mode was not used (empty when it was, or not tried).
  const std::string& native_error() const { return native_error_; }

  // Redirects request-shaped datagrams of receive queue `queue` to the
  // AF_XDP socket `fd`.
  absl::Status AddSocket(uint32_t queue, int fd);

  // The program's counters, summed over CPUs (zeros if unreadable).
  SieveCounters Counters() const;

 private:
  XdpSieve() = default;

  std::string interface_;
  int ifindex_ = 0;
  bool native_ = false;
  std::string native_error_;
  roughtime_xdp* skeleton_ = nullptr;
  int link_fd_ = -1;
};

// Receive queues of `interface` (ethtool channels; at least 1).
uint32_t ReceiveQueueCount(const std::string& interface);

}  // namespace roughtime::server::xdp

#endif  // ROUGHTIME_SERVER_NET_XDP_XDP_SIEVE_H_
