// End to end: a delegation made by roughtime-keygen lets roughtimed answer,
// and the client verifies the answer against the root public key that
// `generate` printed. The server only ever sees the delegation file (the
// root key is deleted before it starts). Loopback only.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/keyfile.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "test_util.h"

namespace roughtime {
namespace {

using ::roughtime::testing::EnvOrEmpty;
using ::roughtime::testing::ListDir;
using ::roughtime::testing::ProcessResult;
using ::roughtime::testing::RunKeygen;
using ::roughtime::testing::TempDir;
using ::roughtime::testing::ValueAfter;

// roughtimed as a child process; its stdout and stderr share one pipe that
// is read until the "listening on udp 127.0.0.1:PORT" line.
class ServerProcess {
 public:
  ServerProcess(const std::vector<std::string>& argv, const std::string& cwd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      if (chdir(cwd.c_str()) != 0) _exit(126);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    out_fd_ = fds[0];
  }
  ~ServerProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
  }

  // The port from the listening line, or nullopt after `timeout`.
  std::optional<uint16_t> WaitForPort(std::chrono::milliseconds timeout) {
    const std::string marker = "listening on udp 127.0.0.1:";
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const size_t at = output_.find(marker);
      if (at != std::string::npos) {
        const size_t end = output_.find('\n', at);
        if (end != std::string::npos) {
          return static_cast<uint16_t>(
              std::stoi(output_.substr(at + marker.size())));
        }
      }
      if (!ReadSome(100)) break;
    }
    return std::nullopt;
  }

  // Sends SIGTERM and waits; the exit status, or -1 on timeout/signal.
  int Terminate(std::chrono::milliseconds timeout) {
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      ReadSome(50);
    }
    return -1;
  }

  const std::string& output() const { return output_; }

 private:
  // Reads what is available within `ms`; false at end of output.
  bool ReadSome(int ms) {
    pollfd p = {out_fd_, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return true;
    char buf[4096];
    const ssize_t n = read(out_fd_, buf, sizeof(buf));
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool exited_ = false;
  std::string output_;
};

// Sends `packet` to 127.0.0.1:port and returns the first reply (three
// tries, one second each).
std::optional<Bytes> Exchange(uint16_t port, const Bytes& packet) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in to = {};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::optional<Bytes> reply;
  for (int attempt = 0; attempt < 3 && !reply; ++attempt) {
    sendto(fd, packet.data(), packet.size(), 0,
           reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 1000) != 1) continue;
    Bytes buf(2048);
    const ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n > 0) {
      buf.resize(static_cast<size_t>(n));
      reply = std::move(buf);
    }
  }
  close(fd);
  return reply;
}

struct VersionCase {
  const char* name;
  std::vector<uint32_t> offered;
  bool google;
  Version expected;
};

TEST(KeygenEndToEndTest, DelegationFromTheToolLetsTheServerAnswer) {
  const std::string roughtimed = EnvOrEmpty("ROUGHTIMED");
  ASSERT_FALSE(roughtimed.empty()) << "ROUGHTIMED is not set";
  TempDir keys, run;
  const std::string root_path = keys.Join("root.key");
  const std::string delegation = run.Join("delegation.json");

  const ProcessResult gen = RunKeygen({"generate", "--out", root_path});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  absl::StatusOr<Bytes> root_bytes = DecodeKeyText(
      ValueAfter(gen.out, "public key (base64)"), kPublicKeySize);
  ASSERT_TRUE(root_bytes.ok()) << gen.out;
  PublicKey root_public;
  std::memcpy(root_public.data(), root_bytes->data(), kPublicKeySize);

  const ProcessResult del = RunKeygen(
      {"delegate", "--root", root_path, "--out", delegation});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  absl::StatusOr<OnlineIdentity> identity = ReadDelegationFile(delegation);
  ASSERT_TRUE(identity.ok()) << identity.status();
  // The server gets no chance to read the root key.
  ASSERT_EQ(unlink(root_path.c_str()), 0);
  ASSERT_EQ(ListDir(run.path()), std::vector<std::string>{"delegation.json"});

  ServerProcess server({roughtimed, "--delegation", delegation, "--listen",
                        "127.0.0.1:0"},
                       run.path());
  const std::optional<uint16_t> port =
      server.WaitForPort(std::chrono::seconds(10));
  ASSERT_TRUE(port.has_value()) << "server output:\n" << server.output();

  const std::vector<VersionCase> cases = {
      {"rfc-1", {0x00000001, 0x8000000c}, false, Version::kRfc1},
      {"draft-12", {0x8000000c}, false, Version::kDraft12},
      {"draft-11", {0x8000000b}, false, Version::kDraft11},
      {"draft-08", {0x80000008}, false, Version::kDraft08},
      {"google", {}, true, Version::kGoogle},
  };
  const PublicKey other_root = SigningKey::Generate().public_key();
  for (const VersionCase& c : cases) {
    SCOPED_TRACE(c.name);
    RequestOptions request;
    request.offered_wire_versions = c.offered;
    request.google = c.google;
    if (!c.google) request.server_key = root_public;
    absl::StatusOr<BuiltRequest> built = BuildRequest(request);
    ASSERT_TRUE(built.ok()) << built.status();
    const std::optional<Bytes> reply = Exchange(*port, built->packet);
    ASSERT_TRUE(reply.has_value()) << "no answer; server output:\n"
                                   << server.output();

    VerifyOptions verify;
    verify.root_public_key = root_public;
    verify.request_packet = built->packet;
    verify.nonce = built->nonce;
    verify.offered_wire_versions = c.offered;
    verify.google = c.google;
    absl::StatusOr<VerifiedResponse> verified = VerifyResponse(*reply, verify);
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_EQ(verified->version, c.expected);
    EXPECT_EQ(verified->online_key, identity->online_key.public_key());
    EXPECT_LT(absl::AbsDuration(verified->midpoint - absl::Now()),
              absl::Seconds(30));

    // The same answer does not verify under another root key.
    verify.root_public_key = other_root;
    EXPECT_FALSE(VerifyResponse(*reply, verify).ok());
  }
  EXPECT_EQ(server.Terminate(std::chrono::seconds(10)), 0)
      << "server output:\n" << server.output();
}

}  // namespace
}  // namespace roughtime
