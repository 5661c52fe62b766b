// --xdp and --io xdp refusals and fallbacks that need no namespace: the
// server says why in one line, exits when --io xdp was asked for, and
// serves on sockets when only the sieve (--xdp) could not be attached.
#include <signal.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

int CountLinesWith(const std::vector<std::string>& lines,
                   const std::string& needle) {
  int n = 0;
  for (const std::string& l : lines) n += absl::StrContains(l, needle);
  return n;
}

class XdpCliTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServerProcess> Start(const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"--dev", "--listen=127.0.0.1:0",
                                     "--stats-interval=0", "--workers=1"};
    args.insert(args.end(), flags.begin(), flags.end());
    absl::StatusOr<std::unique_ptr<ServerProcess>> s =
        ServerProcess::Start(args, dir_.path());
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }
  TempDir dir_;
};

TEST_F(XdpCliTest, IoXdpNeedsAnInterface) {
  auto s = Start({"--io=xdp"});
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->WaitForExit(), 2);
  EXPECT_EQ(CountLinesWith(s->Lines(), "--io xdp needs --xdp"), 1)
      << s->Output();
}

TEST_F(XdpCliTest, BadXdpModeIsAUsageError) {
  auto s = Start({"--xdp=lo", "--xdp-mode=fast"});
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->WaitForExit(), 2);
  EXPECT_EQ(CountLinesWith(s->Lines(), "--xdp-mode"), 1) << s->Output();
}

TEST_F(XdpCliTest, IoXdpExitsWhenTheInterfaceCannotBeUsed) {
  auto s = Start({"--io=xdp", "--xdp=nosuchif0"});
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->WaitForExit(), 1);
  // One line says why (no such interface, or no XDP in this build).
  EXPECT_EQ(CountLinesWith(s->Lines(), "error:"), 1) << s->Output();
  EXPECT_EQ(CountLinesWith(s->Lines(), "serving versions"), 0);
}

TEST_F(XdpCliTest, SieveFailureFallsBackToSockets) {
  auto s = Start({"--xdp=nosuchif0"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->WaitForLine("serving versions", absl::Seconds(10)))
      << s->Output();
  EXPECT_EQ(CountLinesWith(s->Lines(), "warning: --xdp"), 1) << s->Output();
  absl::StatusOr<std::vector<SocketAddress>> bound = s->WaitForListening();
  ASSERT_TRUE(bound.ok());
  // The sockets serve: a client gets a verified answer.
  const auto key_line =
      s->WaitForLine("root public key (base64): ", absl::Seconds(1));
  ASSERT_TRUE(key_line.has_value());
  absl::StatusOr<Bytes> raw = Base64Decode(key_line->substr(key_line->rfind(' ') + 1));
  ASSERT_TRUE(raw.ok());
  PublicKey root{};
  std::copy(raw->begin(), raw->end(), root.begin());
  absl::StatusOr<VerifiedResponse> answer =
      QueryAs(DeployedClients().front(), bound->front(), root);
  EXPECT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(s->Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace roughtime::server::testing
