#include "server/net/socket_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace roughtime::server {
namespace {

absl::StatusOr<uint16_t> ParsePort(absl::string_view text,
                                   absl::string_view whole) {
  uint32_t port = 0;
  if (text.empty() || !absl::SimpleAtoi(text, &port) || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad port in listen address '", whole,
                     "' (want 0-65535)"));
  }
  return static_cast<uint16_t>(port);
}

}  // namespace

SocketAddress::SocketAddress() { storage_.ss_family = AF_UNSPEC; }

SocketAddress::SocketAddress(const sockaddr* addr, socklen_t size) {
  size_ = std::min<socklen_t>(size, sizeof(storage_));
  std::memcpy(&storage_, addr, size_);
}

SocketAddress SocketAddress::AnyV6(uint16_t port) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_any;
  a.sin6_port = htons(port);
  return SocketAddress(reinterpret_cast<const sockaddr*>(&a), sizeof(a));
}

SocketAddress SocketAddress::AnyV4(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons(port);
  return SocketAddress(reinterpret_cast<const sockaddr*>(&a), sizeof(a));
}

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  }
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

void SocketAddress::set_port(uint16_t port) {
  if (family() == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  } else if (family() == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
  }
}

bool SocketAddress::is_wildcard() const {
  if (family() == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr ==
           htonl(INADDR_ANY);
  }
  if (family() == AF_INET6) {
    return IN6_IS_ADDR_UNSPECIFIED(
        &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr);
  }
  return false;
}

bool SocketAddress::is_loopback() const {
  if (family() == AF_INET) {
    const uint32_t a = ntohl(
        reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr);
    return (a >> 24) == 127;
  }
  if (family() == AF_INET6) {
    return IN6_IS_ADDR_LOOPBACK(
        &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr);
  }
  return false;
}

std::string SocketAddress::HostString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr,
              buf, sizeof(buf));
    return buf;
  }
  if (family() == AF_INET6) {
    inet_ntop(AF_INET6,
              &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf,
              sizeof(buf));
    return absl::StrCat("[", buf, "]");
  }
  return "(none)";
}

std::string SocketAddress::ToString() const {
  return absl::StrCat(HostString(), ":", port());
}

absl::StatusOr<SocketAddress> ParseSocketAddress(absl::string_view text,
                                                 uint16_t default_port) {
  absl::string_view host = text;
  uint16_t port = default_port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing ']' in listen address '", text, "'"));
    }
    host = text.substr(1, close - 1);
    absl::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return absl::InvalidArgumentError(absl::StrCat(
            "want [IPv6]:PORT in listen address '", text, "'"));
      }
      absl::StatusOr<uint16_t> p = ParsePort(rest.substr(1), text);
      if (!p.ok()) return p.status();
      port = *p;
    }
    in6_addr a6{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &a6) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad IPv6 address in listen address '", text, "'"));
    }
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_addr = a6;
    sa.sin6_port = htons(port);
    return SocketAddress(reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
  }

  const size_t colons = std::count(text.begin(), text.end(), ':');
  if (colons == 1) {
    const size_t colon = text.find(':');
    host = text.substr(0, colon);
    absl::StatusOr<uint16_t> p = ParsePort(text.substr(colon + 1), text);
    if (!p.ok()) return p.status();
    port = *p;
  }
  const std::string host_str(host);
  in_addr a4{};
  if (colons <= 1 && inet_pton(AF_INET, host_str.c_str(), &a4) == 1) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr = a4;
    sa.sin_port = htons(port);
    return SocketAddress(reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
  }
  // A bare IPv6 address without brackets takes the default port.
  in6_addr a6{};
  if (colons > 1 && inet_pton(AF_INET6, host_str.c_str(), &a6) == 1) {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_addr = a6;
    sa.sin6_port = htons(port);
    return SocketAddress(reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "bad listen address '", text,
      "' (want a numeric HOST:PORT, [IPv6]:PORT or HOST)"));
}

}  // namespace roughtime::server
