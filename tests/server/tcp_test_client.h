// A minimal blocking TCP client for the integration tests: connect to a
// loopback address, send bytes, read whole ROUGHTIM packets with a timeout,
// and tell when the server closed the connection.
#ifndef ROUGHTIME_TESTS_SERVER_TCP_TEST_CLIENT_H_
#define ROUGHTIME_TESTS_SERVER_TCP_TEST_CLIENT_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "roughtime/bytes.h"
#include "server/net/socket_address.h"

namespace roughtime::server::testing {

class TcpTestClient {
 public:
  static absl::StatusOr<TcpTestClient> Connect(const SocketAddress& server);
  TcpTestClient(TcpTestClient&& other) noexcept;
  ~TcpTestClient();

  bool Send(ByteSpan data);
  // The next whole packet (12-byte header and the message it announces);
  // nullopt on timeout or when the server closed the connection.
  std::optional<Bytes> ReceivePacket(absl::Duration timeout);
  // Waits until the server closes the connection (reads and discards
  // anything it sends first). False when still open after `timeout`.
  bool WaitForClose(absl::Duration timeout);
  bool closed() const { return closed_; }

 private:
  explicit TcpTestClient(int fd) : fd_(fd) {}
  // Reads what arrives within `timeout` into buffer_; false on timeout.
  bool ReadSome(absl::Duration timeout);

  int fd_ = -1;
  bool closed_ = false;
  Bytes buffer_;
};

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_TCP_TEST_CLIENT_H_
