// Two network namespaces of the test's own joined by a veth pair, as
// tools/xdp-lab.sh makes them: the server's end 192.0.2.1/24 and
// 2001:db8::1/64, the generator's end .2 and ::2 (documentation addresses
// that exist only inside the namespaces; nothing leaves the machine). The
// generator's end computes its own checksums (tx off), as a NIC's frames
// arrive complete. Names carry the test's PID and a counter, so tests
// running in parallel never collide; the destructor removes both (and a
// later test removes any left by a test process that died).
#ifndef ROUGHTIME_TESTS_XDP_NETNS_PAIR_H_
#define ROUGHTIME_TESTS_XDP_NETNS_PAIR_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace roughtime::xdp_testing {

// Why these tests cannot run here, or "" when they can: they need root
// (namespaces, XDP), iproute2 and a kernel that lets us make a namespace.
std::string LabUnavailableReason();

struct CommandResult {
  int code = -1;
  std::string out;  // stdout and stderr
};
// Runs argv (argv[0] looked up in PATH), bounded by `timeout`.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         absl::Duration timeout = absl::Seconds(20));

class NetnsPair {
 public:
  static absl::StatusOr<std::unique_ptr<NetnsPair>> Create();
  ~NetnsPair();
  NetnsPair(const NetnsPair&) = delete;
  NetnsPair& operator=(const NetnsPair&) = delete;

  const std::string& server_ns() const { return server_ns_; }
  const std::string& bench_ns() const { return bench_ns_; }
  const std::string& server_dev() const { return server_dev_; }
  const std::string& bench_dev() const { return bench_dev_; }

  // argv prefixed so that it runs in the server's (or generator's)
  // namespace: "ip netns exec NS ...". exec keeps the PID.
  std::vector<std::string> InServer(std::vector<std::string> argv) const;
  std::vector<std::string> InBench(std::vector<std::string> argv) const;

  // Calls `fn` on a thread that joined the generator's namespace: sockets
  // it opens belong there and can be used from any thread afterwards.
  void RunInBench(const std::function<void()>& fn) const;
  // The same in the server's namespace (its loopback: --metrics-listen).
  void RunInServer(const std::function<void()>& fn) const;

  // The XDP programs attached to the server's interface ("" when none),
  // from `ip link show`.
  std::string ServerXdp() const;

 private:
  NetnsPair() = default;
  static void RunIn(const std::string& ns, const std::function<void()>& fn);
  std::string server_ns_, bench_ns_, server_dev_, bench_dev_;
};

}  // namespace roughtime::xdp_testing

#endif  // ROUGHTIME_TESTS_XDP_NETNS_PAIR_H_
