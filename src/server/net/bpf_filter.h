// The kernel-side request filter: a classic BPF socket filter
// (SO_ATTACH_FILTER) that drops, before the server ever wakes up, every
// datagram that cannot be an acceptable Roughtime request. It is a cheap
// first sieve only: what passes still goes through all of the server's own
// checks (ParseRequest). Linux only; elsewhere the attach calls report
// Unimplemented and the server runs without it (docs/OPERATIONS.md).
#ifndef ROUGHTIME_SERVER_NET_BPF_FILTER_H_
#define ROUGHTIME_SERVER_NET_BPF_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"

#ifdef __linux__
#include <linux/filter.h>
#endif

namespace roughtime::server {

#ifdef __linux__
inline constexpr bool kKernelFiltersAvailable = true;
#else
inline constexpr bool kKernelFiltersAvailable = false;
#endif

// What the request filter lets through (defaults = what the core accepts:
// kMinRequestSize, kMaxRequestSize, kDefaultMaxTags).
struct RequestFilterRules {
  // RFC 10049 §5.1 / §9 (amplification): requests are at least 1024 bytes.
  uint32_t min_datagram = 1024;
  uint32_t max_datagram = 1500;
  // Google-Roughtime requests are a bare message; its first word is the tag
  // count, little-endian. Requests carry a handful of tags.
  uint32_t max_google_tags = 64;
};

#ifdef __linux__
// The classic BPF program: accepted datagrams return 0xffffffff (keep the
// whole packet), everything else 0 (dropped in the kernel). A UDP socket
// filter sees the 8-byte UDP header first, so payload offsets are +8.
std::vector<sock_filter> RequestFilterProgram(
    const RequestFilterRules& rules = RequestFilterRules());
#endif

// Attaches RequestFilterProgram(rules) to the socket `fd` (SO_ATTACH_FILTER).
absl::Status AttachRequestFilter(
    int fd, const RequestFilterRules& rules = RequestFilterRules());

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_NET_BPF_FILTER_H_
