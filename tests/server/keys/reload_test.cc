// SIGHUP key reloads with the real binary on loopback (key_keeper.h,
// reload.h):
//  * --delegation replaced atomically under continuous traffic (UDP from
//    three threads, TCP on one connection): every request gets an answer
//    that verifies, and every request sent after
//    the reload line carries the new online key;
//  * bad replacements (garbage, expired, not yet valid, missing, wrong
//    versions): one error line each, the old key keeps serving;
//  * a delegation from another root: accepted, the new root logged loudly;
//  * --root-key and --dev: an unchanged seed keeps the online key, a new
//    seed delegates a new online key from the new root.
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/keyfile.h"
#include "shared_support.h"
#include "tcp_test_client.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    root_path_ = dir_.File("root.key");
    ASSERT_TRUE(WriteSeedHexFile(root_path_, root_.seed(), 0600));
    live_path_ = dir_.File("live.json");
  }

  // roughtime-keygen delegate --root ROOT_FILE `window` --out OUT.
  void Delegate(const std::string& root_file, const std::string& window,
                const std::string& out) {
    const char* keygen = std::getenv("ROUGHTIME_KEYGEN");
    ASSERT_NE(keygen, nullptr) << "ROUGHTIME_KEYGEN is not set";
    const std::string command =
        absl::StrCat(keygen, " delegate --root ", root_file, " ", window,
                     " --force --out ", out, " >", dir_.File("keygen.out"),
                     " 2>&1");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  // Replaces `target` the way an operator should: write beside, rename.
  static void ReplaceAtomically(const std::string& from,
                                const std::string& target) {
    ASSERT_EQ(rename(from.c_str(), target.c_str()), 0) << from;
  }

  static PublicKey OnlineKeyOf(const std::string& delegation) {
    absl::StatusOr<OnlineIdentity> id = ReadDelegationFile(delegation);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? id->online_key.public_key() : PublicKey{};
  }

  uint16_t Start(std::vector<std::string> args, const std::string& cwd = "") {
    args.insert(args.begin(), {"--port=0", "--listen=127.0.0.1",
                               "--stats-interval=0"});
    return StartListening(args, &server_, cwd);
  }

  size_t CountLines(const std::string& needle) const {
    size_t n = 0;
    for (const std::string& line : server_->Lines()) {
      n += absl::StrContains(line, needle);
    }
    return n;
  }

  std::string LastLine(const std::string& needle) const {
    std::string last;
    for (const std::string& line : server_->Lines()) {
      if (absl::StrContains(line, needle)) last = line;
    }
    return last;
  }

  // Sends SIGHUP and waits until `needle` appears `count` times in total.
  bool Reload(const std::string& needle, size_t count) {
    if (kill(server_->pid(), SIGHUP) != 0) return false;
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (absl::Now() < deadline) {
      if (CountLines(needle) >= count) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return false;
  }

  absl::StatusOr<VerifiedResponse> Query(uint16_t port, const PublicKey& root,
                                         absl::Duration timeout =
                                             absl::Seconds(2)) {
    return QueryAs(DeployedClients().back(), Loopback(AF_INET, port), root,
                   timeout);
  }

  TempDir dir_;
  SigningKey root_ = SigningKey::Generate();
  std::string root_path_;
  std::string live_path_;
  std::unique_ptr<ServerProcess> server_;
};

// One client thread's record: every answer verified, and which key signed
// the answers to requests sent after the reload line was seen.
struct Traffic {
  absl::Mutex mu;
  size_t sent = 0, verified = 0;
  size_t old_key_before = 0, new_key_after = 0, old_key_after = 0;
  size_t tcp_verified = 0;
  std::vector<std::string> failures;
};

TEST_F(ReloadTest, DelegationReplacedUnderTrafficLosesNothing) {
  Delegate(root_path_, "", live_path_);
  const PublicKey old_key = OnlineKeyOf(live_path_);
  const std::string next = dir_.File("next.json");
  Delegate(root_path_, "", next);
  const PublicKey new_key = OnlineKeyOf(next);
  ASSERT_NE(old_key, new_key);

  const uint16_t port = Start({"--delegation", live_path_, "--workers=2"});
  ASSERT_NE(port, 0);
  const std::vector<ClientBehaviour> clients = DeployedClients();
  std::atomic<bool> reloaded{false}, stop{false};
  Traffic traffic;
  auto run = [&](size_t offset) {
    for (size_t i = offset; !stop.load(); ++i) {
      const bool after = reloaded.load();  // decided before sending
      const ClientBehaviour& client = clients[i % clients.size()];
      // One try, no retry: on loopback nothing may be lost.
      absl::StatusOr<VerifiedResponse> r = QueryAs(
          client, Loopback(AF_INET, port), root_.public_key(),
          absl::Seconds(2));
      absl::MutexLock lock(&traffic.mu);
      ++traffic.sent;
      if (!r.ok()) {
        traffic.failures.push_back(
            absl::StrCat(client.name, ": ", r.status().ToString()));
        continue;
      }
      ++traffic.verified;
      if (!after) traffic.old_key_before += r->online_key == old_key;
      if (after) {
        traffic.new_key_after += r->online_key == new_key;
        traffic.old_key_after += r->online_key == old_key;
      }
    }
  };
  // The TCP thread follows the store too: one connection throughout.
  auto run_tcp = [&] {
    // The last deployed client speaks RFC 10049 (framed, so TCP can carry it).
    const ClientBehaviour client = DeployedClients().back();
    ASSERT_FALSE(client.google);
    absl::StatusOr<TcpTestClient> tcp =
        TcpTestClient::Connect(Loopback(AF_INET, port));
    while (!stop.load()) {
      const bool after = reloaded.load();
      const BuiltRequest request =
          BuildClientRequest(client, root_.public_key());
      absl::StatusOr<VerifiedResponse> r =
          absl::UnavailableError("tcp connect failed");
      if (tcp.ok() && tcp->Send(request.packet)) {
        std::optional<Bytes> reply = tcp->ReceivePacket(absl::Seconds(2));
        r = reply.has_value() ? VerifyAsClient(client, request,
                                               root_.public_key(), *reply)
                              : absl::DeadlineExceededError("no tcp answer");
      }
      absl::MutexLock lock(&traffic.mu);
      ++traffic.sent;
      if (!r.ok()) {
        traffic.failures.push_back(absl::StrCat("tcp: ", r.status().ToString()));
        return;  // the connection is unusable now
      }
      ++traffic.verified;
      ++traffic.tcp_verified;
      if (!after) traffic.old_key_before += r->online_key == old_key;
      if (after) {
        traffic.new_key_after += r->online_key == new_key;
        traffic.old_key_after += r->online_key == old_key;
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 3; ++t) threads.emplace_back(run, t);
  threads.emplace_back(run_tcp);
  absl::SleepFor(absl::Milliseconds(400));
  ReplaceAtomically(next, live_path_);
  const bool logged = Reload("reloaded on SIGHUP", 1);
  reloaded.store(true);
  absl::SleepFor(absl::Milliseconds(600));
  stop.store(true);
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(logged) << server_->Output();

  EXPECT_TRUE(traffic.failures.empty())
      << traffic.failures.size() << " lost or bad, first: "
      << traffic.failures.front() << "\n" << server_->Output();
  EXPECT_EQ(traffic.verified, traffic.sent);
  EXPECT_GT(traffic.old_key_before, 10u);
  EXPECT_GT(traffic.new_key_after, 10u);
  EXPECT_EQ(traffic.old_key_after, 0u) << "old key used after the reload";
  EXPECT_GT(traffic.tcp_verified, 10u);
  EXPECT_EQ(CountLines(Base64Encode(new_key)), 1u) << server_->Output();

  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
  const auto stats = ExitStats(server_->Lines());
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("responses"), traffic.sent);
  EXPECT_EQ(stats.at("dropped"), 0u);
  EXPECT_EQ(stats.at("reloads"), 1u);
  EXPECT_EQ(stats.at("reload_failures"), 0u);
}

TEST_F(ReloadTest, BadReplacementsLogOneLineAndKeepTheOldKey) {
  Delegate(root_path_, "", live_path_);
  const PublicKey old_key = OnlineKeyOf(live_path_);
  const uint16_t port = Start({"--delegation", live_path_, "--workers=1"});
  ASSERT_NE(port, 0);
  const std::string next = dir_.File("next.json");
  struct Case {
    std::string name;
    std::string window;  // keygen delegate window; empty: `contents`
    std::string contents;
    std::string reason;  // part of the error line
  };
  const std::vector<Case> cases = {
      {"garbage", "", "{ not a delegation", "not valid JSON"},
      {"expired", "", "", "not valid now"},
      {"not yet valid", "--not-before +1h --not-after +3h", "",
       "not valid now"},
      {"missing", "", "", "No such file"},
  };
  size_t failures = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    if (c.name == "expired") {
      // roughtime-keygen refuses to make one; the core's writer does not.
      const uint64_t now = absl::ToUnixSeconds(absl::Now());
      const OnlineIdentity expired = DelegateOnlineKey(
          root_, DelegationWindow{now - 3 * 3600, now - 3600});
      ASSERT_TRUE(WriteDelegationFile(next, expired, /*overwrite=*/true).ok());
      ReplaceAtomically(next, live_path_);
    } else if (!c.window.empty()) {
      Delegate(root_path_, c.window, next);
      ReplaceAtomically(next, live_path_);
    } else if (!c.contents.empty()) {
      FILE* f = fopen(next.c_str(), "w");
      ASSERT_NE(f, nullptr);
      fputs(c.contents.c_str(), f);
      fclose(f);
      ASSERT_EQ(chmod(next.c_str(), 0600), 0);
      ReplaceAtomically(next, live_path_);
    } else {
      ASSERT_EQ(unlink(live_path_.c_str()), 0);
    }
    ++failures;
    ASSERT_TRUE(Reload("reload on SIGHUP failed", failures))
        << server_->Output();
    EXPECT_TRUE(absl::StrContains(LastLine("reload on SIGHUP failed"),
                                  c.reason))
        << server_->Output();
    absl::StatusOr<VerifiedResponse> r = Query(port, root_.public_key());
    ASSERT_TRUE(r.ok()) << r.status() << "\n" << server_->Output();
    EXPECT_EQ(r->online_key, old_key);
  }
  // Exactly one line per failed reload and nothing else about reloads.
  EXPECT_EQ(CountLines("reload"), failures) << server_->Output();
  EXPECT_EQ(CountLines("still serving online key " + Base64Encode(old_key)),
            failures);

  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
  const auto stats = ExitStats(server_->Lines());
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("reloads"), 0u);
  EXPECT_EQ(stats.at("reload_failures"), failures);
  EXPECT_EQ(stats.at("responses"), failures);
}

TEST_F(ReloadTest, DelegationFromAnotherRootIsTakenAndLoggedLoudly) {
  Delegate(root_path_, "", live_path_);
  const uint16_t port = Start({"--delegation", live_path_, "--workers=1"});
  ASSERT_NE(port, 0);
  ASSERT_TRUE(Query(port, root_.public_key()).ok()) << server_->Output();

  const SigningKey other = SigningKey::Generate();
  const std::string other_path = dir_.File("other.key");
  ASSERT_TRUE(WriteSeedHexFile(other_path, other.seed(), 0600));
  const std::string next = dir_.File("next.json");
  Delegate(other_path, "", next);
  ReplaceAtomically(next, live_path_);
  ASSERT_TRUE(Reload("reloaded on SIGHUP", 1)) << server_->Output();
  const std::optional<std::string> warning =
      server_->WaitForLine("ROOT KEY CHANGED", absl::Seconds(1));
  ASSERT_TRUE(warning.has_value()) << server_->Output();
  EXPECT_TRUE(absl::StrContains(*warning, Base64Encode(other.public_key())));
  EXPECT_TRUE(absl::StrContains(*warning, Base64Encode(root_.public_key())));

  absl::StatusOr<VerifiedResponse> r = Query(port, other.public_key());
  EXPECT_TRUE(r.ok()) << r.status() << "\n" << server_->Output();
  // Clients pinning the old root now reject the answers.
  EXPECT_FALSE(Query(port, root_.public_key()).ok());
}

TEST_F(ReloadTest, RootKeyReloadDelegatesFromTheNewRoot) {
  const uint16_t port = Start({"--root-key", root_path_, "--workers=2"});
  ASSERT_NE(port, 0);
  absl::StatusOr<VerifiedResponse> first = Query(port, root_.public_key());
  ASSERT_TRUE(first.ok()) << first.status() << server_->Output();

  // The same seed: nothing to change, the online key stays.
  ASSERT_TRUE(Reload("unchanged", 1)) << server_->Output();
  absl::StatusOr<VerifiedResponse> same = Query(port, root_.public_key());
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->online_key, first->online_key);

  // A corrupt seed: refused, the old root keeps signing.
  const std::string next = dir_.File("next.key");
  FILE* f = fopen(next.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("not a seed\n", f);
  fclose(f);
  ASSERT_EQ(chmod(next.c_str(), 0600), 0);
  ReplaceAtomically(next, root_path_);
  ASSERT_TRUE(Reload("reload on SIGHUP failed", 1)) << server_->Output();
  ASSERT_TRUE(Query(port, root_.public_key()).ok()) << server_->Output();

  // A new root: a new online key delegated by it, the change logged.
  const SigningKey other = SigningKey::Generate();
  ASSERT_TRUE(WriteSeedHexFile(next, other.seed(), 0600));
  ReplaceAtomically(next, root_path_);
  ASSERT_TRUE(Reload("new online key", 1)) << server_->Output();
  EXPECT_EQ(CountLines("ROOT KEY CHANGED"), 1u) << server_->Output();
  absl::StatusOr<VerifiedResponse> after = Query(port, other.public_key());
  ASSERT_TRUE(after.ok()) << after.status() << "\n" << server_->Output();
  EXPECT_NE(after->online_key, first->online_key);
  // Both workers (each has its own socket) moved over.
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(Query(port, other.public_key()).ok());
  }

  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
  const auto stats = ExitStats(server_->Lines());
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("reloads"), 2u);
  EXPECT_EQ(stats.at("reload_failures"), 1u);
  EXPECT_EQ(stats.at("dropped"), 0u);
}

TEST_F(ReloadTest, DevKeyReloadReadsTheFileAndNeverCreatesOne) {
  const uint16_t port = Start({"--dev", "--workers=1"}, dir_.path());
  ASSERT_NE(port, 0);
  const std::string dev_key = dir_.File("keys/dev-root.key");
  ASSERT_EQ(FileMode(dev_key), 0600);
  // Gone: a reload must not make a new root behind the operator's back.
  ASSERT_EQ(rename(dev_key.c_str(), dir_.File("saved.key").c_str()), 0);
  ASSERT_TRUE(Reload("reload on SIGHUP failed", 1)) << server_->Output();
  EXPECT_EQ(FileMode(dev_key), -1);

  const SigningKey other = SigningKey::Generate();
  ASSERT_TRUE(WriteSeedHexFile(dev_key, other.seed(), 0600));
  ASSERT_TRUE(Reload("reloaded on SIGHUP", 1)) << server_->Output();
  absl::StatusOr<VerifiedResponse> r = Query(port, other.public_key());
  EXPECT_TRUE(r.ok()) << r.status() << "\n" << server_->Output();
}

}  // namespace
}  // namespace roughtime::server::testing
