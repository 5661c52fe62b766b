// --metrics-listen with the real roughtimed on loopback, scraped by a plain
// TCP HTTP/1.1 client written here (no HTTP library on the test side):
//  * the counters and both histograms move by exactly the requests sent;
//  * /healthz says 200 ok, then 503 with a reason once an offline
//    delegation from roughtime-keygen passes its MAXT, and /metrics shows
//    the expiry;
//  * idle and rude HTTP clients (silent connections, hang-ups before the
//    answer is read) neither kill the server nor delay a Roughtime answer;
//  * a taken port is a one-line error and exit 1; a value without a port
//    is a usage error.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client_behaviours.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "root_key_fixture.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

int ConnectTcp(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// GET `path` with "Connection: close"; reads to EOF within `timeout`.
absl::StatusOr<HttpReply> HttpGet(uint16_t port, const std::string& path,
                                  absl::Duration timeout = absl::Seconds(5)) {
  const int fd = ConnectTcp(port);
  if (fd < 0) return absl::UnavailableError("connect failed");
  const std::string request = absl::StrCat(
      "GET ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError("send failed");
  }
  std::string raw;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    pollfd p{fd, POLLIN, 0};
    if (ms <= 0 || poll(&p, 1, static_cast<int>(ms)) <= 0) {
      close(fd);
      return absl::DeadlineExceededError("no complete reply in time");
    }
    char buf[4096];
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0) {
      close(fd);
      return absl::UnavailableError("recv failed");
    }
    if (n == 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos) {
    return absl::DataLossError("no header end");
  }
  HttpReply reply;
  std::vector<std::string> lines =
      absl::StrSplit(raw.substr(0, header_end), "\r\n");
  std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
  if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &reply.status)) {
    return absl::DataLossError(absl::StrCat("bad status line: ", lines[0]));
  }
  size_t content_length = std::string::npos;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    std::string key = lines[i].substr(0, colon);
    for (char& c : key) c = static_cast<char>(std::tolower(c));
    std::string value = lines[i].substr(colon + 1);
    while (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (key == "content-type") reply.content_type = value;
    if (key == "content-length") {
      size_t n = 0;
      if (absl::SimpleAtoi(value, &n)) content_length = n;
    }
  }
  reply.body = raw.substr(header_end + 4);
  if (content_length != std::string::npos &&
      reply.body.size() != content_length) {
    return absl::DataLossError("body shorter than Content-Length");
  }
  return reply;
}

// Unlabelled and labelled samples by their full "name{labels}" text.
std::map<std::string, double> Samples(const std::string& page) {
  std::map<std::string, double> out;
  for (absl::string_view line : absl::StrSplit(page, '\n', absl::SkipEmpty())) {
    if (line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    double v = 0;
    if (space == absl::string_view::npos ||
        !absl::SimpleAtod(line.substr(space + 1), &v)) {
      continue;
    }
    out[std::string(line.substr(0, space))] = v;
  }
  return out;
}

class MetricsE2eTest : public RootKeyFixture<> {
 protected:
  // Starts the server; fills udp_port_ and metrics_port_.
  void Start(std::vector<std::string> args) {
    args.insert(args.begin(), {"--port=0", "--listen=127.0.0.1",
                               "--stats-interval=0",
                               "--metrics-listen=127.0.0.1:0"});
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(args);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    absl::StatusOr<std::vector<SocketAddress>> bound =
        server_->WaitForListening();
    ASSERT_TRUE(bound.ok()) << bound.status() << server_->Output();
    udp_port_ = bound->front().port();
    const std::optional<std::string> line =
        server_->WaitForLine("metrics on http://127.0.0.1:", absl::Seconds(5));
    ASSERT_TRUE(line.has_value()) << server_->Output();
    const size_t at = line->find("127.0.0.1:") + 10;
    const size_t end = line->find("/metrics", at);
    ASSERT_NE(end, std::string::npos) << *line;
    uint32_t port = 0;
    ASSERT_TRUE(absl::SimpleAtoi(line->substr(at, end - at), &port)) << *line;
    ASSERT_TRUE(port > 0 && port < 65536) << *line;
    metrics_port_ = static_cast<uint16_t>(port);
  }

  std::map<std::string, double> Scrape() {
    absl::StatusOr<HttpReply> reply = HttpGet(metrics_port_, "/metrics");
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return {};
    EXPECT_EQ(reply->status, 200);
    EXPECT_THAT(reply->content_type, ::testing::StartsWith("text/plain"));
    EXPECT_THAT(reply->content_type, ::testing::HasSubstr("version=0.0.4"));
    return Samples(reply->body);
  }

  // Scrapes until `name` reaches `want` (a response is counted just after
  // it is sent, so the client may see it a moment before the counter).
  std::map<std::string, double> ScrapeUntil(const std::string& name,
                                            double want) {
    std::map<std::string, double> s;
    const absl::Time end = absl::Now() + absl::Seconds(3);
    do {
      s = Scrape();
      if (s[name] >= want) break;
      absl::SleepFor(absl::Milliseconds(20));
    } while (absl::Now() < end);
    return s;
  }

  uint16_t udp_port_ = 0;
  uint16_t metrics_port_ = 0;
};

TEST_F(MetricsE2eTest, CountersAndHistogramsMoveWithRealRequests) {
  ASSERT_NO_FATAL_FAILURE(Start({"--root-key", key_path_, "--workers=2"}));
  const std::map<std::string, double> before = Scrape();
  ASSERT_EQ(before.count("roughtimed_responses_total"), 1u);
  ASSERT_EQ(before.count("roughtimed_response_latency_seconds_count"), 1u);
  EXPECT_EQ(before.at("roughtimed_healthy"), 1);
  EXPECT_EQ(before.at("roughtimed_workers"), 2);
  EXPECT_EQ(before.at("roughtimed_radius_seconds"), 5);

  constexpr int kRequests = 24;
  const std::vector<ClientBehaviour> clients = DeployedClients();
  for (int i = 0; i < kRequests; ++i) {
    const ClientBehaviour& client = clients[i % clients.size()];
    absl::StatusOr<VerifiedResponse> verified =
        QueryAs(client, Loopback(AF_INET, udp_port_), root_.public_key());
    ASSERT_TRUE(verified.ok()) << client.name << ": " << verified.status();
  }
  // Wait on responses_total: the worker counts a response after sendmmsg
  // returns, i.e. after the latency and every other counter, so the client
  // can hold its answer before the count moves.
  std::map<std::string, double> after =
      ScrapeUntil("roughtimed_responses_total",
                  before.at("roughtimed_responses_total") + kRequests);
  auto delta = [&](const std::string& name) {
    return after[name] - before.at(name);
  };
  EXPECT_EQ(delta("roughtimed_responses_total"), kRequests);
  EXPECT_EQ(delta("roughtimed_requests_total"), kRequests);
  EXPECT_EQ(delta("roughtimed_received_total"), kRequests);
  EXPECT_EQ(delta("roughtimed_response_latency_seconds_count"), kRequests);
  EXPECT_EQ(delta("roughtimed_response_latency_seconds_bucket{le=\"+Inf\"}"),
            kRequests);
  EXPECT_GT(delta("roughtimed_response_latency_seconds_sum"), 0);
  // One at a time: every batch held one request.
  EXPECT_EQ(delta("roughtimed_batch_size_count"), kRequests);
  EXPECT_EQ(delta("roughtimed_batch_size_bucket{le=\"1\"}"), kRequests);
  EXPECT_EQ(delta("roughtimed_batch_size_sum"), kRequests);
  EXPECT_EQ(delta("roughtimed_batches_total"), kRequests);
  double by_version = 0;
  for (const auto& [key, value] : after) {
    if (key.rfind("roughtimed_responses_by_version_total{", 0) == 0) {
      by_version += value - before.at(key);
    }
  }
  EXPECT_EQ(by_version, kRequests);
  EXPECT_GT(after["roughtimed_uptime_seconds"], 0);

  // A malformed datagram is counted by reason, never answered (framed as
  // ROUGHTIM so the kernel filter lets it reach the server).
  absl::StatusOr<UdpTestClient> udp = UdpTestClient::Open(AF_INET);
  ASSERT_TRUE(udp.ok());
  Bytes junk(1024, 0xff);
  const std::string magic = "ROUGHTIM";
  std::copy(magic.begin(), magic.end(), junk.begin());
  junk[8] = 0xf4;  // length 1012, little-endian: a message of 0xff bytes
  junk[9] = 0x03;
  junk[10] = junk[11] = 0;
  ASSERT_TRUE(udp->SendTo(Loopback(AF_INET, udp_port_), junk));
  EXPECT_FALSE(udp->Receive(absl::Milliseconds(300)).has_value());
  after = ScrapeUntil("roughtimed_unanswered_total",
                      before.at("roughtimed_unanswered_total") + 1);
  EXPECT_EQ(delta("roughtimed_unanswered_total"), 1);

  absl::StatusOr<HttpReply> health = HttpGet(metrics_port_, "/healthz");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  absl::StatusOr<HttpReply> missing = HttpGet(metrics_port_, "/nothing");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->status, 404);

  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
  // The exit summary agrees with the last scrape.
  const auto stats = ExitStats(server_->Lines());
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(static_cast<double>(stats.at("responses")),
            after["roughtimed_responses_total"]);
}

TEST_F(MetricsE2eTest, HealthzTurns503WhenTheDelegationExpires) {
  const std::string delegation = dir_.File("delegation.json");
  ASSERT_TRUE(DelegateUntil("+3s", delegation));
  ASSERT_NO_FATAL_FAILURE(Start({"--delegation", delegation, "--workers=1"}));

  // Inside the default 7-day warning period: healthy, but says so.
  absl::StatusOr<HttpReply> health = HttpGet(metrics_port_, "/healthz");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);
  EXPECT_THAT(health->body, ::testing::StartsWith("expiring:"));
  std::map<std::string, double> s = Scrape();
  EXPECT_EQ(s["roughtimed_delegation_offline"], 1);
  EXPECT_GT(s["roughtimed_delegation_expiry_seconds"], 0);
  EXPECT_LE(s["roughtimed_delegation_expiry_seconds"], 3);
  // --not-before -1h --not-after +3s: a window of about an hour.
  const double window = s["roughtimed_delegation_maxt_seconds"] -
                        s["roughtimed_delegation_mint_seconds"];
  EXPECT_GE(window, 3600);
  EXPECT_LE(window, 3610);
  ASSERT_TRUE(QueryAs(DeployedClients().back(), Loopback(AF_INET, udp_port_),
                      root_.public_key())
                  .ok());

  // Past MAXT: 503 with the reason.
  const absl::Time end = absl::Now() + absl::Seconds(6);
  do {
    health = HttpGet(metrics_port_, "/healthz");
    ASSERT_TRUE(health.ok()) << health.status();
    if (health->status != 200) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < end);
  EXPECT_EQ(health->status, 503);
  EXPECT_THAT(health->body, ::testing::HasSubstr("delegation expired"));
  EXPECT_EQ(health->body.find('\n'), health->body.size() - 1)
      << "one line: " << health->body;

  // A request now is refused and counted as expired; the page says why.
  EXPECT_FALSE(QueryAs(DeployedClients().back(), Loopback(AF_INET, udp_port_),
                       root_.public_key(), absl::Milliseconds(500))
                   .ok());
  s = ScrapeUntil("roughtimed_expired_total", 1);
  EXPECT_EQ(s["roughtimed_healthy"], 0);
  EXPECT_LT(s["roughtimed_delegation_expiry_seconds"], 0);
  EXPECT_GE(s["roughtimed_expired_total"], 1);
  EXPECT_EQ(s["roughtimed_responses_total"], 1);
  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
}

// --unsync-policy=refuse: /healthz follows the kernel clock, whichever state
// this machine's clock is in (containers often run unsynchronised).
TEST_F(MetricsE2eTest, HealthzFollowsTheClockPolicy) {
  ASSERT_NO_FATAL_FAILURE(
      Start({"--root-key", key_path_, "--workers=1", "--unsync-policy=refuse"}));
  const std::map<std::string, double> s = Scrape();
  ASSERT_EQ(s.count("roughtimed_clock_synchronized"), 1u);
  EXPECT_GE(s.at("roughtimed_clock_max_error_seconds"), 0);
  absl::StatusOr<HttpReply> health = HttpGet(metrics_port_, "/healthz");
  ASSERT_TRUE(health.ok()) << health.status();
  const bool synced = s.at("roughtimed_clock_synchronized") == 1;
  EXPECT_EQ(s.at("roughtimed_clock_signing"), synced ? 1 : 0);
  EXPECT_EQ(s.at("roughtimed_healthy"), synced ? 1 : 0);
  EXPECT_EQ(health->status, synced ? 200 : 503) << health->body;
  absl::StatusOr<VerifiedResponse> answer =
      QueryAs(DeployedClients().front(), Loopback(AF_INET, udp_port_),
              root_.public_key(), absl::Milliseconds(500));
  EXPECT_EQ(answer.ok(), synced) << answer.status();
  if (!synced) {
    EXPECT_THAT(health->body, ::testing::HasSubstr("unsynchronised"));
    EXPECT_GE(ScrapeUntil("roughtimed_unsynced_total", 1)
                  ["roughtimed_unsynced_total"], 1);
  }
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
}

TEST_F(MetricsE2eTest, RudeHttpClientsDoNotDisturbTheService) {
  ASSERT_NO_FATAL_FAILURE(Start({"--root-key", key_path_, "--workers=1"}));
  // Silent connections hold the HTTP threads until their read timeout.
  std::vector<int> idle;
  for (int i = 0; i < 6; ++i) {
    const int fd = ConnectTcp(metrics_port_);
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  // Hang-ups before the answer: closed right after the request (the server
  // writes to a socket the peer resets: SIGPIPE must not kill it), or reset
  // at once.
  for (int i = 0; i < 20; ++i) {
    const int fd = ConnectTcp(metrics_port_);
    ASSERT_GE(fd, 0);
    const std::string request =
        "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    if (i % 2 == 1) {
      linger l{1, 0};  // close with RST
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
    close(fd);
  }
  // Roughtime answers at once regardless.
  const absl::Time asked = absl::Now();
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<VerifiedResponse> verified =
        QueryAs(DeployedClients().front(), Loopback(AF_INET, udp_port_),
                root_.public_key(), absl::Seconds(1));
    ASSERT_TRUE(verified.ok()) << verified.status() << server_->Output();
  }
  EXPECT_LT(absl::Now() - asked, absl::Seconds(1));
  for (int fd : idle) close(fd);
  // And the endpoint recovers once the rude clients are gone.
  absl::StatusOr<HttpReply> health =
      HttpGet(metrics_port_, "/healthz", absl::Seconds(8));
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
}

TEST_F(MetricsE2eTest, TakenPortIsAOneLineErrorAndExit1) {
  const int holder = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(holder, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(listen(holder, 1), 0);
  socklen_t len = sizeof(a);
  ASSERT_EQ(getsockname(holder, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const uint16_t taken = ntohs(a.sin_port);

  absl::StatusOr<std::unique_ptr<ServerProcess>> server = ServerProcess::Start(
      {"--root-key", key_path_, "--port=0", "--listen=127.0.0.1",
       absl::StrCat("--metrics-listen=127.0.0.1:", taken)});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->WaitForExit(), 1) << (*server)->Output();
  std::vector<std::string> errors;
  for (const std::string& line : (*server)->Lines()) {
    if (line.find("error") != std::string::npos) errors.push_back(line);
  }
  ASSERT_EQ(errors.size(), 1u) << (*server)->Output();
  EXPECT_THAT(errors[0], ::testing::HasSubstr(absl::StrCat(
                             "cannot listen for metrics on 127.0.0.1:", taken)));
  close(holder);

  server = ServerProcess::Start({"--root-key", key_path_, "--port=0",
                                 "--metrics-listen=127.0.0.1"});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->WaitForExit(), 2) << (*server)->Output();
  EXPECT_THAT((*server)->Output(), ::testing::HasSubstr("needs a port"));
}

}  // namespace
}  // namespace roughtime::server::testing
