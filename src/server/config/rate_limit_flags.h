// roughtimed's rate-limit flags (--rate-limit, --rate-limit-burst,
// --rate-limit-table-size, --tcp-max-connections-per-source), defined apart
// from server_config.cc so the rate limiter keeps its own file.
#ifndef ROUGHTIME_SERVER_CONFIG_RATE_LIMIT_FLAGS_H_
#define ROUGHTIME_SERVER_CONFIG_RATE_LIMIT_FLAGS_H_

#include "absl/status/statusor.h"
#include "server/core/rate_limiter.h"

namespace roughtime::server {

// The options from the parsed flags; errors are usage errors naming the flag.
absl::StatusOr<RateLimitOptions> RateLimitOptionsFromFlags();

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CONFIG_RATE_LIMIT_FLAGS_H_
