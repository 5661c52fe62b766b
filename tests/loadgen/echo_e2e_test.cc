// roughtime-bench as a real process against the echo target (another real
// process) and against a socket that never answers, on loopback.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loopback_address.h"
#include "socket_loop.h"
#include "support/run_program.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

std::string Bench() { return PathFromEnv("ROUGHTIME_BENCH"); }

// Runs the generator with --json and returns the parsed report.
json RunBench(std::vector<std::string> args) {
  args.insert(args.begin(), Bench());
  args.push_back("--json");
  const ProgramResult c = RunProgram(args);
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.err, "");
  json j = json::parse(c.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << c.out;
  return j;
}

class EchoTarget {
 public:
  void Start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"echo", "--listen", "127.0.0.1:0",
                                     "--duration", "60"};
    args.insert(args.end(), extra.begin(), extra.end());
    absl::StatusOr<std::unique_ptr<ServerProcess>> p =
        ServerProcess::Start(args, "", Bench());
    ASSERT_TRUE(p.ok()) << p.status();
    process_ = *std::move(p);
    const std::optional<std::string> line =
        process_->WaitForLine("listening on udp", absl::Seconds(10));
    ASSERT_TRUE(line.has_value()) << process_->Output();
    // "roughtime-bench echo: listening on udp 127.0.0.1:PORT pid N"
    const size_t at = line->find("127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << *line;
    address_ = line->substr(at, line->find(' ', at) - at);
    const size_t pid_at = line->rfind(' ');
    ASSERT_TRUE(absl::SimpleAtoi(line->substr(pid_at + 1), &printed_pid_));
  }
  const std::string& address() const { return address_; }
  int printed_pid() const { return printed_pid_; }
  ServerProcess& process() { return *process_; }

 private:
  std::unique_ptr<ServerProcess> process_;
  std::string address_;
  int printed_pid_ = 0;
};

TEST(EchoE2eTest, ClosedLoopAnswersEveryRequestWithSaneLatencies) {
  ASSERT_FALSE(Bench().empty()) << "ROUGHTIME_BENCH not set";
  EchoTarget echo;
  ASSERT_NO_FATAL_FAILURE(echo.Start());
  EXPECT_EQ(echo.printed_pid(), echo.process().pid());
  const json r = RunBench({"--server", echo.address(), "--duration", "0.5",
                           "--concurrency", "16", "--server-pid",
                           absl::StrCat(echo.printed_pid())});
  const uint64_t sent = r["sent"];
  EXPECT_GT(sent, 100u);  // even a loaded 2-core VM manages this in 0.5 s
  EXPECT_EQ(r["answered"], sent);
  EXPECT_EQ(r["lost"], 0);
  EXPECT_EQ(r["unmatched"], 0);
  EXPECT_GE(r["send_seconds"].get<double>(), 0.5);
  EXPECT_LT(r["send_seconds"].get<double>(), 2.0);
  const json& l = r["latency_us"];
  EXPECT_EQ(l["count"], sent);
  EXPECT_GT(l["p50"].get<double>(), 0.0);
  EXPECT_LE(l["p50"].get<double>(), l["p90"].get<double>());
  EXPECT_LE(l["p90"].get<double>(), l["p99"].get<double>());
  EXPECT_LE(l["p99"].get<double>(), l["p999"].get<double>());
  EXPECT_LE(l["p999"].get<double>(), l["max"].get<double>());
  EXPECT_LT(l["max"].get<double>(), 1e6);  // under the 1 s timeout
  ASSERT_TRUE(r["server"].is_object());
  EXPECT_EQ(r["server"]["pid"], echo.printed_pid());
  EXPECT_GE(r["server"]["cpu_seconds"].get<double>(), 0.0);
  EXPECT_GT(r["generator"]["cpu_seconds"].get<double>(), 0.0);
  // The echo target counted what the generator sent.
  ASSERT_EQ(echo.process().Stop(SIGTERM), 0);
  EXPECT_THAT(echo.process().Output(),
              HasSubstr(absl::StrCat("answered ", sent, ",")));
}

TEST(EchoE2eTest, OpenLoopSendsTheRequestedCountAtTheRequestedRate) {
  EchoTarget echo;
  ASSERT_NO_FATAL_FAILURE(echo.Start());
  // 200/s for 40 requests: the last leaves 195 ms after the first.
  const json r = RunBench({"--server", echo.address(), "--rate", "200",
                           "--requests", "40", "--duration", "10"});
  EXPECT_EQ(r["mode"], "open");
  EXPECT_EQ(r["sent"], 40);
  EXPECT_EQ(r["answered"], 40);
  EXPECT_EQ(r["lost"], 0);
  EXPECT_GE(r["send_seconds"].get<double>(), 0.19);
  EXPECT_LT(r["send_seconds"].get<double>(), 1.0);

  // Bounded by duration instead: 100/s for 0.5 s is 50 requests, due at
  // 0, 10, ..., 490 ms; never more, and a few fewer only if this loaded
  // machine stalls the generator right at the end.
  const json d = RunBench({"--server", echo.address(), "--rate", "100",
                           "--duration", "0.5"});
  EXPECT_GE(d["sent"].get<int>(), 45);
  EXPECT_LE(d["sent"].get<int>(), 50);
  EXPECT_EQ(d["answered"], d["sent"]);
}

TEST(EchoE2eTest, EverythingIsLostWhenTheTargetNeverAnswers) {
  // A bound socket that nobody reads: datagrams are accepted, never answered
  // (and no ICMP port-unreachable comes back).
  absl::StatusOr<loadgen::LoopbackAddress> any =
      loadgen::ParseLoopbackAddress("127.0.0.1:0", true);
  ASSERT_TRUE(any.ok());
  absl::StatusOr<loadgen::UniqueFd> silent =
      loadgen::OpenBoundUdp(*any, 1 << 20);
  ASSERT_TRUE(silent.ok()) << silent.status();
  absl::StatusOr<loadgen::LoopbackAddress> bound =
      loadgen::BoundAddress(silent->get());
  ASSERT_TRUE(bound.ok());
  const json r = RunBench({"--server", bound->ToString(), "--concurrency",
                           "8", "--duration", "0.35", "--timeout", "0.1"});
  const uint64_t sent = r["sent"];
  // Closed loop re-sends after each 0.1 s timeout: about 4 rounds of 8.
  EXPECT_GE(sent, 16u);
  EXPECT_EQ(r["answered"], 0);
  EXPECT_EQ(r["lost"], sent);
  EXPECT_EQ(r["latency_us"]["count"], 0);
  EXPECT_EQ(r["answered_per_second"].get<double>(), 0.0);
}

TEST(EchoE2eTest, VerificationRejectsEchoedRequests) {
  EchoTarget echo;
  ASSERT_NO_FATAL_FAILURE(echo.Start());
  // Echoed requests match by nonce but are no signed responses.
  const json r = RunBench(
      {"--server", echo.address(), "--requests", "20", "--concurrency", "4",
       "--verify-fraction", "0.5", "--key",
       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="});
  EXPECT_EQ(r["answered"], 20);
  EXPECT_EQ(r["verified"], 0);
  EXPECT_EQ(r["verify_failed"], 10);
  EXPECT_TRUE(r.contains("first_verify_error"));
}

TEST(EchoE2eTest, EchoIgnoresShortDatagramsAndEchoesThePrefix) {
  EchoTarget echo;
  ASSERT_NO_FATAL_FAILURE(echo.Start());
  absl::StatusOr<loadgen::LoopbackAddress> target =
      loadgen::ParseLoopbackAddress(echo.address(), false);
  ASSERT_TRUE(target.ok());
  absl::StatusOr<loadgen::UniqueFd> fd = loadgen::OpenConnectedUdp(*target, 0);
  ASSERT_TRUE(fd.ok());
  std::vector<uint8_t> big(1024);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7);
  ASSERT_EQ(send(fd->get(), big.data(), 1023, 0), 1023);  // one byte short
  ASSERT_EQ(send(fd->get(), big.data(), big.size(), 0), 1024);
  uint8_t reply[2048];
  // Non-blocking socket: poll for the one reply.
  ssize_t n = -1;
  for (int i = 0; i < 200 && n < 0; ++i) {
    n = recv(fd->get(), reply, sizeof(reply), 0);
    if (n < 0) usleep(10000);
  }
  ASSERT_EQ(n, 400);
  EXPECT_EQ(std::vector<uint8_t>(reply, reply + 400),
            std::vector<uint8_t>(big.begin(), big.begin() + 400));
  usleep(100000);
  EXPECT_LT(recv(fd->get(), reply, sizeof(reply), 0), 0);  // nothing else
  ASSERT_EQ(echo.process().Stop(SIGTERM), 0);
  EXPECT_THAT(echo.process().Output(), HasSubstr("ignored 1 short"));
}

TEST(EchoE2eTest, EchoWritesItsPidFile) {
  TempDir dir;
  const std::string pid_file = dir.File("echo.pid");
  EchoTarget echo;
  ASSERT_NO_FATAL_FAILURE(echo.Start({"--pid-file", pid_file}));
  std::ifstream in(pid_file);
  int pid = 0;
  in >> pid;
  EXPECT_EQ(pid, echo.process().pid());
  ASSERT_EQ(echo.process().Stop(SIGTERM), 0);
}

TEST(CliTest, RefusesNonLoopbackTargetsWithOneLine) {
  for (const char* target : {"10.1.2.3:2002", "192.168.0.10:2002",
                             "203.0.113.5:2002", "[2001:db8::1]:2002",
                             "time.example.com:2002"}) {
    const ProgramResult c =
        RunProgram({Bench(), "--server", target, "--duration", "1"},
                   {.timeout = absl::Seconds(10)});
    EXPECT_EQ(c.exit_code, 2) << target;
    EXPECT_EQ(c.out, "") << target;
    EXPECT_THAT(c.err, HasSubstr("refusing target")) << target;
    EXPECT_EQ(std::count(c.err.begin(), c.err.end(), '\n'), 1) << c.err;
  }
  const ProgramResult echo =
      RunProgram({Bench(), "echo", "--listen", "0.0.0.0:0"},
                 {.timeout = absl::Seconds(10)});
  EXPECT_EQ(echo.exit_code, 2);
  EXPECT_THAT(echo.err, HasSubstr("refusing"));
}

TEST(CliTest, UsageErrorsExitTwoAndHelpExitsZero) {
  const ProgramResult bad = RunProgram(
      {Bench(), "--server", "127.0.0.1:9", "--rate", "1", "--concurrency", "1"},
      {.timeout = absl::Seconds(10)});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  const ProgramResult help =
      RunProgram({Bench(), "--help"}, {.timeout = absl::Seconds(10)});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--verify-fraction"));
}

}  // namespace
}  // namespace roughtime::testing
