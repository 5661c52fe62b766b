#include "query_options.h"

#include "gtest/gtest.h"

namespace roughtime::testing {

client::QueryOptions OptionsFor(const TestServer& server,
                                std::vector<absl::Duration>* waits,
                                client::Offer offer) {
  client::QueryOptions q;
  absl::StatusOr<client::HostPort> hp = client::ParseHostPort(server.address());
  EXPECT_TRUE(hp.ok()) << hp.status();
  q.target.udp = *hp;
  q.target.tcp = *hp;
  q.target.root_key = server.public_key();
  q.target.offer = offer;
  q.retry.timeout = absl::Milliseconds(300);
  q.retry.retries = 1;
  q.retry.max_wait = absl::Seconds(10);
  q.retry.mode = client::TransportMode::kUdp;
  q.sleep = [waits](absl::Duration d) {
    if (waits != nullptr) waits->push_back(d);
  };
  return q;
}

}  // namespace roughtime::testing
