#include "test_support.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

namespace roughtime::client_test {

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

std::string MakeTempDir() {
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") +
                     "/roughtime-client-test-XXXXXX";
  char* made = mkdtemp(tmpl.data());
  EXPECT_NE(made, nullptr);
  return tmpl;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFileOrDie(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  ASSERT_TRUE(out.good()) << path;
  out << contents;
}

}  // namespace roughtime::client_test
