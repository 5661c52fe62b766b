#include "loopback_address.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "roughtime/bytes.h"

namespace roughtime::loadgen {
namespace {

bool IsLoopbackV4(const in_addr& a) {
  return (ntohl(a.s_addr) >> 24) == 127;
}

absl::Status NotLoopback(std::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat(
      "refusing target ", AbslView(text),
      ": only loopback addresses (127.0.0.0/8, ::1) are allowed"));
}

}  // namespace

uint16_t LoopbackAddress::port() const {
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
}

std::string LoopbackAddress::ToString() const {
  char host[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    return absl::StrCat("[", host, "]:", port());
  }
  const auto* a = reinterpret_cast<const sockaddr_in*>(&storage);
  inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
  return absl::StrCat(host, ":", port());
}

absl::StatusOr<LoopbackAddress> ParseLoopbackAddress(std::string_view text,
                                                     bool allow_port_zero) {
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() ||
        text[close + 1] != ':') {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad address '", AbslView(text), "': expected [IPv6]:PORT"));
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos ||
        text.find(':') != colon) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad address '", AbslView(text),
          "': expected HOST:PORT or [IPv6]:PORT"));
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  uint32_t port = 0;
  if (!absl::SimpleAtoi(AbslView(port_text), &port) || port > 65535 ||
      (port == 0 && !allow_port_zero)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad port in '", AbslView(text), "'"));
  }
  const std::string host_str =
      host == "localhost" ? std::string("127.0.0.1") : std::string(host);

  LoopbackAddress out;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, host_str.c_str(), &v4) == 1) {
    if (!IsLoopbackV4(v4)) return NotLoopback(text);
    auto* a = reinterpret_cast<sockaddr_in*>(&out.storage);
    a->sin_family = AF_INET;
    a->sin_addr = v4;
    a->sin_port = htons(static_cast<uint16_t>(port));
    out.size = sizeof(sockaddr_in);
    return out;
  }
  if (inet_pton(AF_INET6, host_str.c_str(), &v6) == 1) {
    // Only ::1 itself; v4-mapped forms are refused to keep the rule simple.
    if (!IN6_IS_ADDR_LOOPBACK(&v6)) return NotLoopback(text);
    auto* a = reinterpret_cast<sockaddr_in6*>(&out.storage);
    a->sin6_family = AF_INET6;
    a->sin6_addr = v6;
    a->sin6_port = htons(static_cast<uint16_t>(port));
    out.size = sizeof(sockaddr_in6);
    return out;
  }
  // A name or garbage: we resolve nothing, so it cannot be shown loopback.
  return NotLoopback(text);
}

absl::StatusOr<LoopbackAddress> BoundAddress(int fd) {
  LoopbackAddress out;
  out.size = sizeof(out.storage);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&out.storage), &out.size) !=
      0) {
    return absl::InternalError(
        absl::StrCat("getsockname: ", std::strerror(errno)));
  }
  return out;
}

}  // namespace roughtime::loadgen
