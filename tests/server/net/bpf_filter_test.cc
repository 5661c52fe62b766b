// The kernel programs on real loopback sockets: the request filter is
// attached to a server-side socket and crafted datagrams are sent to it;
// each test checks which of them the kernel delivers. Also the CPU
// steering program of --pin-workers: a sender pinned to CPU i must land on
// the socket bound i-th in the reuseport group.
#include "server/net/bpf_filter.h"

#ifdef __linux__
#include <linux/sock_diag.h>
#endif
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "classic_bpf.h"
#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "hostile_packets.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "roughtime/wire.h"
#include "server/net/reuseport_steering.h"
#include "server/net/udp_socket.h"
#include "udp_test_client.h"

// Linux only: elsewhere the server runs without BPF (and says so).
#ifdef __linux__
namespace roughtime::server {
namespace {

using ::roughtime::server::testing::BuildClientRequest;
using ::roughtime::server::testing::HostileRow;
using ::roughtime::server::testing::HostileUdpRows;
using ::roughtime::server::testing::RequestFilterPasses;
using ::roughtime::server::testing::ClientBehaviour;
using ::roughtime::server::testing::DeployedClients;
using ::roughtime::server::testing::Loopback;
using ::roughtime::server::testing::UdpTestClient;

// A filtered socket on 127.0.0.1 and a client that sends to it.
class FilteredSocket {
 public:
  FilteredSocket() {
    SocketOptions options;
    options.kernel.request_filter = true;
    absl::StatusOr<UdpSocket> s = OpenUdpSocket(Loopback(AF_INET, 0), options);
    EXPECT_TRUE(s.ok()) << s.status();
    if (s.ok()) socket_ = *std::move(s);
    address_ = *BoundAddress(socket_.fd());
    absl::StatusOr<UdpTestClient> c = UdpTestClient::Open(AF_INET);
    EXPECT_TRUE(c.ok());
    if (c.ok()) client_.emplace(*std::move(c));
  }

  // Sends `packet` then a marker that always passes, and returns whether
  // `packet` was delivered (UDP on loopback keeps order, so reading up to
  // the marker settles it without waiting for a timeout).
  bool Delivered(const Bytes& packet) {
    EXPECT_TRUE(client_->SendTo(address_, packet));
    EXPECT_TRUE(client_->SendTo(address_, Marker()));
    bool got_packet = false;
    for (int i = 0; i < 3; ++i) {
      std::optional<Bytes> d = ReceiveOne();
      if (!d.has_value()) break;
      if (*d == Marker()) return got_packet;
      got_packet = got_packet || *d == packet;
    }
    ADD_FAILURE() << "the marker never arrived";
    return got_packet;
  }

  int fd() const { return socket_.fd(); }

 private:
  static Bytes Marker() {
    Bytes m(1024, 0);
    WriteFrameHeader(m.data(), 1024 - kFrameHeaderSize);
    m.back() = 0x5a;
    return m;
  }
  std::optional<Bytes> ReceiveOne() {
    pollfd p{socket_.fd(), POLLIN, 0};
    if (poll(&p, 1, 2000) != 1) return std::nullopt;
    Bytes buf(2048);
    const ssize_t n = recv(socket_.fd(), buf.data(), buf.size(), 0);
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

  UdpSocket socket_;
  SocketAddress address_;
  std::optional<UdpTestClient> client_;
};

// A ROUGHTIM frame around zeros: `size` bytes in all.
Bytes Framed(size_t size) {
  Bytes p(size, 0);
  WriteFrameHeader(p.data(), static_cast<uint32_t>(size - kFrameHeaderSize));
  return p;
}

// A datagram whose first word is `tag_count`, little-endian (Google shape).
Bytes GoogleShaped(size_t size, uint32_t tag_count) {
  Bytes p(size, 0x11);
  StoreLE32(p.data(), tag_count);
  return p;
}

TEST(RequestFilterTest, SizeRuleUsesTheWholeDatagram) {
  FilteredSocket s;
  EXPECT_FALSE(s.Delivered(Framed(1023)));
  EXPECT_TRUE(s.Delivered(Framed(1024)));
  EXPECT_TRUE(s.Delivered(Framed(1036)));
  EXPECT_TRUE(s.Delivered(Framed(1500)));
  EXPECT_FALSE(s.Delivered(Framed(1501)));
  EXPECT_FALSE(s.Delivered(Framed(12)));
  EXPECT_FALSE(s.Delivered(GoogleShaped(1020, 2)));
}

TEST(RequestFilterTest, MagicMustBeWhole) {
  FilteredSocket s;
  Bytes half = Framed(1024);
  half[7] = 'X';  // "ROUGHTIX"
  EXPECT_FALSE(s.Delivered(half));
  Bytes other = Framed(1024);
  other[0] = 'r';  // "rOUGHTIM"
  EXPECT_FALSE(s.Delivered(other));
}

TEST(RequestFilterTest, OtherProtocolsOfRequestSizeAreDropped) {
  FilteredSocket s;
  EXPECT_FALSE(s.Delivered(Bytes(1024, 0)));  // zeros: tag count 0
  Bytes get(1024, ' ');
  std::memcpy(get.data(), "GET / HTTP/1.1\r\n", 16);
  EXPECT_FALSE(s.Delivered(get));
  // DNS-like: id 0x1234, flags 0x0100, one question.
  Bytes dns(1024, 0);
  const uint8_t header[] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01};
  std::memcpy(dns.data(), header, sizeof(header));
  EXPECT_FALSE(s.Delivered(dns));
  Bytes random(1024);
  RandomBytes(MutableByteSpan(random));
  random[1] = 0x80;  // never a small little-endian count
  EXPECT_FALSE(s.Delivered(random));
}

TEST(RequestFilterTest, GoogleShapeNeedsSmallTagCountAndWholeWords) {
  FilteredSocket s;
  EXPECT_TRUE(s.Delivered(GoogleShaped(1024, 2)));
  EXPECT_TRUE(s.Delivered(GoogleShaped(1024, 1)));
  EXPECT_TRUE(s.Delivered(GoogleShaped(1024, 64)));
  EXPECT_FALSE(s.Delivered(GoogleShaped(1024, 65)));
  EXPECT_FALSE(s.Delivered(GoogleShaped(1024, 0)));
  EXPECT_FALSE(s.Delivered(GoogleShaped(1024, 0x100)));
  EXPECT_FALSE(s.Delivered(GoogleShaped(1024, 0x01000002)));
  EXPECT_FALSE(s.Delivered(GoogleShaped(1024, 0xffffffff)));
  EXPECT_FALSE(s.Delivered(GoogleShaped(1026, 2)));  // not whole words
  EXPECT_FALSE(s.Delivered(GoogleShaped(1027, 2)));
}

TEST(RequestFilterTest, EveryDeployedClientsRequestPasses) {
  FilteredSocket s;
  const PublicKey root = SigningKey::Generate().public_key();
  for (const ClientBehaviour& client : DeployedClients()) {
    const BuiltRequest r = BuildClientRequest(client, root);
    ASSERT_FALSE(r.packet.empty()) << client.name;
    EXPECT_TRUE(s.Delivered(r.packet)) << client.name;
  }
}

// The user-space interpreter (classic_bpf.h) that request_fuzzer uses to
// check "the filter never drops a request the server accepts" must give the
// kernel's verdict: every crafted shape above, every hostile row, every
// deployed client, and random datagrams around the size and tag-count
// limits, each through the real kernel filter and through the interpreter.
TEST(RequestFilterTest, UserSpaceInterpreterAgreesWithTheKernel) {
  FilteredSocket s;
  const PublicKey root = SigningKey::Generate().public_key();
  std::vector<Bytes> packets = {
      Framed(12),   Framed(1023), Framed(1024),
      Framed(1036), Framed(1500), Framed(1501),
      Bytes(1024, 0), GoogleShaped(1020, 2), GoogleShaped(1024, 1),
      GoogleShaped(1024, 64), GoogleShaped(1024, 65), GoogleShaped(1024, 0),
      GoogleShaped(1024, 0x100), GoogleShaped(1026, 2), GoogleShaped(1500, 3),
      GoogleShaped(1504, 3)};
  for (const HostileRow& row : HostileUdpRows(root)) {
    packets.push_back(row.packet);
  }
  for (const ClientBehaviour& client : DeployedClients()) {
    packets.push_back(BuildClientRequest(client, root).packet);
  }
  for (int i = 0; i < 200; ++i) {
    uint8_t pick[4];
    RandomBytes(MutableByteSpan(pick, sizeof(pick)));
    // Sizes 1016..1527 (both size limits inside), then framed, a small
    // little-endian tag count, or random bytes.
    Bytes p(1016 + (pick[0] | (pick[1] & 1) << 8));
    RandomBytes(MutableByteSpan(p));
    if (pick[2] % 3 == 0) {
      WriteFrameHeader(p.data(), static_cast<uint32_t>(p.size() - 12));
    } else if (pick[2] % 3 == 1) {
      StoreLE32(p.data(), pick[3] % 70);
    }
    packets.push_back(std::move(p));
  }
  int passed = 0;
  for (const Bytes& packet : packets) {
    const std::optional<bool> interpreted = RequestFilterPasses(packet);
    ASSERT_TRUE(interpreted.has_value());
    EXPECT_EQ(*interpreted, s.Delivered(packet))
        << "size " << packet.size() << ", first bytes "
        << HexEncode(ByteSpan(packet.data(), std::min<size_t>(12, packet.size())));
    passed += *interpreted ? 1 : 0;
  }
  // Both verdicts were exercised.
  EXPECT_GT(passed, 10);
  EXPECT_LT(passed, static_cast<int>(packets.size()) - 10);
}

// Datagrams the filter drops are counted in the socket's drop counter
// (sk_drops: SO_MEMINFO, /proc/net/udp "drops", `ss -u -a -m` d<N>); the
// operator documentation relies on this.
TEST(RequestFilterTest, FilterDropsShowInTheSocketDropCounter) {
  FilteredSocket s;
  uint32_t before[SK_MEMINFO_VARS] = {};
  socklen_t len = sizeof(before);
  ASSERT_EQ(getsockopt(s.fd(), SOL_SOCKET, SO_MEMINFO, before, &len), 0);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(s.Delivered(Framed(100)));
  uint32_t after[SK_MEMINFO_VARS] = {};
  len = sizeof(after);
  ASSERT_EQ(getsockopt(s.fd(), SOL_SOCKET, SO_MEMINFO, after, &len), 0);
  EXPECT_EQ(after[SK_MEMINFO_DROPS] - before[SK_MEMINFO_DROPS], 5u);
}

TEST(CpuSteeringTest, ProgramIsLoadCpuReturnAForCpusFromZero) {
  const std::vector<sock_filter> p = CpuSteeringProgram({0, 1, 2});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].code, BPF_LD | BPF_W | BPF_ABS);
  EXPECT_EQ(p[0].k, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_CPU));
  EXPECT_EQ(p[1].code, BPF_RET | BPF_A);
  // CPUs 2 and 5 (a restricted affinity): a table, then "no such index".
  const std::vector<sock_filter> t = CpuSteeringProgram({2, 5});
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[1].k, 2u);
  EXPECT_EQ(t[2].k, 0u);
  EXPECT_EQ(t[3].k, 5u);
  EXPECT_EQ(t[4].k, 1u);
  EXPECT_EQ(t[5].k, 0xffffffffu);
}

// Sockets bound in order i = 0..n-1 with the steering program; a sender
// pinned to CPU cpus[i] must reach socket i (loopback delivers in the
// sender's CPU context).
TEST(CpuSteeringTest, DatagramsStayOnTheCpuThatSentThem) {
  const std::vector<int> cpus = WorkerCpus();
  SocketOptions options;
  options.kernel.cpu_steering = true;
  std::vector<UdpSocket> group;
  absl::StatusOr<UdpSocket> first =
      OpenUdpSocket(Loopback(AF_INET, 0), options);
  ASSERT_TRUE(first.ok()) << first.status();
  const SocketAddress address = *BoundAddress(first->fd());
  group.push_back(*std::move(first));
  for (size_t i = 1; i < cpus.size(); ++i) {
    absl::StatusOr<UdpSocket> s = OpenUdpSocket(address, options);
    ASSERT_TRUE(s.ok()) << s.status();
    group.push_back(*std::move(s));
  }
  constexpr int kPerCpu = 20;
  for (size_t i = 0; i < cpus.size(); ++i) {
    std::thread sender([&] {
      ASSERT_TRUE(PinCurrentThreadToCpu(cpus[i]).ok());
      absl::StatusOr<UdpTestClient> c = UdpTestClient::Open(AF_INET);
      ASSERT_TRUE(c.ok());
      for (int k = 0; k < kPerCpu; ++k) {
        ASSERT_TRUE(c->SendTo(address, Framed(1024)));
      }
    });
    sender.join();
    // Delivery may finish in the CPU's softirq thread: collect for a while.
    std::vector<int> got(group.size(), 0);
    Bytes buf(2048);
    int total = 0;
    for (int round = 0; round < 200 && total < kPerCpu; ++round) {
      for (size_t j = 0; j < group.size(); ++j) {
        while (recv(group[j].fd(), buf.data(), buf.size(), MSG_DONTWAIT) > 0) {
          ++got[j];
          ++total;
        }
      }
      if (total < kPerCpu) poll(nullptr, 0, 10);
    }
    for (size_t j = 0; j < group.size(); ++j) {
      EXPECT_EQ(got[j], j == i ? kPerCpu : 0)
          << "sender on cpu " << cpus[i] << ", socket " << j;
    }
  }
}

}  // namespace
}  // namespace roughtime::server

#endif  // __linux__
