// Measurement over three in-test servers (RFC 10049 §8.2): chained nonces,
// the repeated sequence, causal consistency, and a server two hours ahead
// with valid signatures caught, reported and confirmed by verify-report.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/chain.h"
#include "client/packet_fields.h"
#include "client/report_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/run_program.h"
#include "support/temp_dir.h"
#include "test_server.h"

namespace roughtime::testing {
namespace {

using client::InconsistentPair;
using client::Measurement;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Trio {
  std::vector<std::unique_ptr<TestServer>> servers;
  std::vector<client::ListedServer> listed;
  std::string list_json;
};

// Three servers (two on 127.0.0.1, one on ::1); `options[i]` for server i.
Trio StartTrio(std::vector<TestServerOptions> options) {
  Trio t;
  const char* hosts[] = {"127.0.0.1", "::1", "127.0.0.1"};
  std::vector<std::string> entries;
  for (size_t i = 0; i < options.size(); ++i) {
    options[i].host = hosts[i % 3];
    auto s = TestServer::Start(options[i]);
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return t;
    client::ListedServer l;
    l.name = absl::StrCat("server-", i);
    l.public_key = (*s)->public_key();
    l.udp = *client::ParseHostPort((*s)->address());
    t.listed.push_back(l);
    entries.push_back(absl::StrCat(
        R"({"name":")", l.name, R"(","version":1,"publicKeyType":"ed25519",)",
        R"("publicKey":")", (*s)->public_key_base64(),
        R"(","addresses":[{"protocol":"udp","address":")", (*s)->address(),
        R"("}]})"));
    t.servers.push_back(*std::move(s));
  }
  t.list_json = absl::StrCat(R"({"servers":[)", absl::StrJoin(entries, ","),
                             "]}");
  return t;
}

client::MeasureOptions FastOptions() {
  client::MeasureOptions o;
  o.retry.timeout = absl::Milliseconds(300);
  o.retry.retries = 1;
  o.retry.mode = client::TransportMode::kUdp;
  o.sleep = [](absl::Duration) {};
  return o;
}

// Entry k's nonce is H(response k-1 || rand k), checked independently of
// the library's report checker.
void ExpectChained(const Measurement& m) {
  ASSERT_FALSE(m.answers.empty());
  EXPECT_TRUE(m.answers[0].exchange.nonce.rand.empty());
  for (size_t k = 1; k < m.answers.size(); ++k) {
    const client::Exchange& e = m.answers[k].exchange;
    ASSERT_EQ(e.nonce.rand.size(), 32u);
    Bytes expected(32);
    HashParts({m.answers[k - 1].exchange.response, e.nonce.rand},
              absl::MakeSpan(expected));
    EXPECT_EQ(client::ParseRequestFields(e.request)->nonce, expected) << k;
  }
}

TEST(MeasureTest, ThreeHonestServersAgree) {
  Trio t = StartTrio({{}, {}, {}});
  ASSERT_EQ(t.listed.size(), 3u);
  Measurement m = client::Measure(t.listed, FastOptions());
  ASSERT_TRUE(m.success()) << (m.failures.empty() ? "" : m.failures[0].status.ToString());
  ASSERT_EQ(m.answers.size(), 6u);
  for (size_t k = 0; k < 6; ++k) {
    EXPECT_EQ(m.answers[k].server, k % 3);  // the same order twice
    EXPECT_EQ(m.answers[k].round, static_cast<int>(k / 3));
  }
  ExpectChained(m);
  for (const auto& s : t.servers) EXPECT_EQ(s->udp_requests(), 2);
  ASSERT_TRUE(m.consistency.agreed.has_value());
  EXPECT_LE(m.consistency.agreed->earliest, absl::Now());
  EXPECT_GE(m.consistency.agreed->latest + absl::Seconds(1), absl::Now());
  ASSERT_TRUE(m.consistency.local_offset.has_value());
  EXPECT_LE(m.consistency.local_offset->low, absl::ZeroDuration() + absl::Seconds(1));
  EXPECT_GE(m.consistency.local_offset->high, -absl::Seconds(1));
  client::ReportVerdict v = client::CheckReport(m.ToReport(), false);
  EXPECT_TRUE(v.all_valid());
  EXPECT_FALSE(v.proves_inconsistency());
}

TEST(MeasureTest, ServerTwoHoursAheadIsCaught) {
  TestServerOptions ahead;
  ahead.clock_offset = absl::Hours(2);
  Trio t = StartTrio({{}, ahead, {}});
  ASSERT_EQ(t.listed.size(), 3u);
  Measurement m = client::Measure(t.listed, FastOptions());
  ASSERT_EQ(m.answers.size(), 6u);
  EXPECT_TRUE(m.failures.empty());
  ExpectChained(m);
  // Answers: 0 A, 1 B(+2h), 2 C, 3 A, 4 B(+2h), 5 C. B contradicts every
  // honest answer received after it.
  const std::vector<InconsistentPair> expected = {{1, 2}, {1, 3}, {1, 5},
                                                  {4, 5}};
  EXPECT_EQ(m.consistency.violations, expected);
  EXPECT_FALSE(m.success());
  EXPECT_FALSE(m.consistency.agreed.has_value());
  client::ReportVerdict v = client::CheckReport(m.ToReport(), false);
  EXPECT_TRUE(v.all_valid());
  EXPECT_TRUE(v.proves_inconsistency());
  EXPECT_EQ(v.violations, expected);
}

TEST(MeasureTest, RetriedAndFailedQueriesKeepTheChainIntact) {
  TestServerOptions greased;
  greased.fault = Fault::kBadSrepSignature;
  greased.faulty_replies = 1;  // first answer bad, then good
  TestServerOptions silent;
  silent.fault = Fault::kSilent;
  Trio t = StartTrio({{}, greased, silent});
  ASSERT_EQ(t.listed.size(), 3u);
  Measurement m = client::Measure(t.listed, FastOptions());
  ASSERT_EQ(m.answers.size(), 4u);  // the silent server never answered
  ASSERT_EQ(m.failures.size(), 2u);
  EXPECT_EQ(m.failures[0].server, 2u);
  EXPECT_FALSE(m.success());
  EXPECT_TRUE(m.consistency.consistent());
  ExpectChained(m);
  // The greased server saw two requests in round 1: both chained to the
  // same previous answer, with different random bytes.
  EXPECT_EQ(t.servers[1]->udp_requests(), 3);
  client::ReportVerdict v = client::CheckReport(m.ToReport(), false);
  EXPECT_TRUE(v.all_valid());
}

TEST(SelectTest, GoogleServersAreSkippedAndCountPicksAtRandom) {
  client::ServerList list;
  for (int i = 0; i < 5; ++i) {
    client::ListedServer s;
    s.name = absl::StrCat("s", i);
    s.offer = i == 0 ? client::SingleVersionOffer(Version::kGoogle)
                     : client::DefaultOffer();
    list.servers.push_back(s);
  }
  absl::StatusOr<client::Selection> all = client::SelectServers(list, std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->servers.size(), 4u);
  EXPECT_THAT(all->notes[0], HasSubstr("skipped 's0'"));
  absl::StatusOr<client::Selection> two = client::SelectServers(list, 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->servers.size(), 2u);
  EXPECT_NE(two->servers[0].name, two->servers[1].name);
  EXPECT_FALSE(client::SelectServers(list, 0).ok());
}

class MeasureCliTest : public ::testing::Test {
 protected:
  ProgramResult Cli(std::vector<std::string> args,
                    const std::string& cwd = "") {
    args.insert(args.begin(), PathFromEnv("ROUGHTIME_CLI"));
    return RunProgram(args, {.cwd = cwd});
  }
  TempDir dir_;
};

TEST_F(MeasureCliTest, HonestServersExitZeroWithoutReport) {
  Trio t = StartTrio({{}, {}, {}});
  ASSERT_EQ(t.listed.size(), 3u);
  WriteFile(dir_.File("list.json"), t.list_json);
  ProgramResult r =
      Cli({"measure", "--servers", dir_.File("list.json"), "--timeout=0.5"},
          dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("consistent: every pair of the 6 answers"));
  EXPECT_THAT(r.out, HasSubstr("agreed    "));
  EXPECT_THAT(r.out, HasSubstr("answer 5: server-2 round 2"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path()),
                          std::filesystem::directory_iterator()),
            1);  // only the list: no report

  ProgramResult two = Cli(
      {"measure", "--servers", dir_.File("list.json"), "--count=2", "--json"});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  nlohmann::json j = nlohmann::json::parse(two.out);
  EXPECT_TRUE(j["ok"].get<bool>());
  EXPECT_EQ(j["answers"].size(), 4u);
  EXPECT_THAT(j["notes"][0].get<std::string>(), HasSubstr("fewer than 3"));
}

TEST_F(MeasureCliTest, WrongServerIsReportedAndTheReportVerifies) {
  TestServerOptions ahead;
  ahead.clock_offset = absl::Hours(2);
  Trio t = StartTrio({{}, ahead, {}});
  ASSERT_EQ(t.listed.size(), 3u);
  WriteFile(dir_.File("list.json"), t.list_json);

  // Default report name, in the working directory.
  ProgramResult r =
      Cli({"measure", "--servers", dir_.File("list.json")}, dir_.path());
  ASSERT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_THAT(r.err, HasSubstr("malfeasance: 4 pair(s) of valid answers"));
  EXPECT_THAT(r.out, HasSubstr("INCONSISTENT: 4 pair(s)"));
  EXPECT_THAT(r.out, HasSubstr("(1,2), (1,3), (1,5), (4,5)"));
  std::string report;
  for (const auto& f : std::filesystem::directory_iterator(dir_.path())) {
    if (f.path().filename().string().rfind("roughtime-malfeasance-", 0) == 0) {
      report = f.path().string();
    }
  }
  ASSERT_FALSE(report.empty()) << r.out;
  EXPECT_THAT(r.out, HasSubstr("malfeasance report written to " +
                               std::filesystem::path(report).filename().string()));

  // The RFC 10049 §8.4.1 shape: six entries, no rand on the first only.
  nlohmann::json doc = nlohmann::json::parse(ReadFile(report));
  ASSERT_EQ(doc["responses"].size(), 6u);
  EXPECT_FALSE(doc["responses"][0].contains("rand"));
  for (size_t k = 1; k < 6; ++k) {
    EXPECT_EQ(doc["responses"][k]["rand"].get<std::string>().size(), 44u);
  }
  EXPECT_EQ(doc["responses"][1]["publicKey"], t.servers[1]->public_key_base64());

  ProgramResult v = Cli({"verify-report", report});
  EXPECT_EQ(v.exit_code, 3) << v.err;
  EXPECT_THAT(v.out, HasSubstr("(1,2), (1,3), (1,5), (4,5)"));
  EXPECT_THAT(v.out, HasSubstr("verdict: valid report; it proves"));
  ProgramResult vj = Cli({"verify-report", report, "--json"});
  EXPECT_EQ(vj.exit_code, 3);
  EXPECT_TRUE(nlohmann::json::parse(vj.out)["proves_inconsistency"].get<bool>());

  // An explicit --report path is never overwritten.
  const std::string kept = dir_.File("kept.json");
  WriteFile(kept, "evidence");
  ProgramResult again =
      Cli({"measure", "--servers", dir_.File("list.json"), "--report", kept});
  EXPECT_EQ(again.exit_code, 3);
  EXPECT_THAT(again.err, HasSubstr("report NOT written"));
  EXPECT_THAT(again.err, HasSubstr("already exists"));
  EXPECT_EQ(ReadFile(kept), "evidence");

  // Tampering with a response breaks its signature: exit 4.
  nlohmann::json bad = doc;
  absl::StatusOr<Bytes> resp =
      Base64Decode(bad["responses"][2]["response"].get<std::string>());
  ASSERT_TRUE(resp.ok());
  (*resp)[resp->size() - 100] ^= 1;  // inside CERT or SREP
  bad["responses"][2]["response"] = Base64Encode(*resp);
  WriteFile(dir_.File("bad-sig.json"), bad.dump());
  ProgramResult bs = Cli({"verify-report", dir_.File("bad-sig.json")});
  EXPECT_EQ(bs.exit_code, 4);
  EXPECT_THAT(bs.err, HasSubstr("report invalid: entry 2: "));

  // Changing a rand breaks the chain: exit 4.
  nlohmann::json broken = doc;
  broken["responses"][3]["rand"] = Base64Encode(Bytes(32, 7));
  WriteFile(dir_.File("bad-chain.json"), broken.dump());
  ProgramResult bc = Cli({"verify-report", dir_.File("bad-chain.json")});
  EXPECT_EQ(bc.exit_code, 4);
  EXPECT_THAT(bc.err, HasSubstr("entry 3: request NONC is not H(previous "
                                "response || rand)"));
}

}  // namespace
}  // namespace roughtime::testing
