// Measuring against several servers (RFC 10049 §8.2): query them in
// sequence with chained nonces, repeat the sequence once in the same order,
// and check every pair of answers for causal consistency. A valid but
// inconsistent set of answers becomes a malfeasance report (§8.4).
#ifndef ROUGHTIME_CLIENT_CHAIN_H_
#define ROUGHTIME_CLIENT_CHAIN_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/consistency.h"
#include "client/malfeasance_report.h"
#include "client/query.h"
#include "client/server_list.h"

namespace roughtime::client {

struct Selection {
  std::vector<ListedServer> servers;
  std::vector<std::string> notes;  // skipped servers and why
};

// Keeps the servers that can be chained (Google-Roughtime cannot: its
// 64-byte nonces and its own chaining scheme do not fit §8.4 reports, so
// such servers are skipped with a note), then all of them in list order or
// `count` picked at random.
absl::StatusOr<Selection> SelectServers(const ServerList& list,
                                        std::optional<size_t> count);

struct MeasureOptions {
  RetryPolicy retry;
  bool allow_pre_rfc_contexts = false;
  int rounds = 2;  // §8.2: the sequence is queried twice
  WallClock now = [] { return absl::Now(); };
  std::function<void(absl::Duration)> sleep = [](absl::Duration d) {
    absl::SleepFor(d);
  };
};

struct MeasuredAnswer {
  size_t server = 0;  // index into Measurement::servers
  int round = 0;      // 0-based
  Exchange exchange;
};

struct MeasureFailure {
  size_t server = 0;
  int round = 0;
  absl::Status status;
};

struct Measurement {
  std::vector<ListedServer> servers;
  std::vector<MeasuredAnswer> answers;  // receive order
  std::vector<MeasureFailure> failures;
  ConsistencyResult consistency;  // pair indices into `answers`
  // §8.2 success: every query answered validly and every pair consistent.
  bool success() const {
    return failures.empty() && consistency.consistent() && !answers.empty();
  }
  // The §8.4.1 report of every valid answer, in receive order.
  std::vector<ReportEntry> ToReport() const;
};

// Each nonce after the first valid answer is chained to the last valid
// answer; a server that gives no valid answer is recorded and skipped.
Measurement Measure(const std::vector<ListedServer>& servers,
                    const MeasureOptions& options);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_CHAIN_H_
