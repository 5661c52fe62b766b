// Server addresses as they appear on the command line and in server lists
// (RFC 10049 §8.3): host ":" decimal port, IPv6 literals in brackets.
#ifndef ROUGHTIME_CLIENT_ENDPOINT_H_
#define ROUGHTIME_CLIENT_ENDPOINT_H_

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace roughtime::client {

struct HostPort {
  std::string host;  // without brackets
  uint16_t port = 0;
  bool operator==(const HostPort&) const = default;
};

// Parses "host:port", "192.0.2.1:2002" or "[2001:db8::1]:5319". Zone ids
// are refused (§8.3 forbids them in lists).
absl::StatusOr<HostPort> ParseHostPort(absl::string_view text);
// The inverse: brackets around IPv6 literals.
std::string FormatHostPort(const HostPort& hp);

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = 0;
};

// Resolves `hp` for `socktype` (SOCK_DGRAM or SOCK_STREAM); every address
// found, in the resolver's order.
absl::StatusOr<std::vector<SocketAddress>> Resolve(const HostPort& hp,
                                                   int socktype);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_ENDPOINT_H_
