// End to end: a delegation made by roughtime-keygen lets roughtimed answer,
// and the client verifies the answer against the root public key that
// `generate` printed. The server only ever sees the delegation file (the
// root key is deleted before it starts). Loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <memory>
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
#include "support/files.h"
#include "support/keygen.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

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
  ASSERT_FALSE(RoughtimedPath().empty()) << "ROUGHTIMED is not set";
  TempDir keys, run;
  const std::string root_path = keys.File("root.key");
  const std::string delegation = run.File("delegation.json");

  const ProgramResult gen = RunKeygen({"generate", "--out", root_path});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  absl::StatusOr<Bytes> root_bytes = DecodeKeyText(
      ValueAfter(gen.out, "public key (base64)"), kPublicKeySize);
  ASSERT_TRUE(root_bytes.ok()) << gen.out;
  PublicKey root_public;
  std::memcpy(root_public.data(), root_bytes->data(), kPublicKeySize);

  const ProgramResult del = RunKeygen(
      {"delegate", "--root", root_path, "--out", delegation});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  absl::StatusOr<OnlineIdentity> identity = ReadDelegationFile(delegation);
  ASSERT_TRUE(identity.ok()) << identity.status();
  // The server gets no chance to read the root key.
  ASSERT_EQ(unlink(root_path.c_str()), 0);
  ASSERT_EQ(ListDir(run.path()), std::vector<std::string>{"delegation.json"});

  std::unique_ptr<ServerProcess> server;
  const uint16_t port = StartListening(
      {"--delegation", delegation, "--listen", "127.0.0.1:0"}, &server,
      run.path());
  ASSERT_NE(port, 0);

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
    const std::optional<Bytes> reply = Exchange(port, built->packet);
    ASSERT_TRUE(reply.has_value()) << "no answer; server output:\n"
                                   << server->Output();

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
  EXPECT_EQ(server->Stop(SIGTERM, absl::Seconds(10)), 0)
      << "server output:\n" << server->Output();
}

}  // namespace
}  // namespace roughtime::testing
