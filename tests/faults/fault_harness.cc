#include "fault_harness.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "roughtime/response.h"

namespace roughtime::server::testing {
namespace {

// Reads `path` whole; empty when unreadable.
std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fields of /proc/PID/stat after the command name (which may contain
// spaces, hence the search for the last ')'). Field 3 (state) is [0].
std::vector<std::string> StatFields(pid_t pid) {
  const std::string stat = ReadAll(absl::StrCat("/proc/", pid, "/stat"));
  const size_t close = stat.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream in(stat.substr(close + 1));
  std::string f;
  while (in >> f) fields.push_back(f);
  return fields;
}

}  // namespace

int64_t ProcessCpuTicks(pid_t pid) {
  const std::vector<std::string> f = StatFields(pid);
  // utime and stime are fields 14 and 15 of the stat line: [11], [12] here.
  if (f.size() < 13) return -1;
  return std::stoll(f[11]) + std::stoll(f[12]);
}

bool ProcessAlive(pid_t pid) {
  const std::vector<std::string> f = StatFields(pid);
  return !f.empty() && f[0] != "Z" && f[0] != "X";
}

absl::StatusOr<std::unique_ptr<FaultServer>> FaultServer::Start(
    const std::string& io, bool with_shim) {
  std::unique_ptr<FaultServer> s(new FaultServer());
  const SigningKey root = SigningKey::Generate();
  s->root_ = root.public_key();
  const std::string key = s->dir_.File("root.key");
  if (!WriteSeedHexFile(key, root.seed(), 0600)) {
    return absl::InternalError("cannot write the root key");
  }
  s->control_ = s->dir_.File("faults");
  s->SetFaults("");
  const std::vector<std::string> args = {
      "--root-key", key, "--io=" + io, "--listen=127.0.0.1:0",
      "--workers=1", "--stats-interval=0", "--notcp"};
  if (with_shim) {
    const char* shim = getenv("ROUGHTIME_FAULT_SHIM");
    if (shim == nullptr) return absl::FailedPreconditionError("no shim");
    // The child inherits these; they are removed again at once so nothing
    // else this test starts runs under the shim.
    setenv("LD_PRELOAD", shim, 1);
    setenv("ROUGHTIME_FAULT_CONTROL", s->control_.c_str(), 1);
    // In the sanitizer build the shim is loaded before the sanitizer
    // runtime, which is harmless here but refused unless told.
    const char* asan = getenv("ASAN_OPTIONS");
    setenv("ASAN_OPTIONS",
           absl::StrCat(asan ? asan : "", ":verify_asan_link_order=0").c_str(),
           1);
  }
  absl::StatusOr<std::unique_ptr<ServerProcess>> process =
      ServerProcess::Start(args);
  if (with_shim) {
    unsetenv("LD_PRELOAD");
    unsetenv("ROUGHTIME_FAULT_CONTROL");
  }
  if (!process.ok()) return process.status();
  s->process_ = std::move(*process);
  absl::StatusOr<std::vector<SocketAddress>> bound =
      s->process_->WaitForListening();
  if (!bound.ok()) {
    return absl::InternalError(absl::StrCat(bound.status().ToString(), "\n",
                                            s->process_->Output()));
  }
  s->address_ = bound->front();
  absl::StatusOr<UdpTestClient> client = UdpTestClient::Open(AF_INET);
  if (!client.ok()) return client.status();
  s->client_ = std::make_unique<UdpTestClient>(std::move(*client));
  return s;
}

void FaultServer::SetFaults(const std::string& rules) {
  const std::string temp = control_ + ".new";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << rules << "\n";
  }
  ASSERT_EQ(std::rename(temp.c_str(), control_.c_str()), 0);
}

int FaultServer::SendAndCount(int count, absl::Duration wait) {
  RequestOptions options;
  options.server_key = root_;
  const size_t first = sent_.size();
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<BuiltRequest> r = BuildRequest(options);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return 0;
    EXPECT_TRUE(client_->SendTo(address_, r->packet));
    sent_.push_back(*std::move(r));
  }
  int received = 0;
  size_t answered_now = 0;  // of the requests sent by this call
  const absl::Time deadline = absl::Now() + wait;
  while (answered_now < static_cast<size_t>(count) && absl::Now() < deadline) {
    std::optional<Datagram> reply = client_->Receive(deadline - absl::Now());
    if (!reply.has_value()) break;
    // Any request of this server's life may be answered, including one
    // that waited through a fault window; none may be answered twice.
    bool matched = false;
    for (size_t i = 0; i < sent_.size() && !matched; ++i) {
      VerifyOptions v;
      v.root_public_key = root_;
      v.request_packet = sent_[i].packet;
      v.nonce = sent_[i].nonce;
      if (!VerifyResponse(reply->data, v).ok()) continue;
      matched = true;
      EXPECT_TRUE(answered_.insert(i).second) << "request " << i
                                               << " answered twice";
      if (i >= first) ++answered_now;
      ++received;
    }
    EXPECT_TRUE(matched) << "an answer that verifies against no request";
  }
  return received;
}

int64_t FaultServer::IdleTicks(absl::Duration window) {
  const int64_t before = ProcessCpuTicks(pid());
  absl::SleepFor(window);
  const int64_t after = ProcessCpuTicks(pid());
  EXPECT_GE(before, 0);
  EXPECT_GE(after, before);
  return after - before;
}

std::map<std::string, uint64_t> FaultServer::StopAndStats() {
  EXPECT_EQ(process_->Stop(SIGTERM), 0) << process_->Output();
  return ExitStats(process_->Lines());
}

}  // namespace roughtime::server::testing
