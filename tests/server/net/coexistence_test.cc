// Port sharing: roughtimed binds with SO_REUSEADDR so it can share its port
// with another UDP service bound to a different address, in both directions
// (we hold the wildcard and it holds a loopback address, or the reverse).
// Each keeps receiving its own datagrams. Without SO_REUSEADDR the second
// bind fails.
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

// "Another service": a plain UDP socket that echoes what it receives.
class OtherService {
 public:
  OtherService(const SocketAddress& address, bool reuse_addr) {
    fd_ = socket(address.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int one = 1, zero = 0;
    if (reuse_addr) {
      setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (address.family() == AF_INET6) {
      setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    }
    if (bind(fd_, address.sockaddr_ptr(), address.size()) == 0) {
      bound_ = true;
    } else {
      bind_errno_ = errno;
    }
  }
  ~OtherService() { close(fd_); }

  bool bound() const { return bound_; }
  int bind_errno() const { return bind_errno_; }
  uint16_t port() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    return SocketAddress(reinterpret_cast<sockaddr*>(&ss), len).port();
  }

  // Receives one datagram (within `timeout`) and echoes it back.
  std::optional<Bytes> EchoOne(absl::Duration timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) !=
        1) {
      return std::nullopt;
    }
    Bytes data(2048);
    sockaddr_storage from{};
    socklen_t len = sizeof(from);
    const ssize_t n = recvfrom(fd_, data.data(), data.size(), 0,
                               reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return std::nullopt;
    data.resize(static_cast<size_t>(n));
    sendto(fd_, data.data(), data.size(), 0,
           reinterpret_cast<sockaddr*>(&from), len);
    return data;
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
  int bind_errno_ = 0;
};

class CoexistenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = dir_.File("root.key");
    ASSERT_TRUE(WriteSeedHexFile(key_, root_.seed(), 0600));
    for (const ClientBehaviour& c : DeployedClients()) {
      if (c.name == "Rfc1") rfc_ = c;
    }
  }

  // A datagram to `to` reaches the other service and its echo comes back.
  void ExpectOtherServiceEchoes(OtherService& other, const SocketAddress& to) {
    absl::StatusOr<UdpTestClient> client = UdpTestClient::Open(to.family());
    ASSERT_TRUE(client.ok());
    const Bytes ping = {'p', 'i', 'n', 'g', ' ', 'o', 't', 'h', 'e', 'r'};
    ASSERT_TRUE(client->SendTo(to, ping));
    std::optional<Bytes> got = other.EchoOne(absl::Seconds(3));
    ASSERT_TRUE(got.has_value()) << "other service got nothing at "
                                 << to.ToString();
    EXPECT_EQ(*got, ping);
    std::optional<Datagram> echo = client->Receive(absl::Seconds(3));
    ASSERT_TRUE(echo.has_value());
    EXPECT_EQ(echo->data, ping);
    EXPECT_EQ(echo->from.ToString(), to.ToString());
  }

  TempDir dir_;
  SigningKey root_ = SigningKey::Generate();
  std::string key_;
  ClientBehaviour rfc_;
};

TEST_F(CoexistenceTest, ServerOnWildcardOtherServiceOnLoopbackAddress) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--root-key", key_, "--port=0", "--workers=2", "--stats-interval=0"});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  ASSERT_TRUE(bound->front().is_wildcard());
  const uint16_t port = bound->front().port();

  // Without SO_REUSEADDR the other service cannot bind next to us.
  {
    OtherService refused(Loopback(AF_INET, port), /*reuse_addr=*/false);
    EXPECT_FALSE(refused.bound());
    EXPECT_EQ(refused.bind_errno(), EADDRINUSE);
  }
  OtherService other(Loopback(AF_INET, port), /*reuse_addr=*/true);
  ASSERT_TRUE(other.bound()) << strerror(other.bind_errno());

  // Its address is its own (the more specific binding wins)...
  ExpectOtherServiceEchoes(other, Loopback(AF_INET, port));
  // ...while we answer on the rest of the wildcard, here ::1.
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<VerifiedResponse> v =
        QueryAs(rfc_, Loopback(AF_INET6, port), root_.public_key());
    EXPECT_TRUE(v.ok()) << v.status();
    ExpectOtherServiceEchoes(other, Loopback(AF_INET, port));
  }

  ASSERT_EQ((*server)->Stop(SIGTERM), 0) << (*server)->Output();
  const auto stats = ExitStats((*server)->Lines());
  // The server saw only its own datagrams.
  EXPECT_EQ(stats.at("received"), 3u);
  EXPECT_EQ(stats.at("responses"), 3u);
}

TEST_F(CoexistenceTest, OtherServiceOnWildcardServerOnLoopbackAddress) {
  OtherService other(SocketAddress::AnyV6(0), /*reuse_addr=*/true);
  ASSERT_TRUE(other.bound()) << strerror(other.bind_errno());
  const uint16_t port = other.port();

  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--root-key", key_, "--listen=127.0.0.1:" + std::to_string(port),
       "--workers=2", "--stats-interval=0"});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_EQ(bound->front().ToString(), Loopback(AF_INET, port).ToString());

  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<VerifiedResponse> v =
        QueryAs(rfc_, Loopback(AF_INET, port), root_.public_key());
    EXPECT_TRUE(v.ok()) << v.status();
    // The other service keeps the rest of its wildcard, here ::1.
    ExpectOtherServiceEchoes(other, Loopback(AF_INET6, port));
  }
  ASSERT_EQ((*server)->Stop(SIGTERM), 0) << (*server)->Output();
  EXPECT_EQ(ExitStats((*server)->Lines()).at("received"), 3u);
}

TEST_F(CoexistenceTest, NoReuseAddrKeepsOtherServicesOffTheServersPort) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--root-key", key_, "--port=0", "--workers=2", "--noreuse-addr",
       "--stats-interval=0"});
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::vector<SocketAddress>> bound =
      (*server)->WaitForListening();
  ASSERT_TRUE(bound.ok()) << bound.status();
  const uint16_t port = bound->front().port();
  // Even a service asking for SO_REUSEADDR cannot take an address of ours.
  OtherService other(Loopback(AF_INET, port), /*reuse_addr=*/true);
  EXPECT_FALSE(other.bound());
  EXPECT_EQ(other.bind_errno(), EADDRINUSE);
  // The workers still share the port among themselves (SO_REUSEPORT).
  EXPECT_TRUE(QueryAs(rfc_, Loopback(AF_INET, port), root_.public_key()).ok());
  EXPECT_TRUE(QueryAs(rfc_, Loopback(AF_INET6, port), root_.public_key()).ok());
  ASSERT_EQ((*server)->Stop(SIGTERM), 0) << (*server)->Output();
}

TEST_F(CoexistenceTest, ServerCannotJoinAPortHeldWithoutReuseAddr) {
  OtherService other(SocketAddress::AnyV6(0), /*reuse_addr=*/false);
  ASSERT_TRUE(other.bound()) << strerror(other.bind_errno());
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--root-key", key_,
       "--listen=127.0.0.1:" + std::to_string(other.port())});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->WaitForExit(), 1) << (*server)->Output();
  const std::vector<std::string> lines = (*server)->Lines();
  ASSERT_EQ(lines.size(), 1u) << (*server)->Output();
  EXPECT_NE(lines[0].find("Address already in use"), std::string::npos)
      << lines[0];
  // And the other service still has its port.
  ExpectOtherServiceEchoes(other, Loopback(AF_INET6, other.port()));
}

}  // namespace
}  // namespace roughtime::server::testing
