// The adversarial corpus over TCP (hostile_tcp_test.cc): every hostile UDP
// row (hostile_packets.h) written on a TCP connection, plus a few rows only
// a stream has. Over TCP the ROUGHTIM header, not the datagram, delimits a
// request (RFC 10049 §5), so a row's fate can differ from UDP: a short frame
// length leaves bytes that are not a frame (garbage), a long one leaves the
// server waiting for bytes that never come (idle timeout), and an unframed
// message is garbage. Each row says what the server must do and count.
#ifndef ROUGHTIME_TESTS_SERVER_HOSTILE_TCP_H_
#define ROUGHTIME_TESTS_SERVER_HOSTILE_TCP_H_

#include <string>
#include <vector>

#include "roughtime/bytes.h"
#include "roughtime/crypto.h"

namespace roughtime::server::testing {

enum class TcpFate {
  // Whole frames, each dropped; the connection stays usable (a valid
  // request after them on the same connection is answered).
  kKeptOpen,
  // The server closes the connection as soon as it sees the bytes.
  kClosedAtOnce,
  // An unfinished frame: closed by --tcp-idle-timeout.
  kClosedWhenIdle,
};

struct HostileTcpRow {
  std::string name;
  Bytes stream;  // written on a fresh connection
  // The stats keys that grow by one each time `stream` is written
  // ("drop_*" keys also count one "received" request each).
  std::vector<std::string> counters;
  TcpFate fate;
};

// One row per HostileUdpRows row (same name, same bytes), then the rows
// only TCP has (names starting "tcp_").
std::vector<HostileTcpRow> HostileTcpRows(const PublicKey& root);

// True when `bytes` is exactly one ROUGHTIM frame (header and the message
// its length announces), which the table expects of kKeptOpen UDP rows.
bool IsOneFrame(const Bytes& bytes);

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_HOSTILE_TCP_H_
