// Server addresses in RFC 10049 §8.3 server lists: host ":" port, where the
// host is IPv4 dotted-decimal, an IPv6 address in brackets (no zone id) or
// a DNS name.
#ifndef ROUGHTIME_TOOLS_KEYGEN_ADDRESS_H_
#define ROUGHTIME_TOOLS_KEYGEN_ADDRESS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace roughtime::keygen {

// OK, or a one-line reason ("port 70000 is out of range 1-65535", ...).
absl::Status CheckServerAddress(absl::string_view address);

}  // namespace roughtime::keygen

#endif  // ROUGHTIME_TOOLS_KEYGEN_ADDRESS_H_
