// The adversarial corpus against the real roughtimed on loopback. For every
// hostile input class (hostile_packets.h) no answer arrives, the server
// keeps answering valid requests, and exactly the matching drop counter
// grows by the number sent (read from the interval stats lines). Then the
// abuse a parser cannot see: a flood from one source under --rate-limit
// (other sources are still answered), and TCP slow-loris, oversized frames
// and too many connections from one source. The same corpus over TCP and
// the versions not served are in hostile_tcp_test.cc.
#include <sys/socket.h>

#include <string>
#include <vector>

#include "adversarial_fixture.h"
#include "gtest/gtest.h"
#include "hostile_packets.h"

namespace roughtime::server::testing {
namespace {

constexpr uint64_t kCopies = 3;

TEST_F(AdversarialTest, EveryHostileClassIsDroppedAndCountedExactly) {
  // The kernel filter would drop many rows before the server counts them.
  const uint16_t port = Start({"--no-kernel-filter"});
  ASSERT_NE(port, 0);
  const SocketAddress target = Loopback(AF_INET6, port);
  absl::StatusOr<UdpTestClient> client = UdpTestClient::Open(AF_INET6);
  ASSERT_TRUE(client.ok());

  Stats expected;  // every drop_* counter, cumulative
  uint64_t received = 0;
  uint64_t answered = 0;
  for (const HostileRow& row : HostileUdpRows(root_.public_key())) {
    SCOPED_TRACE(row.name);
    for (uint64_t i = 0; i < kCopies; ++i) {
      ASSERT_TRUE(client->SendTo(target, row.packet));
    }
    // Still alive, and the valid request is the only one answered.
    ASSERT_TRUE(Answered(*client, target)) << server_->Output();
    EXPECT_FALSE(client->Receive(absl::Milliseconds(100)).has_value())
        << "a hostile datagram was answered";
    received += kCopies + 1;
    ++answered;
    expected[row.counter] += kCopies;

    Stats stats = WaitForHandled(received, answered);
    ASSERT_FALSE(stats.empty());
    for (const auto& [name, value] : stats) {
      if (!absl::StartsWith(name, "drop_")) continue;
      EXPECT_EQ(value, expected[name]) << name;
    }
    EXPECT_EQ(stats["responses"], answered);
    EXPECT_EQ(stats["requests"], answered);
  }
  EXPECT_EQ(StopAndStats()["responses"], answered);
}

TEST_F(AdversarialTest, WithTheKernelFilterNoHostileClassIsAnswered) {
  const uint16_t port = Start({});
  ASSERT_NE(port, 0);
  const SocketAddress target = Loopback(AF_INET, port);
  absl::StatusOr<UdpTestClient> client = UdpTestClient::Open(AF_INET);
  ASSERT_TRUE(client.ok());
  const std::vector<HostileRow> rows = HostileUdpRows(root_.public_key());
  for (const HostileRow& row : rows) {
    ASSERT_TRUE(client->SendTo(target, row.packet)) << row.name;
  }
  ASSERT_TRUE(Answered(*client, target)) << server_->Output();
  EXPECT_FALSE(client->Receive(absl::Milliseconds(300)).has_value());
  const Stats stats = StopAndStats();
  EXPECT_EQ(stats.at("responses"), 1u);
  // The filter took some of them away before the server looked.
  EXPECT_LT(stats.at("received"), rows.size() + 1);
  EXPECT_EQ(stats.at("received"), stats.at("dropped") + 1);
}

TEST_F(AdversarialTest, FloodFromOneSourceIsRateLimitedOthersAreAnswered) {
  constexpr uint64_t kBurst = 3;
  const uint16_t port =
      Start({"--rate-limit=1", "--rate-limit-burst=3"});
  ASSERT_NE(port, 0);
  ASSERT_TRUE(server_->WaitForLine("rate limit 1/s per source (burst 3)",
                                   absl::Seconds(1)));
  absl::StatusOr<UdpTestClient> flooder = UdpTestClient::Open(AF_INET);
  absl::StatusOr<UdpTestClient> other = UdpTestClient::Open(AF_INET6);
  ASSERT_TRUE(flooder.ok() && other.ok());

  const absl::Time start = absl::Now();
  constexpr uint64_t kUdpFlood = 40;
  for (uint64_t i = 0; i < kUdpFlood; ++i) {
    ASSERT_TRUE(flooder->SendTo(Loopback(AF_INET, port), Good().packet));
    // Another source (::1) is answered in the middle of the flood.
    if (i == kUdpFlood / 2) {
      EXPECT_TRUE(Answered(*other, Loopback(AF_INET6, port)));
    }
  }
  // The same source over TCP shares the budget (one table for both).
  constexpr uint64_t kTcpFlood = 5;
  absl::StatusOr<TcpTestClient> tcp =
      TcpTestClient::Connect(Loopback(AF_INET, port));
  ASSERT_TRUE(tcp.ok());
  for (uint64_t i = 0; i < kTcpFlood; ++i) {
    ASSERT_TRUE(tcp->Send(Good().packet));
  }
  uint64_t answered = 0;
  while (flooder->Receive(absl::Milliseconds(300)).has_value()) ++answered;
  while (tcp->ReceivePacket(absl::Milliseconds(300)).has_value()) ++answered;
  const absl::Duration elapsed = absl::Now() - start;
  // The burst, plus one request per second of the test.
  EXPECT_GE(answered, kBurst);
  EXPECT_LE(answered,
            kBurst + static_cast<uint64_t>(absl::ToDoubleSeconds(elapsed)) + 1);
  EXPECT_TRUE(Answered(*other, Loopback(AF_INET6, port)));

  const Stats stats = StopAndStats();
  EXPECT_EQ(stats.at("drop_rate_limited"), kUdpFlood + kTcpFlood - answered);
  EXPECT_EQ(stats.at("responses"), answered + 2);
}

TEST_F(AdversarialTest, SlowLorisIsClosedAndDoesNotBlockOthers) {
  const uint16_t port = Start({"--tcp-idle-timeout=500ms"});
  ASSERT_NE(port, 0);
  absl::StatusOr<TcpTestClient> loris =
      TcpTestClient::Connect(Loopback(AF_INET, port));
  ASSERT_TRUE(loris.ok());
  const Bytes request = Good().packet;
  // One byte every 100ms: never idle for 500ms, but the packet is never
  // complete; it must be closed all the same.
  const absl::Time start = absl::Now();
  size_t sent = 0;
  bool served_other = false;
  while (absl::Now() - start < absl::Seconds(5) && sent < request.size() &&
         loris->Send(ByteSpan(request).subspan(sent++, 1))) {
    if (!served_other && sent == 3) {
      absl::StatusOr<TcpTestClient> other =
          TcpTestClient::Connect(Loopback(AF_INET6, port));
      ASSERT_TRUE(other.ok());
      EXPECT_TRUE(AnsweredOverTcp(*other));
      served_other = true;  // closed here: counted as tcp_closed
    }
    if (loris->WaitForClose(absl::Milliseconds(100))) break;
  }
  EXPECT_TRUE(served_other);
  EXPECT_TRUE(loris->WaitForClose(absl::Seconds(1)));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  const Stats stats = StopAndStats();
  EXPECT_EQ(stats.at("tcp_idle"), 1u);
  EXPECT_EQ(stats.at("responses"), 1u);
}

TEST_F(AdversarialTest, OversizedFramesCloseTheirConnectionOnly) {
  const uint16_t port = Start({});
  ASSERT_NE(port, 0);
  absl::StatusOr<TcpTestClient> good =
      TcpTestClient::Connect(Loopback(AF_INET, port));
  ASSERT_TRUE(good.ok());
  for (uint32_t length : {uint32_t{kMaxRequestSize}, uint32_t{65536},
                          uint32_t{0xfffffff0}}) {
    absl::StatusOr<TcpTestClient> big =
        TcpTestClient::Connect(Loopback(AF_INET, port));
    ASSERT_TRUE(big.ok());
    ASSERT_TRUE(big->Send(Frame(Bytes(64, 0), length)));
    EXPECT_TRUE(big->WaitForClose(absl::Seconds(3))) << length;
    EXPECT_TRUE(AnsweredOverTcp(*good));
  }
  const Stats stats = StopAndStats();
  EXPECT_EQ(stats.at("tcp_oversize"), 3u);
  EXPECT_EQ(stats.at("responses"), 3u);
}

TEST_F(AdversarialTest, ConnectionsOverThePerSourceCapAreRefused) {
  const uint16_t port = Start({"--tcp-max-connections-per-source=3"});
  ASSERT_NE(port, 0);
  std::vector<TcpTestClient> open;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<TcpTestClient> tcp =
        TcpTestClient::Connect(Loopback(AF_INET, port));
    ASSERT_TRUE(tcp.ok());
    EXPECT_TRUE(AnsweredOverTcp(*tcp));  // accepted
    open.push_back(*std::move(tcp));
  }
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<TcpTestClient> over =
        TcpTestClient::Connect(Loopback(AF_INET, port));
    ASSERT_TRUE(over.ok());  // the kernel accepts; the server closes
    EXPECT_TRUE(over->WaitForClose(absl::Seconds(3)));
  }
  // Another source is not affected.
  absl::StatusOr<TcpTestClient> v6 =
      TcpTestClient::Connect(Loopback(AF_INET6, port));
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(AnsweredOverTcp(*v6));
  // A closed connection gives its place back.
  open.pop_back();
  absl::SleepFor(absl::Milliseconds(200));
  absl::StatusOr<TcpTestClient> again =
      TcpTestClient::Connect(Loopback(AF_INET, port));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(AnsweredOverTcp(*again));
  const Stats stats = StopAndStats();
  EXPECT_EQ(stats.at("tcp_refused"), 2u);
  EXPECT_EQ(stats.at("tcp_accepted"), 5u);
}

}  // namespace
}  // namespace roughtime::server::testing
