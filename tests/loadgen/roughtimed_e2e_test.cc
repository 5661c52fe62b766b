// roughtime-bench against the real roughtimed (development key, one
// worker) for every protocol family: every request is answered and a
// sample of the responses verifies with the key the server printed.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "subprocess.h"

namespace roughtime::loadgen {
namespace {

using ::roughtime::loadgen::testing::Completed;
using ::roughtime::loadgen::testing::EnvOr;
using ::roughtime::loadgen::testing::RunToCompletion;
using ::roughtime::loadgen::testing::Subprocess;
using json = nlohmann::json;

// Text after `marker` on `line`, up to the next space.
std::string After(const std::string& line, const std::string& marker) {
  const size_t at = line.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  return line.substr(start, line.find(' ', start) - start);
}

class RoughtimedTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    const std::string roughtimed = EnvOr("ROUGHTIMED");
    ASSERT_FALSE(roughtimed.empty()) << "ROUGHTIMED not set";
    char dir_template[] = "/tmp/loadgen-roughtimed-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = new std::string(dir_template);
    absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(
        {roughtimed, "--dev", "--listen", "127.0.0.1:0", "--workers", "1"},
        *dir_);
    ASSERT_TRUE(p.ok()) << p.status();
    server_ = p->release();
    const std::optional<std::string> listening =
        server_->WaitForLine("listening on udp 127.0.0.1:", absl::Seconds(20));
    ASSERT_TRUE(listening.has_value()) << server_->err();
    address_ = new std::string(After(*listening, "listening on udp "));
    const std::optional<std::string> key =
        server_->WaitForLine("root public key (base64): ", absl::Seconds(10));
    ASSERT_TRUE(key.has_value()) << server_->err();
    key_ = new std::string(After(*key, "root public key (base64): "));
    ASSERT_FALSE(key_->empty());
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->Stop();
    delete server_;
    server_ = nullptr;
    if (dir_ != nullptr) {
      // The dev key and its directory, created by the server.
      std::remove((*dir_ + "/keys/dev-root.key").c_str());
      rmdir((*dir_ + "/keys").c_str());
      rmdir(dir_->c_str());
    }
    delete dir_;
    delete address_;
    delete key_;
    dir_ = address_ = key_ = nullptr;
  }

  static Subprocess* server_;
  static std::string* dir_;
  static std::string* address_;
  static std::string* key_;
};

Subprocess* RoughtimedTest::server_ = nullptr;
std::string* RoughtimedTest::dir_ = nullptr;
std::string* RoughtimedTest::address_ = nullptr;
std::string* RoughtimedTest::key_ = nullptr;

TEST_P(RoughtimedTest, EveryRequestAnsweredAndSampleVerifies) {
  ASSERT_NE(server_, nullptr);
  const Completed c = RunToCompletion(
      {EnvOr("ROUGHTIME_BENCH"), "--server", *address_, "--version",
       GetParam(), "--duration", "0.3", "--concurrency", "8",
       "--verify-fraction", "0.25", "--key", *key_, "--server-pid",
       absl::StrCat(server_->pid()), "--json"},
      absl::Seconds(30));
  ASSERT_EQ(c.code, 0) << c.err;
  const json r = json::parse(c.out, nullptr, false);
  ASSERT_FALSE(r.is_discarded()) << c.out;
  const uint64_t sent = r["sent"];
  EXPECT_GT(sent, 8u);
  EXPECT_EQ(r["answered"], sent);
  EXPECT_EQ(r["lost"], 0);
  EXPECT_EQ(r["unmatched"], 0);
  EXPECT_EQ(r["verify_failed"], 0) << r.value("first_verify_error", "");
  EXPECT_EQ(r["verified"], sent / 4);
  // CPU comes in 10 ms ticks; a 0.3 s run may legitimately read 0.
  EXPECT_EQ(r["server"]["pid"], server_->pid());
  EXPECT_GE(r["server"]["cpu_seconds"].get<double>(), 0.0);
  EXPECT_GT(r["latency_us"]["p50"].get<double>(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Versions, RoughtimedTest,
                         ::testing::Values("1", "0x8000000c", "draft-11",
                                           "draft-08", "google"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return "v" + n;
                         });

}  // namespace
}  // namespace roughtime::loadgen
