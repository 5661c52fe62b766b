// --user/--group with the real binary (privileges.h): the server binds and
// reads its keys as root, then runs as the user (checked in
// /proc/PID/status, ids and supplementary groups) and still answers on
// loopback; SIGHUP reloads read the key files as that user. Switching
// users needs root: these tests skip (saying why) when not run as root;
// the non-root refusal is tested by starting the server through setpriv.
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client_behaviours.h"
#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "shared_support.h"
#include "udp_test_client.h"

namespace roughtime::server::testing {
namespace {

constexpr char kSetpriv[] = "/usr/bin/setpriv";

// The whitespace-separated fields after "Name:" in /proc/PID/status.
std::vector<std::string> StatusFields(pid_t pid, const std::string& name) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, name + ":")) {
      return absl::StrSplit(line.substr(name.size() + 1), absl::ByAnyChar(" \t"),
                            absl::SkipEmpty());
    }
  }
  return {};
}

class PrivilegeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    // Traversable so that the unprivileged server can reach its files.
    ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
    key_path_ = dir_.File("root.key");
    ASSERT_TRUE(WriteSeedHexFile(key_path_, root_.seed(), 0600));
    const passwd* pw = getpwnam("nobody");
    const group* gr = getgrnam("nogroup");
    if (pw != nullptr) nobody_uid_ = pw->pw_uid, nobody_gid_ = pw->pw_gid;
    if (gr != nullptr) nogroup_gid_ = gr->gr_gid;
  }

  // Why a test that switches users cannot run here, or empty.
  std::string SkipReason() const {
    if (geteuid() != 0) return "switching users needs root";
    if (!nobody_uid_.has_value() || !nogroup_gid_.has_value()) {
      return "no user 'nobody' or group 'nogroup' on this system";
    }
    return "";
  }

  uint16_t Start(std::vector<std::string> args) {
    args.insert(args.begin(), {"--port=0", "--listen=127.0.0.1",
                               "--stats-interval=0", "--workers=2"});
    return StartListening(args, &server_);
  }

  absl::StatusOr<VerifiedResponse> Query(uint16_t port) {
    return QueryAs(DeployedClients().back(), Loopback(AF_INET, port),
                   root_.public_key(), absl::Seconds(2));
  }

  TempDir dir_;
  SigningKey root_ = SigningKey::Generate();
  std::string key_path_;
  std::optional<uid_t> nobody_uid_;
  std::optional<gid_t> nobody_gid_;
  std::optional<gid_t> nogroup_gid_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(PrivilegeTest, RunsAsTheUserAndGroupAndStillAnswers) {
  if (const std::string why = SkipReason(); !why.empty()) GTEST_SKIP() << why;
  // The key file stays root's (0600): read before the drop.
  const uint16_t port =
      Start({"--root-key", key_path_, "--user=nobody", "--group=nogroup"});
  ASSERT_NE(port, 0);
  ASSERT_TRUE(server_
                  ->WaitForLine(absl::StrCat("running as user nobody (uid ",
                                             *nobody_uid_, "), group nogroup "
                                             "(gid ", *nogroup_gid_, ")"),
                                absl::Seconds(5))
                  .has_value())
      << server_->Output();
  absl::StatusOr<VerifiedResponse> r = Query(port);
  ASSERT_TRUE(r.ok()) << r.status() << "\n" << server_->Output();

  const std::string uid = absl::StrCat(*nobody_uid_);
  const std::string gid = absl::StrCat(*nogroup_gid_);
  // Real, effective, saved and filesystem ids: nothing left to go back to.
  EXPECT_EQ(StatusFields(server_->pid(), "Uid"),
            std::vector<std::string>(4, uid));
  EXPECT_EQ(StatusFields(server_->pid(), "Gid"),
            std::vector<std::string>(4, gid));
  EXPECT_TRUE(StatusFields(server_->pid(), "Groups").empty());

  // After the drop the root-owned key file is out of reach: the reload
  // fails with a line that says why, and the server keeps answering.
  ASSERT_EQ(kill(server_->pid(), SIGHUP), 0);
  const std::optional<std::string> failed = server_->WaitForLine(
      "reload on SIGHUP failed", absl::Seconds(5));
  ASSERT_TRUE(failed.has_value()) << server_->Output();
  EXPECT_TRUE(absl::StrContains(*failed, "Permission denied")) << *failed;
  EXPECT_TRUE(absl::StrContains(*failed, "runs as user nobody")) << *failed;
  EXPECT_TRUE(Query(port).ok()) << server_->Output();

  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->Output();
  const auto stats = ExitStats(server_->Lines());
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.at("reload_failures"), 1u);
  EXPECT_EQ(stats.at("responses"), 2u);
}

TEST_F(PrivilegeTest, GroupDefaultsToThePrimaryGroupAndOwnFilesReload) {
  if (const std::string why = SkipReason(); !why.empty()) GTEST_SKIP() << why;
  // Owned by the user the server becomes: a reload can read it.
  ASSERT_EQ(chown(key_path_.c_str(), *nobody_uid_, *nobody_gid_), 0);
  const uint16_t port = Start({"--root-key", key_path_, "--user=nobody"});
  ASSERT_NE(port, 0);
  ASSERT_TRUE(server_->WaitForLine("running as user nobody", absl::Seconds(5))
                  .has_value())
      << server_->Output();
  EXPECT_EQ(StatusFields(server_->pid(), "Gid"),
            std::vector<std::string>(4, absl::StrCat(*nobody_gid_)));
  EXPECT_TRUE(StatusFields(server_->pid(), "Groups").empty());

  ASSERT_EQ(kill(server_->pid(), SIGHUP), 0);
  EXPECT_TRUE(server_->WaitForLine("reloaded on SIGHUP", absl::Seconds(5))
                  .has_value())
      << server_->Output();
  EXPECT_TRUE(Query(port).ok()) << server_->Output();
}

TEST_F(PrivilegeTest, UnknownUserOrGroupIsOneLineAndExitOne) {
  // Looked up before anything is bound; no root needed to see the error.
  for (const std::vector<std::string>& flags :
       std::vector<std::vector<std::string>>{
           {"--user=no-such-user-rt"},
           {"--user=root", "--group=no-such-group-rt"}}) {
    std::vector<std::string> args = {"--port=0", "--listen=127.0.0.1",
                                     "--root-key", key_path_};
    args.insert(args.end(), flags.begin(), flags.end());
    absl::StatusOr<std::unique_ptr<ServerProcess>> server =
        ServerProcess::Start(args);
    ASSERT_TRUE(server.ok()) << server.status();
    EXPECT_EQ((*server)->WaitForExit(), 1) << (*server)->Output();
    const std::vector<std::string> lines = (*server)->Lines();
    ASSERT_EQ(lines.size(), 1u) << (*server)->Output();
    EXPECT_TRUE(absl::StrContains(lines[0], "no such")) << lines[0];
  }
}

TEST_F(PrivilegeTest, GroupWithoutUserIsAUsageError) {
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start({"--port=0", "--group=nogroup"});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->WaitForExit(), 2) << (*server)->Output();
  EXPECT_EQ((*server)->Lines().size(), 1u) << (*server)->Output();
}

TEST_F(PrivilegeTest, ANonRootServerCannotSwitchUsers) {
  if (const std::string why = SkipReason(); !why.empty()) GTEST_SKIP() << why;
  if (access(kSetpriv, X_OK) != 0) GTEST_SKIP() << "no " << kSetpriv;
  // Start the server as nobody (setpriv drops root first), asking for root.
  ASSERT_EQ(chown(key_path_.c_str(), *nobody_uid_, *nobody_gid_), 0);
  const std::vector<std::string> args = {
      absl::StrCat("--reuid=", *nobody_uid_),
      absl::StrCat("--regid=", *nobody_gid_), "--clear-groups", "--",
      RoughtimedPath(), "--port=0", "--listen=127.0.0.1", "--root-key",
      key_path_, "--user=root"};
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start(args, "", kSetpriv);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->WaitForExit(), 1) << (*server)->Output();
  const std::vector<std::string> lines = (*server)->Lines();
  ASSERT_EQ(lines.size(), 1u) << (*server)->Output();
  EXPECT_TRUE(absl::StrContains(lines[0], "needs root")) << lines[0];
}

}  // namespace
}  // namespace roughtime::server::testing
