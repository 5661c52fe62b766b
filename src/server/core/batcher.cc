#include "server/core/batcher.h"

#include <algorithm>

#include "roughtime/crypto.h"

namespace roughtime::server {

size_t Batcher::BoundedMaxBatch(VersionSet served, size_t requested) {
  // The smallest request we accept is kMinRequestSize bytes; a batch no
  // larger than this keeps every response within its request (§9.7).
  const size_t bound = MaxBatchForRequestSize(served, kMinRequestSize);
  return std::max<size_t>(1, std::min(requested, bound));
}

Batcher::Batcher(const OnlineIdentity* identity, const Clock* clock,
                 const BatcherOptions& options, WorkerStats* stats)
    : identity_(identity),
      clock_(clock),
      stats_(stats),
      max_delay_(options.max_delay),
      radius_(options.radius),
      clock_gate_(options.clock_gate),
      capacity_(BoundedMaxBatch(options.served, options.max_batch)),
      responder_(identity, options.served, capacity_),
      arrivals_(capacity_),
      responses_(capacity_ * kMaxResponseSize),
      response_sizes_(capacity_, 0),
      versions_(capacity_, Version::kRfc1),
      request_sizes_(capacity_, 0),
      grease_(options.grease_rate) {
  policy_.served = options.served;
  policy_.srv = ComputeSrv(identity->root_public_key);
}

void Batcher::set_identity(const OnlineIdentity* identity) {
  identity_ = identity;
  responder_.set_identity(identity);
  policy_.srv = ComputeSrv(identity->root_public_key);
}

void Batcher::set_follower(IdentityFollower* follower) {
  follower_ = follower;
  set_identity(follower->current());
}

bool Batcher::Offer(ByteSpan datagram) {
  stats_->Add(stat::kReceived);
  if (full()) {
    // The caller flushes on kFull before offering more; if it ever does
    // not, the loss is counted rather than silent.
    stats_->Add(stat::kOverflow);
    return false;
  }
  ParsedRequest request;
  const DropReason reason = ParseRequest(datagram, policy_, &request);
  if (reason != DropReason::kNone) {
    stats_->CountDrop(reason);
    return false;
  }
  const size_t index = size();
  if (!responder_.Add(request)) {
    stats_->Add(stat::kOverflow);
    return false;
  }
  arrivals_[index] = clock_->Monotonic();
  if (index == 0) first_arrival_ = arrivals_[index];
  versions_[index] = request.version;
  request_sizes_[index] = datagram.size();
  stats_->Add(stat::kRequests);
  return true;
}

std::optional<FlushReason> Batcher::FlushDue(bool drained) const {
  if (empty()) return std::nullopt;
  if (full()) return FlushReason::kFull;
  if (drained && !lingering_) return FlushReason::kDrained;
  if (TimeToDeadline() <= absl::ZeroDuration()) return FlushReason::kDeadline;
  return std::nullopt;
}

absl::Duration Batcher::TimeToDeadline() const {
  if (empty()) return absl::InfiniteDuration();
  const absl::Duration waited = clock_->Monotonic() - first_arrival_;
  return std::max(absl::ZeroDuration(), max_delay_ - waited);
}

absl::Duration Batcher::HoldTime() const {
  const absl::Duration left = TimeToDeadline();
  if (empty() || full()) return absl::ZeroDuration();
  const size_t n = size();
  const absl::Duration gathering = clock_->Monotonic() - first_arrival_;
  // n requests came in `gathering`; capacity - n more at that rate.
  const absl::Duration fill =
      gathering * static_cast<double>(capacity_ - n) / static_cast<double>(n);
  return std::min(left, std::max(kMinHold, fill));
}

size_t Batcher::Flush(FlushReason reason) {
  const size_t n = size();
  if (n == 0) return 0;
  stats_->CountFlush(reason);
  std::fill(response_sizes_.begin(), response_sizes_.begin() + n, 0);

  // MIDP is the time of processing (§5.2); the delegation must cover it,
  // or every client would reject the answer (MINT <= MIDP <= MAXT, §5.4).
  const absl::Time now = clock_->Now();
  if (follower_ != nullptr && follower_->Refresh(now)) {
    set_identity(follower_->current());
    stats_->Add(stat::kRotations);
  }
  if (!ServableAt(*identity_, now)) {
    stats_->Add(stat::kExpired, n);
    return 0;
  }
  if (clock_gate_ != nullptr && !clock_gate_->sign()) {
    // --unsync-policy=refuse with an unsynchronised kernel clock.
    stats_->Add(stat::kUnsynced, n);
    return 0;
  }
  const absl::Duration radius =
      clock_gate_ != nullptr ? clock_gate_->radius() : radius_;
  if (!responder_.Sign(now, radius).ok()) {
    stats_->Add(stat::kSignErrors, n);
    return 0;
  }
  stats_->RecordBatch(n, responder_.signatures());

  size_t written = 0;
  for (size_t i = 0; i < n; ++i) {
    MutableByteSpan out(responses_.data() + i * kMaxResponseSize,
                        kMaxResponseSize);
    absl::StatusOr<size_t> size = responder_.WriteResponse(i, out);
    if (!size.ok()) {
      stats_->Add(stat::kWriteErrors);
      continue;
    }
    response_sizes_[i] = *size;
    MaybeGrease(i, out);
    stats_->CountVersion(versions_[i]);
    ++written;
  }
  return written;
}

void Batcher::MaybeGrease(size_t i, MutableByteSpan out) {
  if (grease_.rate() <= 0) return;
  const std::optional<GreaseKind> kind = grease_.Choose(grease_random_.Next());
  if (!kind.has_value()) return;
  // Never larger than the request (§9.7), whatever the kind.
  const size_t limit = std::min(request_sizes_[i], out.size());
  const std::optional<size_t> size =
      ApplyGrease(*kind, out, response_sizes_[i], limit);
  if (!size.has_value()) return;
  response_sizes_[i] = *size;
  stats_->Add(*kind == GreaseKind::kUndefinedTag ? stat::kGreasedValid
                                                  : stat::kGreased);
}

void Batcher::Reset() {
  const size_t n = size();
  const absl::Time done = n > 0 ? clock_->Monotonic() : absl::Time();
  for (size_t i = 0; i < n; ++i) {
    if (response_sizes_[i] == 0) continue;  // not answered
    stats_->histograms().RecordLatency(done - arrivals_[i]);
  }
  std::fill(response_sizes_.begin(), response_sizes_.begin() + size(), 0);
  responder_.Reset();
}

}  // namespace roughtime::server
