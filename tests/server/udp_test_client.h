// A minimal UDP client for the integration tests: a socket bound to an
// ephemeral loopback port, send, and receive with a timeout (the source
// address of every datagram is reported so tests can check replies come
// from the address that was asked).
#ifndef ROUGHTIME_TESTS_SERVER_UDP_TEST_CLIENT_H_
#define ROUGHTIME_TESTS_SERVER_UDP_TEST_CLIENT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client_behaviours.h"
#include "roughtime/bytes.h"
#include "roughtime/response.h"
#include "server/net/socket_address.h"

namespace roughtime::server::testing {

struct Datagram {
  Bytes data;
  SocketAddress from;
};

class UdpTestClient {
 public:
  // A socket of `family` (AF_INET or AF_INET6) bound to 127.0.0.1 / ::1.
  static absl::StatusOr<UdpTestClient> Open(int family);
  UdpTestClient(UdpTestClient&& other) noexcept;
  ~UdpTestClient();

  bool SendTo(const SocketAddress& to, ByteSpan data);
  std::optional<Datagram> Receive(absl::Duration timeout);
  int fd() const { return fd_; }

 private:
  explicit UdpTestClient(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// `address` with its host replaced by 127.0.0.1 or ::1 (for a wildcard).
SocketAddress Loopback(int family, uint16_t port);

// Sends one request as `client` would and verifies the answer; also checks
// the answer came from `server` exactly.
absl::StatusOr<VerifiedResponse> QueryAs(const ClientBehaviour& client,
                                         const SocketAddress& server,
                                         const PublicKey& root,
                                         absl::Duration timeout =
                                             absl::Seconds(3));

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_UDP_TEST_CLIENT_H_
