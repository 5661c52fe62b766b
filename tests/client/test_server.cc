// Sockets and the serving loop of the test server.
#include "test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "roughtime/wire.h"

namespace roughtime::testing {
namespace {

socklen_t MakeAddress(const std::string& host, uint16_t port,
                      sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  if (host.find(':') != std::string::npos) {
    auto* a = reinterpret_cast<sockaddr_in6*>(out);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    inet_pton(AF_INET6, host.c_str(), &a->sin6_addr);
    return sizeof(*a);
  }
  auto* a = reinterpret_cast<sockaddr_in*>(out);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  inet_pton(AF_INET, host.c_str(), &a->sin_addr);
  return sizeof(*a);
}

// Reads exactly `n` bytes unless the peer closes, the stop pipe fires or
// nothing arrives for two seconds.
bool ReadExactly(int fd, int stop_fd, uint8_t* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    pollfd p[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    if (poll(p, 2, 2000) <= 0 || (p[1].revents & POLLIN)) return false;
    ssize_t r = recv(fd, out + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(
    TestServerOptions options) {
  SigningKey root = SigningKey::Generate();
  const int64_t now =
      absl::ToUnixSeconds(absl::Now() + options.clock_offset);
  DelegationWindow window{static_cast<uint64_t>(now - 86400),
                          static_cast<uint64_t>(now + 86400)};
  if (options.expired_delegation) {
    window = {static_cast<uint64_t>(now - 3 * 86400),
              static_cast<uint64_t>(now - 86400)};
  }
  OnlineIdentity identity = DelegateOnlineKey(root, window, options.served);
  if (options.pre_rfc_contexts) {
    // Same DELE bytes (seconds), signed under "RoughTime v1 delegation".
    identity.certs[static_cast<size_t>(CertFamily::kRfc1)] =
        CreateCertificate(root, identity.online_key.public_key(), window,
                          CertFamily::kDraft12);
  }
  std::unique_ptr<TestServer> server(
      new TestServer(std::move(options), std::move(root), std::move(identity)));
  absl::Status bound = server->Bind();
  if (!bound.ok()) return bound;
  server->thread_ = std::thread([s = server.get()] { s->Run(); });
  return server;
}

TestServer::TestServer(TestServerOptions options, SigningKey root,
                       OnlineIdentity identity)
    : options_(std::move(options)),
      root_(std::move(root)),
      identity_(std::move(identity)) {
  policy_.served = options_.served;
  policy_.srv = ComputeSrv(root_.public_key());
  responder_ = std::make_unique<BatchResponder>(&identity_, options_.served,
                                                options_.batch_size);
}

TestServer::~TestServer() {
  if (thread_.joinable()) {
    char c = 1;
    (void)!write(stop_pipe_[1], &c, 1);
    thread_.join();
  }
  for (int fd : {udp_fd_, tcp_fd_, stop_pipe_[0], stop_pipe_[1]}) {
    if (fd >= 0) close(fd);
  }
}

absl::Status TestServer::Bind() {
  if (pipe(stop_pipe_) != 0) return absl::InternalError("pipe");
  sockaddr_storage addr;
  // UDP first on an ephemeral port, then TCP on the same number; retry when
  // that number is taken for TCP.
  for (int tries = 0; tries < 50; ++tries) {
    if (udp_fd_ >= 0) close(udp_fd_);
    socklen_t len = MakeAddress(options_.host, 0, &addr);
    udp_fd_ = socket(addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (udp_fd_ < 0 ||
        bind(udp_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
      return absl::InternalError(
          absl::StrCat("udp bind: ", std::strerror(errno)));
    }
    getsockname(udp_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.ss_family == AF_INET6
                      ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                      : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    if (!options_.tcp) return absl::OkStatus();
    len = MakeAddress(options_.host, port_, &addr);
    tcp_fd_ = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(tcp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(tcp_fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
        listen(tcp_fd_, 8) == 0) {
      return absl::OkStatus();
    }
    close(tcp_fd_);
    tcp_fd_ = -1;
  }
  return absl::InternalError("no port free for both UDP and TCP");
}

std::string TestServer::address() const {
  if (options_.host.find(':') != std::string::npos) {
    return absl::StrCat("[", options_.host, "]:", port_);
  }
  return absl::StrCat(options_.host, ":", port_);
}

std::string TestServer::public_key_hex() const {
  return HexEncode(public_key());
}

std::string TestServer::public_key_base64() const {
  return Base64Encode(public_key());
}

std::vector<Bytes> TestServer::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

std::vector<Bytes> TestServer::replies() const {
  absl::MutexLock lock(&mu_);
  return replies_;
}

void TestServer::Run() {
  Bytes buf(65536);
  while (true) {
    pollfd p[3] = {{stop_pipe_[0], POLLIN, 0},
                   {udp_fd_, POLLIN, 0},
                   {tcp_fd_, POLLIN, 0}};
    int n = poll(p, tcp_fd_ >= 0 ? 3 : 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (p[0].revents & POLLIN)) return;
    if (p[1].revents & POLLIN) {
      sockaddr_storage from;
      socklen_t from_len = sizeof(from);
      ssize_t got = recvfrom(udp_fd_, buf.data(), buf.size(), 0,
                             reinterpret_cast<sockaddr*>(&from), &from_len);
      if (got < 0) continue;
      ++udp_requests_;
      std::vector<Bytes> replies =
          Answer(ByteSpan(buf.data(), static_cast<size_t>(got)));
      if (options_.udp_silent) continue;
      for (const Bytes& r : replies) {
        sendto(udp_fd_, r.data(), r.size(), 0,
               reinterpret_cast<sockaddr*>(&from), from_len);
      }
    }
    if (tcp_fd_ >= 0 && (p[2].revents & POLLIN)) {
      int conn = accept4(tcp_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn >= 0) {
        ServeConnection(conn);
        close(conn);
      }
    }
  }
}

// RFC 10049 §5: framed packets back to back on the stream, answered in
// order, until the client closes.
void TestServer::ServeConnection(int fd) {
  while (true) {
    Bytes packet(kFrameHeaderSize);
    if (!ReadExactly(fd, stop_pipe_[0], packet.data(), kFrameHeaderSize) ||
        !HasFrameMagic(packet)) {
      return;
    }
    const uint32_t length = LoadLE32(packet.data() + 8);
    if (length > 65536) return;
    packet.resize(kFrameHeaderSize + length);
    if (!ReadExactly(fd, stop_pipe_[0], packet.data() + kFrameHeaderSize,
                     length)) {
      return;
    }
    ++tcp_requests_;
    for (const Bytes& r : Answer(packet)) {
      if (send(fd, r.data(), r.size(), MSG_NOSIGNAL) < 0) return;
    }
  }
}

}  // namespace roughtime::testing
