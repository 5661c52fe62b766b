#include "client/query.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "roughtime/crypto.h"

namespace roughtime::client {
namespace {

// RFC 10049 §5: the backoff is capped at one day.
constexpr double kMaxBackoffSeconds = 86400;

std::vector<TransportKind> PlanAttempts(const ServerTarget& target,
                                        const RetryPolicy& retry) {
  std::vector<TransportKind> plan;
  int tries = 1 + std::max(0, retry.retries);
  // Google-Roughtime packets have no frame, so they cannot travel on a
  // stream; a list entry without a UDP address leaves only TCP.
  bool tcp_possible = target.has_tcp && !target.offer.google;
  bool udp_first = retry.mode != TransportMode::kTcp && target.has_udp;
  if (!udp_first) {
    if (tcp_possible) plan.assign(tries, TransportKind::kTcp);
    return plan;
  }
  plan.assign(tries, TransportKind::kUdp);
  if (retry.mode == TransportMode::kUdpThenTcp && tcp_possible) {
    plan.push_back(TransportKind::kTcp);
  }
  return plan;
}

}  // namespace

absl::Duration BackoffDelay(int failures, absl::Duration initial) {
  if (failures <= 0) return absl::ZeroDuration();
  double seconds = absl::ToDoubleSeconds(initial) *
                   std::pow(1.5, static_cast<double>(failures - 1));
  return absl::Seconds(std::min(seconds, kMaxBackoffSeconds));
}

NonceSource RandomNonces(size_t size) {
  return [size] {
    NonceChoice c;
    c.nonce.resize(size);
    RandomBytes(absl::MakeSpan(c.nonce));
    return c;
  };
}

QueryOutcome Query(const QueryOptions& options) {
  QueryOutcome out;
  const RetryPolicy& retry = options.retry;
  std::vector<TransportKind> plan = PlanAttempts(options.target, retry);
  if (plan.empty()) {
    out.status = absl::InvalidArgumentError(
        options.target.offer.google
            ? "Google-Roughtime cannot be queried over TCP (its packets "
              "have no frame)"
            : "the server has no address for the transport asked for");
    return out;
  }
  NonceSource nonces = options.nonces
                           ? options.nonces
                           : RandomNonces(NonceSize(options.target.offer));
  // Time spent so far: measured attempt time plus the backoff waits asked
  // for (so a test's non-sleeping sleeper still advances the budget).
  absl::Duration spent;
  int failures = 0;
  bool budget_exhausted = false;
  for (size_t i = 0; i < plan.size(); ++i) {
    absl::Duration wait = BackoffDelay(failures, retry.initial_backoff);
    absl::Duration left = retry.max_wait - spent - wait;
    if (left <= absl::ZeroDuration()) {
      budget_exhausted = true;
      break;
    }
    if (wait > absl::ZeroDuration()) options.sleep(wait);
    spent += wait;
    AttemptRecord record;
    record.number = static_cast<int>(i) + 1;
    record.transport = plan[i];
    record.backoff_before = wait;
    ExchangeOptions ex;
    ex.transport = plan[i];
    ex.timeout = std::min(retry.timeout, left);
    ex.allow_pre_rfc_contexts = options.allow_pre_rfc_contexts;
    ex.now = options.now;
    auto started = std::chrono::steady_clock::now();
    absl::StatusOr<Exchange> result = ExchangeOnce(
        options.target, nonces(), ex, &record.ignored_replies);
    spent += absl::FromChrono(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now() - started));
    record.outcome = result.status();
    out.attempts.push_back(record);
    if (result.ok()) {
      out.exchange = *std::move(result);
      out.status = absl::OkStatus();
      return out;
    }
    ++failures;
  }
  std::string msg = absl::StrCat(
      "no valid answer from ", options.target.DisplayName(), " after ",
      out.attempts.size(), " attempt", out.attempts.size() == 1 ? "" : "s");
  if (budget_exhausted) {
    absl::StrAppend(&msg, " (gave up: next retry would pass the ",
                    absl::FormatDuration(retry.max_wait), " limit)");
  }
  absl::StrAppend(&msg, ": ", SummarizeFailures(out.attempts));
  out.status = absl::UnavailableError(msg);
  return out;
}

std::string SummarizeFailures(const std::vector<AttemptRecord>& attempts) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < attempts.size()) {
    if (attempts[i].outcome.ok()) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < attempts.size() && !attempts[j].outcome.ok() &&
           attempts[j].transport == attempts[i].transport &&
           attempts[j].outcome.message() == attempts[i].outcome.message()) {
      ++j;
    }
    std::string range =
        j - i == 1 ? absl::StrCat(" attempt ", attempts[i].number)
                   : absl::StrCat(" attempts ", attempts[i].number, "-",
                                  attempts[j - 1].number);
    parts.push_back(absl::StrCat(TransportName(attempts[i].transport), range,
                                 ": ", attempts[i].outcome.message()));
    i = j;
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace roughtime::client
