#include "client/endpoint.h"

#include <netdb.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace roughtime::client {

absl::StatusOr<HostPort> ParseHostPort(absl::string_view text) {
  HostPort hp;
  absl::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == absl::string_view::npos || close + 1 >= text.size() ||
        text[close + 1] != ':') {
      return absl::InvalidArgumentError(absl::StrCat(
          "address '", text, "' is not [IPv6]:port"));
    }
    hp.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    if (hp.host.find('%') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("address '", text, "' has a zone id"));
    }
  } else {
    size_t colon = text.rfind(':');
    if (colon == absl::string_view::npos ||
        text.find(':') != colon) {
      return absl::InvalidArgumentError(absl::StrCat(
          "address '", text,
          "' is not host:port (IPv6 addresses go in brackets)"));
    }
    hp.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  uint32_t port = 0;
  if (hp.host.empty() || !absl::SimpleAtoi(port_text, &port) || port == 0 ||
      port > 65535 || port_text.find_first_not_of("0123456789") !=
                          absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("address '", text, "' needs a host and a port 1-65535"));
  }
  hp.port = static_cast<uint16_t>(port);
  return hp;
}

std::string FormatHostPort(const HostPort& hp) {
  if (hp.host.find(':') != std::string::npos) {
    return absl::StrCat("[", hp.host, "]:", hp.port);
  }
  return absl::StrCat(hp.host, ":", hp.port);
}

absl::StatusOr<std::vector<SocketAddress>> Resolve(const HostPort& hp,
                                                   int socktype) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  std::string port = std::to_string(hp.port);
  int rc = getaddrinfo(hp.host.c_str(), port.c_str(), &hints, &list);
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot resolve '", hp.host, "': ", gai_strerror(rc)));
  }
  std::vector<SocketAddress> out;
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    a.family = ai->ai_family;
    out.push_back(a);
  }
  freeaddrinfo(list);
  if (out.empty()) {
    return absl::UnavailableError(
        absl::StrCat("no address found for '", hp.host, "'"));
  }
  return out;
}

}  // namespace roughtime::client
