// roughtime-bench against the real roughtimed (development key, one
// worker) for every protocol family: every request is answered and a
// sample of the responses verifies with the key the server printed.
#include <signal.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "support/run_program.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

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
    ASSERT_FALSE(RoughtimedPath().empty()) << "ROUGHTIMED not set";
    // --dev writes its key under keys/ in the working directory.
    dir_ = new TempDir();
    std::unique_ptr<ServerProcess> server;
    // The first address roughtimed reported (a server::SocketAddress).
    const auto bound =
        StartServer({"--dev", "--listen", "127.0.0.1:0", "--workers", "1"},
                    &server, dir_->path());
    server_ = server.release();
    ASSERT_TRUE(bound.has_value());
    address_ = new std::string(bound->ToString());
    const std::optional<std::string> key =
        server_->WaitForLine("root public key (base64): ", absl::Seconds(10));
    ASSERT_TRUE(key.has_value()) << server_->Output();
    key_ = new std::string(After(*key, "root public key (base64): "));
    ASSERT_FALSE(key_->empty());
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->Stop(SIGTERM);
    delete server_;
    delete dir_;  // after the server: it removes the dev key with the rest
    delete address_;
    delete key_;
    server_ = nullptr;
    dir_ = nullptr;
    address_ = key_ = nullptr;
  }

  static ServerProcess* server_;
  static TempDir* dir_;
  static std::string* address_;
  static std::string* key_;
};

ServerProcess* RoughtimedTest::server_ = nullptr;
TempDir* RoughtimedTest::dir_ = nullptr;
std::string* RoughtimedTest::address_ = nullptr;
std::string* RoughtimedTest::key_ = nullptr;

TEST_P(RoughtimedTest, EveryRequestAnsweredAndSampleVerifies) {
  ASSERT_NE(server_, nullptr);
  const ProgramResult c =
      RunProgram({PathFromEnv("ROUGHTIME_BENCH"), "--server", *address_,
                  "--version", GetParam(), "--duration", "0.3", "--concurrency",
                  "8", "--verify-fraction", "0.25", "--key", *key_,
                  "--server-pid", absl::StrCat(server_->pid()), "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
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
}  // namespace roughtime::testing
