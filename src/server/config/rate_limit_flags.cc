#include "server/config/rate_limit_flags.h"

#include <cstdint>

#include "absl/flags/flag.h"
#include "absl/status/status.h"

ABSL_FLAG(int32_t, rate_limit, 0,
          "Requests per second answered per source (an IPv4 address or an "
          "IPv6 /64, over UDP and TCP together); more are dropped and "
          "counted as drop_rate_limited. 0 (the default) turns the limit "
          "off.");
ABSL_FLAG(int32_t, rate_limit_burst, 0,
          "Requests a quiet source may send at once before --rate-limit "
          "applies (0: the same as --rate-limit).");
ABSL_FLAG(int32_t, rate_limit_table_size, 65536,
          "Sources tracked by the rate limiter (a fixed table of 8 bytes per "
          "entry, rounded up to a power of two; 1024..67108864).");
ABSL_FLAG(int32_t, tcp_max_connections_per_source, 0,
          "Most TCP connections one source (IPv4 address or IPv6 /64) may "
          "hold open; more are closed on accept and counted as tcp_refused. "
          "0 (the default): only --tcp-max-connections applies.");

namespace roughtime::server {

absl::StatusOr<RateLimitOptions> RateLimitOptionsFromFlags() {
  const int32_t rate = absl::GetFlag(FLAGS_rate_limit);
  const int32_t burst = absl::GetFlag(FLAGS_rate_limit_burst);
  const int32_t table = absl::GetFlag(FLAGS_rate_limit_table_size);
  const int32_t per_source =
      absl::GetFlag(FLAGS_tcp_max_connections_per_source);
  if (rate < 0) return absl::InvalidArgumentError("--rate-limit is negative");
  if (burst < 0) {
    return absl::InvalidArgumentError("--rate-limit-burst is negative");
  }
  if (table < 0) {
    return absl::InvalidArgumentError("--rate-limit-table-size is negative");
  }
  if (per_source < 0) {
    return absl::InvalidArgumentError(
        "--tcp-max-connections-per-source is negative");
  }
  RateLimitOptions options;
  options.rate = static_cast<uint32_t>(rate);
  options.burst = static_cast<uint32_t>(burst);
  options.table_size = static_cast<size_t>(table);
  options.tcp_connections_per_source = static_cast<uint32_t>(per_source);
  if (absl::Status s = ValidateRateLimitOptions(options); !s.ok()) return s;
  return options;
}

}  // namespace roughtime::server
