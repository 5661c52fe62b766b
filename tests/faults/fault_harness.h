// Shared pieces of the fault tests: the real roughtimed started under the
// fault shim (fault_shim.cc, LD_PRELOAD), a switch for the shim's control
// file, the server's CPU time from /proc, and a client that sends valid
// requests and verifies what comes back.
#ifndef ROUGHTIME_TESTS_FAULTS_FAULT_HARNESS_H_
#define ROUGHTIME_TESTS_FAULTS_FAULT_HARNESS_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "server/net/socket_address.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {

// utime + stime of `pid` in clock ticks (all threads), or -1.
int64_t ProcessCpuTicks(pid_t pid);
// True while `pid` exists and is not a zombie.
bool ProcessAlive(pid_t pid);

class FaultServer {
 public:
  // Starts roughtimed --root-key (fresh key) --io=`io` on 127.0.0.1 with
  // one worker, under the shim when `with_shim`.
  static absl::StatusOr<std::unique_ptr<FaultServer>> Start(
      const std::string& io, bool with_shim);

  // Replaces the shim's rules ("send ENOBUFS 1", ...; "" = no faults),
  // atomically (write + rename) so the shim never reads half a file.
  void SetFaults(const std::string& rules);

  // Sends `count` fresh valid requests back to back, then collects answers
  // until all of them are answered or `wait` has passed; returns how many
  // verified answers arrived, to these or to any earlier request still
  // unanswered (a second answer to a request fails the test).
  int SendAndCount(int count, absl::Duration wait);

  // Server CPU ticks spent over `window` with no traffic.
  int64_t IdleTicks(absl::Duration window);

  // Stops with SIGTERM and returns the exit stats line's fields.
  std::map<std::string, uint64_t> StopAndStats();

  ServerProcess& process() { return *process_; }
  pid_t pid() const { return process_->pid(); }
  const SocketAddress& address() const { return address_; }
  const PublicKey& root() const { return root_; }

 private:
  FaultServer() = default;

  TempDir dir_;
  std::string control_;
  PublicKey root_{};
  SocketAddress address_;
  std::unique_ptr<ServerProcess> process_;
  std::unique_ptr<UdpTestClient> client_;
  std::vector<BuiltRequest> sent_;
  std::set<size_t> answered_;  // indexes into sent_
};

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_FAULTS_FAULT_HARNESS_H_
