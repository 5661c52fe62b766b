#include "address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace roughtime::keygen {
namespace {

absl::Status Bad(absl::string_view address, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad address \"", address, "\": ", why));
}

bool AllDigitsAndDots(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(c) || c == '.';
  });
}

// RFC 1123 host names: labels of letters, digits and inner hyphens, at most
// 63 characters each and 253 in all; one trailing dot allowed.
bool IsDnsName(absl::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') return false;
    }
  }
  return true;
}

}  // namespace

absl::Status CheckServerAddress(absl::string_view address) {
  if (address.empty()) return Bad(address, "empty");
  absl::string_view host, port;
  if (address.front() == '[') {
    const size_t close = address.find(']');
    if (close == absl::string_view::npos) {
      return Bad(address, "missing ']' after the IPv6 address");
    }
    host = address.substr(1, close - 1);
    const absl::string_view after = address.substr(close + 1);
    if (after.empty() || after.front() != ':') {
      return Bad(address, "expected :PORT after ']'");
    }
    port = after.substr(1);
    if (host.find('%') != absl::string_view::npos) {
      return Bad(address, "zone ids are not allowed in server lists");
    }
    struct in6_addr v6;
    if (inet_pton(AF_INET6, std::string(host).c_str(), &v6) != 1) {
      return Bad(address, "not a valid IPv6 address inside [ ]");
    }
  } else {
    const size_t colon = address.rfind(':');
    if (colon == absl::string_view::npos) {
      return Bad(address, "expected HOST:PORT");
    }
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    if (host.find(':') != absl::string_view::npos) {
      return Bad(address, "IPv6 addresses must be written as [ADDRESS]:PORT");
    }
    if (host.empty()) return Bad(address, "missing host before ':'");
    if (AllDigitsAndDots(host)) {
      struct in_addr v4;
      if (inet_pton(AF_INET, std::string(host).c_str(), &v4) != 1) {
        return Bad(address, "not a valid IPv4 address");
      }
    } else if (!IsDnsName(host)) {
      return Bad(address, "host is neither an IP address nor a DNS name");
    }
  }
  if (port.empty()) return Bad(address, "missing port after ':'");
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
        return absl::ascii_isdigit(c);
      })) {
    return Bad(address, "port must be a decimal number 1-65535");
  }
  int port_number = 0;
  if (!absl::SimpleAtoi(port, &port_number) || port_number < 1 ||
      port_number > 65535) {
    return Bad(address, absl::StrCat("port ", port,
                                     " is out of range 1-65535"));
  }
  return absl::OkStatus();
}

}  // namespace roughtime::keygen
