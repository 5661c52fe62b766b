#include "loopback_address.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

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
      ": only loopback addresses (127.0.0.0/8, ::1) are allowed, or "
      "192.0.2.0/24 and 2001:db8::/32 from inside a network namespace of "
      "the generator's own"));
}

// RFC 5737's TEST-NET-1 and RFC 3849's documentation prefix: never routed.
bool IsDocumentation(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&a);
    return (ntohl(in->sin_addr.s_addr) >> 8) == 0xc00002;  // 192.0.2.0/24
  }
  if (a.ss_family == AF_INET6) {
    const uint8_t* b = reinterpret_cast<const sockaddr_in6*>(&a)->sin6_addr.s6_addr;
    return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
  }
  return false;
}

// Whether this process runs in a named network namespace (one that `ip
// netns add` made, bind-mounted under /run/netns): the lab's own, never the
// machine's. (/proc/1/ns/net, the obvious comparison, is not readable
// everywhere, even as root.)
bool InOwnNetworkNamespace() {
  struct stat self{};
  if (stat("/proc/self/ns/net", &self) != 0) return false;
  DIR* dir = opendir("/run/netns");
  if (dir == nullptr) return false;
  bool found = false;
  while (const dirent* entry = readdir(dir)) {
    const std::string path = absl::StrCat("/run/netns/", entry->d_name);
    struct stat named{};
    if (entry->d_name[0] != '.' && stat(path.c_str(), &named) == 0 &&
        named.st_ino == self.st_ino && named.st_dev == self.st_dev) {
      found = true;
      break;
    }
  }
  closedir(dir);
  return found;
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
    auto* a = reinterpret_cast<sockaddr_in*>(&out.storage);
    a->sin_family = AF_INET;
    a->sin_addr = v4;
    a->sin_port = htons(static_cast<uint16_t>(port));
    out.size = sizeof(sockaddr_in);
    if (!IsLoopbackV4(v4) && !IsNamespaceLabAddress(out.storage)) {
      return NotLoopback(text);
    }
    return out;
  }
  if (inet_pton(AF_INET6, host_str.c_str(), &v6) == 1) {
    // Only ::1 itself; v4-mapped forms are refused to keep the rule simple.
    auto* a = reinterpret_cast<sockaddr_in6*>(&out.storage);
    a->sin6_family = AF_INET6;
    a->sin6_addr = v6;
    a->sin6_port = htons(static_cast<uint16_t>(port));
    out.size = sizeof(sockaddr_in6);
    if (!IN6_IS_ADDR_LOOPBACK(&v6) && !IsNamespaceLabAddress(out.storage)) {
      return NotLoopback(text);
    }
    return out;
  }
  // A name or garbage: we resolve nothing, so it cannot be shown loopback.
  return NotLoopback(text);
}

bool IsNamespaceLabAddress(const sockaddr_storage& address) {
  if (!IsDocumentation(address) || !InOwnNetworkNamespace()) return false;
  // The route this namespace would use must leave from a documentation
  // address too: connect() picks the source without sending anything.
  sockaddr_storage target = address;
  if (target.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&target)->sin_port = htons(9);
  } else {
    reinterpret_cast<sockaddr_in6*>(&target)->sin6_port = htons(9);
  }
  const int fd = socket(target.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const socklen_t size = target.ss_family == AF_INET ? sizeof(sockaddr_in)
                                                     : sizeof(sockaddr_in6);
  sockaddr_storage source{};
  socklen_t source_size = sizeof(source);
  const bool ok =
      connect(fd, reinterpret_cast<const sockaddr*>(&target), size) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&source), &source_size) ==
          0 &&
      IsDocumentation(source);
  close(fd);
  return ok;
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
