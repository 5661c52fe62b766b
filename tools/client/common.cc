#include <cstdio>

#include "absl/flags/flag.h"
#include "cli_flags.h"
#include "commands.h"

namespace roughtime::cli {

absl::StatusOr<client::RetryPolicy> RetryPolicyFromFlags() {
  client::RetryPolicy p;
  p.timeout = absl::GetFlag(FLAGS_timeout);
  p.retries = absl::GetFlag(FLAGS_retries);
  p.max_wait = absl::GetFlag(FLAGS_max_wait);
  p.initial_backoff = absl::GetFlag(FLAGS_backoff);
  if (p.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--timeout must be positive");
  }
  if (p.retries < 0 || p.retries > 100) {
    return absl::InvalidArgumentError("--retries must be between 0 and 100");
  }
  if (p.max_wait <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--max-wait must be positive");
  }
  if (p.initial_backoff < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--backoff must not be negative");
  }
  if (absl::GetFlag(FLAGS_tcp)) {
    p.mode = client::TransportMode::kTcp;
  } else {
    p.mode = absl::GetFlag(FLAGS_tcp_fallback)
                 ? client::TransportMode::kUdpThenTcp
                 : client::TransportMode::kUdp;
  }
  return p;
}

void PrintError(absl::string_view message) {
  std::fprintf(stderr, "roughtime: %.*s\n", static_cast<int>(message.size()),
               message.data());
}

void PrintOut(absl::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace roughtime::cli
