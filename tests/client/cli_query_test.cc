// The roughtime CLI's query command end to end: output, JSON, exit codes
// and one-line errors, against in-test servers on loopback.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "roughtime/tags.h"
#include "support/files.h"
#include "support/run_program.h"
#include "support/temp_dir.h"
#include "test_server.h"

namespace roughtime::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::unique_ptr<TestServer> StartServer(TestServerOptions o = {}) {
  absl::StatusOr<std::unique_ptr<TestServer>> s = TestServer::Start(o);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

ProgramResult Cli(std::vector<std::string> args) {
  args.insert(args.begin(), PathFromEnv("ROUGHTIME_CLI"));
  return RunProgram(args);
}

// Fast retry settings so failing cases finish in well under a second.
const std::vector<std::string> kFast = {"--timeout=0.3", "--backoff=0.01"};

std::vector<std::string> Query(const TestServer& s,
                               std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"query", s.address(), "--key",
                                   s.public_key_hex()};
  args.insert(args.end(), kFast.begin(), kFast.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

size_t Lines(const std::string& s) {
  return std::count(s.begin(), s.end(), '\n');
}

void ExpectOneLineError(const ProgramResult& r, int code,
                        const std::string& what) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(Lines(r.err), 1u) << r.err;
  EXPECT_THAT(r.err, StartsWith("roughtime: "));
  EXPECT_THAT(r.err, HasSubstr(what));
}

TEST(CliQueryTest, PrintsVerifiedTimeAsText) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ProgramResult r = Cli(Query(*server));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("version   1 (RFC 10049)"));
  EXPECT_THAT(r.out, HasSubstr("radius    3.000000 s"));
  EXPECT_THAT(r.out, HasSubstr("rtt       0."));
  EXPECT_THAT(r.out, HasSubstr("offset    "));
  // The midpoint printed is the server's time in RFC 3339 with a fraction.
  size_t at = r.out.find("midpoint  ");
  ASSERT_NE(at, std::string::npos);
  std::string stamp = r.out.substr(at + 10, 27);
  absl::Time t;
  std::string err;
  ASSERT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%E6SZ", stamp, &t, &err))
      << stamp << ": " << err;
  EXPECT_LT(absl::AbsDuration(t - absl::Now()), absl::Seconds(5));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("(unix ", absl::ToUnixSeconds(t),
                                            ".000000)")));
}

TEST(CliQueryTest, JsonOutputForEveryVersionAndBothKeyEncodings) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  struct Case {
    const char* flag;
    const char* name;
  };
  for (Case c : {Case{"google", "google"}, Case{"draft-08", "draft-08"},
                 Case{"draft-11", "draft-11"}, Case{"0x8000000c", "0x8000000c"},
                 Case{"1", "1"}}) {
    for (const std::string& key :
         {server->public_key_hex(), server->public_key_base64()}) {
      SCOPED_TRACE(std::string(c.flag) + " " + key);
      ProgramResult r = Cli({"query", server->address(), "--key", key,
                             "--version", c.flag, "--json"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      nlohmann::json j = nlohmann::json::parse(r.out);
      EXPECT_TRUE(j["ok"].get<bool>());
      EXPECT_EQ(j["version"], c.name);
      EXPECT_EQ(j["transport"], "udp");
      EXPECT_LT(std::abs(j["midpoint_unix_micros"].get<int64_t>() -
                         absl::ToUnixMicros(absl::Now())),
                5'000'000);
      EXPECT_EQ(j["radius_seconds"].get<double>(), 3.0);
      EXPECT_LT(std::abs(j["offset_seconds"].get<double>()), 1.0);
    }
  }
}

TEST(CliQueryTest, TcpAndFallbackToTcp) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ProgramResult r = Cli(Query(*server, {"--tcp", "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["transport"], "tcp");
  EXPECT_EQ(server->tcp_requests(), 1);
  EXPECT_EQ(server->udp_requests(), 0);

  TestServerOptions o;
  o.udp_silent = true;
  auto silent = StartServer(o);
  ASSERT_NE(silent, nullptr);
  ProgramResult f = Cli(Query(*silent, {"--retries=1", "--timeout=0.2"}));
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_THAT(f.out, HasSubstr("attempt 1 (udp) failed: no answer within"));
  EXPECT_THAT(f.out, HasSubstr("attempt 2 (udp) failed: no answer within"));
  EXPECT_THAT(f.out, HasSubstr("(tcp, attempt 3)"));
  EXPECT_EQ(silent->tcp_requests(), 1);

  ProgramResult no_fallback = Cli(
      Query(*silent, {"--retries=0", "--timeout=0.2", "--no-tcp-fallback"}));
  ExpectOneLineError(no_fallback, 1, "udp attempt 1: no answer within 200ms");
}

struct CliFault {
  const char* name;
  TestServerOptions options;
  std::vector<std::string> extra;
  const char* reason;
};

TEST(CliQueryTest, EachBadAnswerExitsOneWithItsReason) {
  auto fault = [](Fault f) {
    TestServerOptions o;
    o.fault = f;
    return o;
  };
  TestServerOptions expired;
  expired.expired_delegation = true;
  TestServerOptions forced;
  forced.force_version = Version::kDraft12;
  TestServerOptions missing = fault(Fault::kMissingTag);
  missing.missing_tag = kTagType;
  std::vector<CliFault> cases = {
      {"srep", fault(Fault::kBadSrepSignature), {}, "response signature"},
      {"dele", fault(Fault::kBadDeleSignature), {}, "delegation signature"},
      {"expired", expired, {}, "outside the delegation window"},
      {"path", fault(Fault::kWrongPath), {}, "Merkle proof fails"},
      {"indx", fault(Fault::kWrongIndex), {}, "Merkle proof fails"},
      {"version", forced, {"--version=1"}, "version not offered"},
      {"type", missing, {}, "missing tag TYPE"},
      {"nonce", fault(Fault::kWrongNonce), {}, "whose NONC was not ours"},
      {"silent", fault(Fault::kSilent), {}, "no answer within 300ms"},
  };
  for (const CliFault& c : cases) {
    SCOPED_TRACE(c.name);
    auto server = StartServer(c.options);
    ASSERT_NE(server, nullptr);
    std::vector<std::string> extra = c.extra;
    extra.push_back("--retries=1");
    ProgramResult r = Cli(Query(*server, extra));
    ExpectOneLineError(r, 1, c.reason);
    EXPECT_THAT(r.err, HasSubstr("after 3 attempts"));
    EXPECT_EQ(r.out, "");
    // The JSON form carries the same reason for every attempt.
    extra.push_back("--json");
    ProgramResult j = Cli(Query(*server, extra));
    EXPECT_EQ(j.exit_code, 1);
    nlohmann::json doc = nlohmann::json::parse(j.out);
    EXPECT_FALSE(doc["ok"].get<bool>());
    ASSERT_EQ(doc["attempts"].size(), 3u);
    EXPECT_THAT(doc["attempts"][0]["error"].get<std::string>(),
                HasSubstr(c.reason));
  }
}

TEST(CliQueryTest, GreaseWithUndefinedTagsIsAccepted) {
  TestServerOptions o;
  o.fault = Fault::kUndefinedTag;
  auto server = StartServer(o);
  ASSERT_NE(server, nullptr);
  ProgramResult r = Cli(Query(*server));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(udp, attempt 1)"));
}

TEST(CliQueryTest, PreRfcContextsNeedTheFlag) {
  TestServerOptions o;
  o.pre_rfc_contexts = true;
  auto server = StartServer(o);
  ASSERT_NE(server, nullptr);
  ProgramResult strict =
      Cli(Query(*server, {"--retries=0", "--no-tcp-fallback"}));
  ExpectOneLineError(strict, 1, "--allow-pre-rfc-contexts");
  ProgramResult lenient = Cli(Query(*server, {"--allow-pre-rfc-contexts"}));
  EXPECT_EQ(lenient.exit_code, 0) << lenient.err;
  EXPECT_THAT(lenient.out, HasSubstr("pre-RFC capital-T contexts"));
}

TEST(CliQueryTest, ServerByNameFromAList) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  TempDir dir;
  std::string list = dir.File("servers.json");
  WriteFile(list, absl::StrCat(R"({"servers":[{"name":"local","version":1,
    "publicKeyType":"ed25519","publicKey":")", server->public_key_base64(),
    R"(","addresses":[{"protocol":"udp","address":")", server->address(),
    R"("}]}]})"));
  ProgramResult r = Cli({"query", "--server", "local", "--servers", list});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("server    local (udp"));
  ProgramResult missing =
      Cli({"query", "--server", "other", "--servers", list});
  ExpectOneLineError(missing, 2, "no usable server named 'other'");
}

TEST(CliUsageTest, UsageErrorsAreOneLineWithStatusTwo) {
  const std::string key(64, 'a');
  struct Case {
    std::vector<std::string> args;
    const char* what;
  };
  std::vector<Case> cases = {
      {{}, "missing command"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"query"}, "needs HOST:PORT and --key"},
      {{"query", "127.0.0.1:2002"}, "needs HOST:PORT and --key"},
      {{"query", "127.0.0.1:2002", "--key", "nothex"}, "--key is not"},
      {{"query", "127.0.0.1", "--key", key}, "is not host:port"},
      {{"query", "::1:2002", "--key", key}, "IPv6 addresses go in brackets"},
      {{"query", "127.0.0.1:2002", "--key", key, "--bogus"},
       "unknown flag '--bogus'"},
      {{"query", "127.0.0.1:2002", "--key", key, "--timeout=soon"},
       "--timeout: invalid value 'soon'"},
      {{"query", "127.0.0.1:2002", "--key", key, "--timeout=0"},
       "--timeout must be positive"},
      {{"query", "127.0.0.1:2002", "--key", key, "--retries=-1"},
       "--retries must be between"},
      {{"query", "127.0.0.1:2002", "--key", key, "--version", "draft-99"},
       "--version 'draft-99'"},
      {{"query", "127.0.0.1:2002", "--key", key, "--version", "google",
        "--tcp"},
       "--tcp cannot carry Google-Roughtime"},
      {{"query", "127.0.0.1:2002", "--key", key, "--count=3"},
       "unknown flag '--count=3'"},
      {{"query", "127.0.0.1:2002", "--key"}, "--key needs a value"},
      {{"measure"}, "measure: needs --servers FILE"},
      {{"measure", "--servers", "/nonexistent/list.json"},
       "cannot read the server list"},
      {{"verify-report"}, "needs exactly one report FILE"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrJoin(c.args, " "));
    ExpectOneLineError(Cli(c.args), 2, c.what);
  }
}

TEST(CliUsageTest, HelpListsCommandsAndExitCodes) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--help"}, {"query", "--help"},
        {"measure", "-h"}}) {
    ProgramResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_THAT(r.out, HasSubstr("roughtime query HOST:PORT --key KEY"));
    EXPECT_THAT(r.out, HasSubstr("roughtime verify-report FILE"));
    for (const char* code : {"  0  success", "  1  no valid answer",
                             "  2  usage error", "  3  malfeasance",
                             "  4  verify-report: the report is invalid"}) {
      EXPECT_THAT(r.out, HasSubstr(code));
    }
  }
}

}  // namespace
}  // namespace roughtime::testing
