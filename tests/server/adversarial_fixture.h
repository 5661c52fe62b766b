// The fixture of the adversarial suite (adversarial_test.cc over UDP,
// hostile_tcp_test.cc over TCP): a real roughtimed on loopback with one
// worker and an interval stats line every 100ms, valid requests to prove it
// is alive, and exact reads of its counters.
#ifndef ROUGHTIME_TESTS_SERVER_ADVERSARIAL_FIXTURE_H_
#define ROUGHTIME_TESTS_SERVER_ADVERSARIAL_FIXTURE_H_

#include <signal.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "root_key_fixture.h"
#include "shared_support.h"
#include "tcp_test_client.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {

using Stats = std::map<std::string, uint64_t>;

class AdversarialTest : public RootKeyFixture<> {
 protected:
  // Starts the server (one worker, stats every 100ms); returns its port.
  uint16_t Start(std::vector<std::string> args) {
    args.insert(args.begin(), "--stats-interval=100ms");
    return StartWithRootKey(std::move(args));
  }

  BuiltRequest Good() const {
    RequestOptions o;
    o.server_key = root_.public_key();
    absl::StatusOr<BuiltRequest> r = BuildRequest(o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : BuiltRequest{};
  }

  bool Verifies(ByteSpan response, const BuiltRequest& request) const {
    VerifyOptions v;
    v.root_public_key = root_.public_key();
    v.request_packet = request.packet;
    v.nonce = request.nonce;
    return VerifyResponse(response, v).ok();
  }

  // A valid request from `client` is answered, correctly.
  bool Answered(UdpTestClient& client, const SocketAddress& target) {
    const BuiltRequest request = Good();
    if (!client.SendTo(target, request.packet)) return false;
    std::optional<Datagram> reply = client.Receive(absl::Seconds(3));
    return reply.has_value() && Verifies(reply->data, request);
  }

  bool AnsweredOverTcp(TcpTestClient& tcp) {
    const BuiltRequest request = Good();
    if (!tcp.Send(request.packet)) return false;
    std::optional<Bytes> reply = tcp.ReceivePacket(absl::Seconds(3));
    return reply.has_value() && Verifies(*reply, request);
  }

  // The first interval stats line counting `received` datagrams and
  // `responses` answers (the server has then handled everything sent so
  // far). Both are needed: the worker counts a response after sendmmsg
  // returns, so a line printed between the send and that count shows the
  // datagram received but its answer not yet counted, although the client
  // already holds it.
  Stats WaitForHandled(uint64_t received, uint64_t responses) {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (absl::Now() < deadline) {
      std::optional<Stats> s = NewestIntervalStats();
      if (s && (*s)["received"] == received &&
          (*s)["responses"] == responses) {
        return *s;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "no stats line with received=" << received
                  << " responses=" << responses << "\n"
                  << server_->Output();
    return {};
  }

  // Waits for an interval stats line in which every drop_* and tcp_*
  // counter, and received, requests and responses, equal `expected`
  // (absent: 0). Counters only grow, so the first such line is final; a
  // counter that grew too much never matches and the test fails, naming
  // every counter that differs.
  void ExpectCountersSettle(const Stats& expected) {
    std::string differences = "no interval stats line";
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (absl::Now() < deadline) {
      if (std::optional<Stats> s = NewestIntervalStats()) {
        differences = Differences(*s, expected);
        if (differences.empty()) return;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "counters never settled at the expected values:"
                  << differences;
  }

  Stats StopAndStats() {
    EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
    return ExitStats(server_->Lines());
  }

 private:
  // The newest interval stats line (only the newest is current), if any.
  std::optional<Stats> NewestIntervalStats() const {
    return NewestStats(server_->Lines(), "interval");
  }

  static bool Checked(const std::string& name) {
    return absl::StartsWith(name, "drop_") || absl::StartsWith(name, "tcp_") ||
           name == "received" || name == "requests" || name == "responses";
  }

  static std::string Differences(Stats actual, const Stats& expected) {
    std::string out;
    for (const auto& [name, value] : expected) {
      if (!actual.contains(name)) absl::StrAppend(&out, " ", name, " missing;");
    }
    for (const auto& [name, value] : actual) {
      if (!Checked(name)) continue;
      const auto want = expected.find(name);
      const uint64_t wanted = want == expected.end() ? 0 : want->second;
      if (value != wanted) {
        absl::StrAppend(&out, " ", name, "=", value, " want ", wanted, ";");
      }
    }
    return out;
  }
};

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_ADVERSARIAL_FIXTURE_H_
