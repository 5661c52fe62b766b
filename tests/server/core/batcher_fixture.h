// The fixture of the batcher tests (batcher_test.cc, batcher_linger_test.cc):
// a Batcher with a fake clock, a fresh root key and an online identity
// delegated for the hour around the clock's time, and requests from the
// deployed client behaviours kept alive while a batch refers to them.
#ifndef ROUGHTIME_TESTS_SERVER_BATCHER_FIXTURE_H_
#define ROUGHTIME_TESTS_SERVER_BATCHER_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "client_behaviours.h"
#include "fake_clock.h"
#include "gtest/gtest.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "server/core/batcher.h"
#include "server/core/clock_policy.h"
#include "server/base/stats.h"

namespace roughtime::server {

using ::roughtime::server::testing::BuildClientRequest;
using ::roughtime::server::testing::ClientBehaviour;
using ::roughtime::server::testing::DeployedClients;
using ::roughtime::server::testing::FakeClock;
using ::roughtime::server::testing::VerifyAsClient;

inline const ClientBehaviour& Client(const std::string& name) {
  static const std::vector<ClientBehaviour> clients = DeployedClients();
  for (const ClientBehaviour& c : clients) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no client " << name;
  return clients.front();
}

class BatcherTest : public ::testing::Test {
 protected:
  BatcherTest()
      : root_(SigningKey::Generate()),
        identity_(DelegateOnlineKey(root_, Window())) {}

  DelegationWindow Window() const {
    const uint64_t now = absl::ToUnixSeconds(clock_.Now());
    return {now - 3600, now + 3600};
  }

  std::unique_ptr<Batcher> MakeBatcher(size_t max_batch,
                                       absl::Duration delay,
                                       const ClockGate* gate = nullptr) {
    BatcherOptions options;
    options.clock_gate = gate;
    options.max_batch = max_batch;
    options.max_delay = delay;
    options.radius = absl::Seconds(5);
    return std::make_unique<Batcher>(&identity_, &clock_, options, &stats_);
  }

  // Keeps the request bytes alive while the batch refers to them.
  const BuiltRequest& Keep(BuiltRequest r) {
    requests_.push_back(std::make_unique<BuiltRequest>(std::move(r)));
    return *requests_.back();
  }

  FakeClock clock_;
  SigningKey root_;
  OnlineIdentity identity_;
  WorkerStats stats_;
  std::vector<std::unique_ptr<BuiltRequest>> requests_;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_TESTS_SERVER_BATCHER_FIXTURE_H_
