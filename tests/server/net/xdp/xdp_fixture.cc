#include "xdp_fixture.h"

#include <signal.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "roughtime/bytes.h"
#include "server/net/xdp/xdp_options.h"

namespace roughtime::xdp_testing {
namespace {

std::string IpPath() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "ip";
}

}  // namespace

void XdpLabTest::SetUp() {
  if (!server::xdp::XdpBuiltIn()) {
    GTEST_SKIP() << "roughtimed built without XDP support";
  }
  const std::string reason = LabUnavailableReason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  ASSERT_FALSE(server::testing::RoughtimedPath().empty());
  absl::StatusOr<std::unique_ptr<NetnsPair>> pair = NetnsPair::Create();
  ASSERT_TRUE(pair.ok()) << pair.status();
  pair_ = *std::move(pair);
}

std::unique_ptr<server::testing::ServerProcess> XdpLabTest::StartServer(
    const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"netns", "exec", pair_->server_ns(),
                                   server::testing::RoughtimedPath(), "--dev",
                                   "--stats-interval=0", "--workers=1"};
  args.insert(args.end(), flags.begin(), flags.end());
  absl::StatusOr<std::unique_ptr<server::testing::ServerProcess>> server =
      server::testing::ServerProcess::Start(args, dir_.path(), IpPath());
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return nullptr;
  const auto serving = (*server)->WaitForLine("serving versions",
                                              absl::Seconds(10));
  EXPECT_TRUE(serving.has_value()) << (*server)->Output();
  const auto key = (*server)->WaitForLine("root public key (base64): ",
                                          absl::Seconds(1));
  if (key.has_value()) {
    key_base64_ = key->substr(key->rfind(' ') + 1);
    absl::StatusOr<Bytes> raw = Base64Decode(key_base64_);
    if (raw.ok() && raw->size() == key_.size()) {
      std::copy(raw->begin(), raw->end(), key_.begin());
    }
  }
  return *std::move(server);
}

nlohmann::json XdpLabTest::Bench(const std::vector<std::string>& flags) {
  const char* bench = std::getenv("ROUGHTIME_BENCH");
  EXPECT_NE(bench, nullptr);
  if (bench == nullptr) return {};
  std::vector<std::string> argv = {bench};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back("--json");
  const CommandResult r = RunCommand(pair_->InBench(argv), absl::Seconds(30));
  EXPECT_EQ(r.code, 0) << r.out;
  // The report is the last line (warnings may come first on stderr).
  const size_t brace = r.out.find('{');
  if (brace == std::string::npos) return {};
  return nlohmann::json::parse(r.out.substr(brace), nullptr, false);
}

std::map<std::string, uint64_t> XdpLabTest::StopAndStats(
    std::unique_ptr<server::testing::ServerProcess>& server) {
  EXPECT_EQ(server->Stop(SIGTERM), 0) << server->Output();
  return server::testing::ExitStats(server->Lines());
}

}  // namespace roughtime::xdp_testing
