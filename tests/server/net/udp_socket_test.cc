// Real sockets on loopback, in process: binding options, port 0 read-back,
// dual-stack, and the packet-info path that makes a reply leave from the
// address its request arrived on, through both packet loops.
#include "server/net/udp_socket.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/net/datagram_io.h"
#include "server/base/stats.h"
#include "udp_test_client.h"

namespace roughtime::server {
namespace {

using ::roughtime::server::testing::Datagram;
using ::roughtime::server::testing::Loopback;
using ::roughtime::server::testing::UdpTestClient;

int GetIntOption(int fd, int level, int name) {
  int value = -1;
  socklen_t len = sizeof(value);
  getsockopt(fd, level, name, &value, &len);
  return value;
}

TEST(UdpSocketTest, WildcardIsDualStackWithReuseOptionsAndARealPort) {
  absl::StatusOr<UdpSocket> s =
      OpenUdpSocket(SocketAddress::AnyV6(0), SocketOptions{});
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<SocketAddress> bound = BoundAddress(s->fd());
  ASSERT_TRUE(bound.ok());
  EXPECT_NE(bound->port(), 0);
  EXPECT_TRUE(bound->is_wildcard());
  EXPECT_EQ(GetIntOption(s->fd(), IPPROTO_IPV6, IPV6_V6ONLY), 0);
  EXPECT_EQ(GetIntOption(s->fd(), SOL_SOCKET, SO_REUSEADDR), 1);
  EXPECT_EQ(GetIntOption(s->fd(), SOL_SOCKET, SO_REUSEPORT), 1);

  // A second worker's socket joins the same port.
  absl::StatusOr<UdpSocket> second = OpenUdpSocket(*bound, SocketOptions{});
  EXPECT_TRUE(second.ok()) << second.status();
}

TEST(UdpSocketTest, WithoutReuseOptionsTheSamePortIsRefused) {
  SocketOptions plain;
  plain.reuse_addr = false;
  plain.reuse_port = false;
  absl::StatusOr<UdpSocket> s = OpenUdpSocket(Loopback(AF_INET, 0), plain);
  ASSERT_TRUE(s.ok()) << s.status();
  const SocketAddress bound = *BoundAddress(s->fd());
  absl::StatusOr<UdpSocket> again = OpenUdpSocket(bound, plain);
  EXPECT_TRUE(absl::IsAlreadyExists(again.status())) << again.status();
  // Even our own options cannot join a socket that did not allow it.
  absl::StatusOr<UdpSocket> ours = OpenUdpSocket(bound, SocketOptions{});
  EXPECT_TRUE(absl::IsAlreadyExists(ours.status())) << ours.status();
}

TEST(UdpSocketTest, SourceControlSkipsMulticastAndKeepsLinkLocalInterface) {
  alignas(cmsghdr) uint8_t control[kControlBufferSize];
  LocalDestination multicast;
  multicast.family = AF_INET6;
  inet_pton(AF_INET6, "ff02::1", &multicast.v6);
  EXPECT_EQ(WriteSourceControl(multicast, AF_INET6, control), 0u);

  LocalDestination link_local;
  link_local.family = AF_INET6;
  link_local.ifindex = 7;
  inet_pton(AF_INET6, "fe80::1", &link_local.v6);
  ASSERT_EQ(WriteSourceControl(link_local, AF_INET6, control),
            CMSG_SPACE(sizeof(in6_pktinfo)));
  in6_pktinfo info;
  std::memcpy(&info, control + CMSG_LEN(0), sizeof(info));
  EXPECT_EQ(info.ipi6_ifindex, 7u);

  LocalDestination none;
  EXPECT_EQ(WriteSourceControl(none, AF_INET6, control), 0u);
  // A family mismatch (cannot happen) writes nothing rather than garbage.
  LocalDestination v4;
  v4.family = AF_INET;
  EXPECT_EQ(WriteSourceControl(v4, AF_INET6, control), 0u);
}

struct LoopCase {
  IoMode mode;
  bool dual_stack_server;  // [::] (else 0.0.0.0 for IPv4 clients)
  int client_family;
};

class PacketLoopTest : public ::testing::TestWithParam<LoopCase> {};

TEST_P(PacketLoopTest, ReplyLeavesFromTheAddressTheRequestArrivedOn) {
  const LoopCase& c = GetParam();
  const SocketAddress wildcard = c.dual_stack_server ? SocketAddress::AnyV6(0)
                                                     : SocketAddress::AnyV4(0);
  absl::StatusOr<UdpSocket> server = OpenUdpSocket(wildcard, SocketOptions{});
  ASSERT_TRUE(server.ok()) << server.status();
  const uint16_t port = BoundAddress(server->fd())->port();
  const int server_family = wildcard.family();

  absl::StatusOr<UdpTestClient> client = UdpTestClient::Open(c.client_family);
  ASSERT_TRUE(client.ok());
  const SocketAddress target = Loopback(c.client_family, port);
  const std::vector<uint8_t> hello = {'h', 'e', 'l', 'l', 'o'};
  ASSERT_TRUE(client->SendTo(target, hello));
  const std::vector<uint8_t> big(2000, 0x5a);  // over kMaxRequestSize
  ASSERT_TRUE(client->SendTo(target, big));

  std::unique_ptr<DatagramIo> io = MakeDatagramIo(c.mode, 8);
  ASSERT_EQ(io->mode(), c.mode);
  std::vector<RequestSlot> slots(8);
  std::vector<RequestSlot*> order;
  for (RequestSlot& s : slots) order.push_back(&s);
  WorkerStats stats;
  // Loopback delivery is synchronous: both are queued already.
  size_t got = 0;
  for (int tries = 0; tries < 100 && got < 2; ++tries) {
    got += io->Receive(server->fd(), server_family, order.data() + got,
                       8 - got, &stats);
  }
  ASSERT_EQ(got, 2u);
  EXPECT_EQ(slots[0].size, hello.size());
  // The oversized datagram is cut one byte past the largest request, so the
  // parser still sees it as too long.
  EXPECT_EQ(slots[1].size, kReceiveBufferSize);
  EXPECT_GT(slots[1].size, kMaxRequestSize);
  // Drained: nothing more, and fewer than asked says so.
  EXPECT_EQ(io->Receive(server->fd(), server_family, order.data(), 8, &stats),
            0u);
  EXPECT_EQ(stats.Get(stat::kRecvErrors), 0u);

  // The kernel said where the request went.
  const LocalDestination& local = slots[0].local;
  ASSERT_EQ(local.family, server_family);
  char text[INET6_ADDRSTRLEN] = {};
  if (server_family == AF_INET6) {
    inet_ntop(AF_INET6, &local.v6, text, sizeof(text));
    EXPECT_STREQ(text, c.client_family == AF_INET ? "::ffff:127.0.0.1"
                                                   : "::1");
  } else {
    inet_ntop(AF_INET, &local.v4, text, sizeof(text));
    EXPECT_STREQ(text, "127.0.0.1");
  }

  const std::vector<uint8_t> reply = {'w', 'o', 'r', 'l', 'd', '!', '!', '!'};
  const ByteSpan responses[1] = {ByteSpan(reply)};
  const RequestSlot* to[1] = {&slots[0]};
  ASSERT_EQ(io->Send(server->fd(), server_family, responses, to, 1, &stats),
            1u);
  EXPECT_EQ(stats.Get(stat::kSendErrors), 0u);
  std::optional<Datagram> d = client->Receive(absl::Seconds(2));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->data, reply);
  EXPECT_EQ(d->from.ToString(), target.ToString());
}

// A socket bound to one address asks for no destination information (the
// kernel then writes no control data) and still answers from that address.
TEST(UdpSocketTest, SpecificAddressRepliesWithoutControlMessages) {
  for (IoMode mode : {IoMode::kPlain, IoMode::kMmsg}) {
    for (int family : {AF_INET, AF_INET6}) {
      absl::StatusOr<UdpSocket> server =
          OpenUdpSocket(Loopback(family, 0), SocketOptions{});
      ASSERT_TRUE(server.ok()) << server.status();
      int pktinfo = -1;
      socklen_t len = sizeof(pktinfo);
      ASSERT_EQ(getsockopt(server->fd(),
                           family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
                           family == AF_INET ? IP_PKTINFO : IPV6_RECVPKTINFO,
                           &pktinfo, &len),
                0);
      EXPECT_EQ(pktinfo, 0);
      const SocketAddress target = *BoundAddress(server->fd());

      absl::StatusOr<UdpTestClient> client = UdpTestClient::Open(family);
      ASSERT_TRUE(client.ok());
      const std::vector<uint8_t> hello = {'h', 'i'};
      ASSERT_TRUE(client->SendTo(target, hello));
      std::unique_ptr<DatagramIo> io = MakeDatagramIo(mode, 4);
      std::vector<RequestSlot> slots(4);
      std::vector<RequestSlot*> order;
      for (RequestSlot& slot : slots) order.push_back(&slot);
      WorkerStats stats;
      size_t got = 0;
      for (int tries = 0; tries < 100 && got == 0; ++tries) {
        got = io->Receive(server->fd(), family, order.data(), 4, &stats);
      }
      ASSERT_EQ(got, 1u);
      EXPECT_EQ(slots[0].local.family, 0);  // no control data came

      const std::vector<uint8_t> reply = {'o', 'k'};
      const ByteSpan responses[1] = {ByteSpan(reply)};
      const RequestSlot* to[1] = {&slots[0]};
      ASSERT_EQ(io->Send(server->fd(), family, responses, to, 1, &stats), 1u);
      std::optional<Datagram> d = client->Receive(absl::Seconds(2));
      ASSERT_TRUE(d.has_value());
      EXPECT_EQ(d->data, reply);
      EXPECT_EQ(d->from.ToString(), target.ToString());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Loops, PacketLoopTest,
    ::testing::Values(LoopCase{IoMode::kPlain, true, AF_INET},
                      LoopCase{IoMode::kPlain, true, AF_INET6},
                      LoopCase{IoMode::kPlain, false, AF_INET},
                      LoopCase{IoMode::kMmsg, true, AF_INET},
                      LoopCase{IoMode::kMmsg, true, AF_INET6},
                      LoopCase{IoMode::kMmsg, false, AF_INET}),
    [](const auto& info) {
      return std::string(IoModeName(info.param.mode)) +
             (info.param.dual_stack_server ? "_DualStack" : "_Ipv4Wildcard") +
             (info.param.client_family == AF_INET ? "_Ipv4Client"
                                                   : "_Ipv6Client");
    });

}  // namespace
}  // namespace roughtime::server
