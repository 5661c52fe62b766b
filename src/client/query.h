// Querying one server with retries (RFC 10049 §5): exponential backoff
// between attempts (wait min(1.5^(n-1), 86400) s after n failures, initial
// 1 s), a fresh request each time, and TCP when UDP keeps failing. The
// whole query is bounded by max_wait so interactive use gives up quickly.
#ifndef ROUGHTIME_CLIENT_QUERY_H_
#define ROUGHTIME_CLIENT_QUERY_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/exchange.h"

namespace roughtime::client {

enum class TransportMode {
  kUdp,        // UDP only
  kTcp,        // TCP only (--tcp)
  kUdpThenTcp  // UDP, then one TCP attempt when every UDP attempt failed
};

struct RetryPolicy {
  absl::Duration timeout = absl::Seconds(1);  // per attempt
  int retries = 2;  // attempts after the first on the main transport
  absl::Duration max_wait = absl::Seconds(10);  // hard bound for the query
  absl::Duration initial_backoff = absl::Seconds(1);
  TransportMode mode = TransportMode::kUdpThenTcp;
};

// The wait after `failures` consecutive failures (failures >= 1):
// min(initial * 1.5^(failures-1), 86400 s).
absl::Duration BackoffDelay(int failures, absl::Duration initial);

struct AttemptRecord {
  int number = 0;  // 1-based
  TransportKind transport = TransportKind::kUdp;
  absl::Duration backoff_before;  // waited before this attempt
  absl::Status outcome;           // OK for the accepted attempt
  int ignored_replies = 0;        // replies for another nonce
};

// Makes the nonce of each attempt (a chained nonce needs fresh random bytes
// every time, §8.2). Default: 32 (or 64 for Google) random bytes.
using NonceSource = std::function<NonceChoice()>;
NonceSource RandomNonces(size_t size);

struct QueryOptions {
  ServerTarget target;
  RetryPolicy retry;
  bool allow_pre_rfc_contexts = false;
  NonceSource nonces;  // empty: random
  WallClock now = [] { return absl::Now(); };
  // How backoff waits happen; tests record instead of sleeping.
  std::function<void(absl::Duration)> sleep = [](absl::Duration d) {
    absl::SleepFor(d);
  };
};

struct QueryOutcome {
  absl::Status status;  // OK exactly when `exchange` is set
  std::optional<Exchange> exchange;
  std::vector<AttemptRecord> attempts;
};

QueryOutcome Query(const QueryOptions& options);

// "udp attempts 1-3: rejected reply: ...; tcp attempt 4: ..." (failed
// attempts only, consecutive identical reasons merged).
std::string SummarizeFailures(const std::vector<AttemptRecord>& attempts);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_QUERY_H_
