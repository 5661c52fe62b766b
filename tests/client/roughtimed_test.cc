// The client against our own server binary, roughtimed, on loopback: every
// version over UDP, IPv4 and IPv6, and a chained measurement over three
// server processes, and a query over TCP.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/query.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "roughtime/crypto.h"
#include "support/files.h"
#include "support/run_program.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ::testing::HasSubstr;

// One roughtimed process with a fresh root key.
class Roughtimed {
 public:
  static std::unique_ptr<Roughtimed> Start(const TempDir& dir,
                                           const std::string& host) {
    auto r = std::unique_ptr<Roughtimed>(new Roughtimed());
    Seed seed;
    RandomBytes(absl::MakeSpan(seed));
    r->public_key_ = SigningKey::FromSeed(seed).public_key();
    const std::string key_file =
        dir.File("root-" + HexEncode(r->public_key_).substr(0, 8));
    if (!WriteSeedHexFile(key_file, seed)) return nullptr;
    const std::string listen =
        host.find(':') != std::string::npos ? "[" + host + "]:0" : host + ":0";
    const std::optional<server::SocketAddress> bound =
        StartServer({"--listen", listen, "--root-key", key_file}, &r->process_);
    if (!bound) return nullptr;
    r->address_ = bound->ToString();
    // The address asked for, with the port the kernel chose.
    EXPECT_TRUE(
        absl::StartsWith(r->address_, listen.substr(0, listen.size() - 1)))
        << r->address_;
    return r;
  }

  const std::string& address() const { return address_; }
  const PublicKey& public_key() const { return public_key_; }
  int Stop() { return process_->Stop(SIGTERM); }

 private:
  Roughtimed() = default;
  std::unique_ptr<ServerProcess> process_;
  std::string address_;
  PublicKey public_key_{};
};

class RoughtimedTest : public ::testing::Test {
 protected:
  client::QueryOptions Options(const Roughtimed& server, client::Offer offer) {
    client::QueryOptions q;
    q.target.udp = *client::ParseHostPort(server.address());
    q.target.tcp = q.target.udp;
    q.target.root_key = server.public_key();
    q.target.offer = offer;
    q.retry.timeout = absl::Seconds(1);
    q.retry.retries = 2;
    q.retry.mode = client::TransportMode::kUdp;
    q.retry.initial_backoff = absl::Milliseconds(100);
    return q;
  }

  TempDir dir_;
};

TEST_F(RoughtimedTest, EveryVersionOverUdpOnIpv4AndIpv6) {
  for (const char* host : {"127.0.0.1", "::1"}) {
    SCOPED_TRACE(host);
    auto server = Roughtimed::Start(dir_, host);
    ASSERT_NE(server, nullptr);
    for (const char* name :
         {"google", "draft-08", "draft-09", "draft-10", "draft-11",
          "0x8000000c", "1"}) {
      SCOPED_TRACE(name);
      absl::StatusOr<Version> v = ParseVersionName(name);
      ASSERT_TRUE(v.ok());
      client::QueryOutcome q =
          client::Query(Options(*server, client::SingleVersionOffer(*v)));
      ASSERT_TRUE(q.status.ok()) << q.status;
      EXPECT_EQ(q.exchange->verified.version, *v);
      EXPECT_LT(absl::AbsDuration(q.exchange->verified.midpoint - absl::Now()),
                absl::Seconds(5));
      EXPECT_GT(q.exchange->verified.radius, absl::ZeroDuration());
      EXPECT_FALSE(q.exchange->verified.pre_rfc_contexts);

      ProgramResult cli =
          RunProgram({PathFromEnv("ROUGHTIME_CLI"), "query", server->address(),
                      "--key", Base64Encode(server->public_key()), "--version",
                      name, "--json", "--no-tcp-fallback"});
      ASSERT_EQ(cli.exit_code, 0) << cli.err;
      EXPECT_EQ(nlohmann::json::parse(cli.out)["version"], name);
    }
    // What a user gets without --version: RFC 10049 version 1.
    client::QueryOutcome q =
        client::Query(Options(*server, client::DefaultOffer()));
    ASSERT_TRUE(q.status.ok()) << q.status;
    EXPECT_EQ(q.exchange->verified.version, Version::kRfc1);
    EXPECT_NE(server->Stop(), -1) << "roughtimed did not stop on SIGTERM";
  }
}

TEST_F(RoughtimedTest, ChainedMeasurementOverThreeServers) {
  std::vector<std::unique_ptr<Roughtimed>> servers;
  std::string list = R"({"servers":[)";
  for (int i = 0; i < 3; ++i) {
    servers.push_back(Roughtimed::Start(dir_, i == 1 ? "::1" : "127.0.0.1"));
    ASSERT_NE(servers.back(), nullptr);
    absl::StrAppend(&list, i ? "," : "", R"({"name":"rtd-)", i,
                    R"(","version":1,"publicKeyType":"ed25519","publicKey":")",
                    Base64Encode(servers.back()->public_key()),
                    R"(","addresses":[{"protocol":"udp","address":")",
                    servers.back()->address(), R"("}]})");
  }
  list += "]}";
  WriteFile(dir_.File("list.json"), list);
  ProgramResult r = RunProgram({PathFromEnv("ROUGHTIME_CLI"), "measure",
                                "--servers", dir_.File("list.json"), "--json"},
                               {.cwd = dir_.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["consistent"].get<bool>());
  EXPECT_EQ(j["answers"].size(), 6u);
  EXPECT_FALSE(j["agreed"].is_null());
}

// roughtimed serves TCP on the same address and port as UDP.
TEST_F(RoughtimedTest, TcpQueryIsAnswered) {
  auto server = Roughtimed::Start(dir_, "127.0.0.1");
  ASSERT_NE(server, nullptr);
  client::QueryOptions q = Options(*server, client::DefaultOffer());
  q.retry.mode = client::TransportMode::kTcp;
  client::QueryOutcome outcome = client::Query(q);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status;
  EXPECT_EQ(outcome.exchange->transport, client::TransportKind::kTcp);
}

}  // namespace
}  // namespace roughtime::testing
