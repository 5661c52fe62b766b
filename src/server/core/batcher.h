// The pure batching policy of one worker: no sockets, an injected clock and
// identity. Requests that arrive together share one Merkle tree and one
// signature per version present (RFC 10049 §5.3; the core's BatchResponder
// does the trees and signing). A batch is flushed
//  * when the sockets are drained (nothing is waiting: answer at once, so
//    latency stays low at light load), unless the worker is busy
//    (set_lingering, load_gauge.h): then small batches would cost more
//    signatures than it has CPU for, so it waits for the next two cases,
//  * when it is full (heavy load: one signature covers max_batch requests),
//  * when its oldest request has waited `max_delay` while datagrams kept
//    arriving (bounds latency between those two cases).
// The maximum batch is bounded so that no response can be larger than its
// request (§9.7, core MaxBatchForRequestSize).
#ifndef ROUGHTIME_SERVER_CORE_BATCHER_H_
#define ROUGHTIME_SERVER_CORE_BATCHER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "roughtime/version.h"
#include "server/base/stats.h"
#include "server/core/clock.h"
#include "server/core/clock_policy.h"
#include "server/core/grease.h"
#include "server/core/identity_store.h"

namespace roughtime::server {

struct BatcherOptions {
  VersionSet served = VersionSet::All();
  // Requested maximum; Batcher bounds it with MaxBatchForRequestSize.
  size_t max_batch = 64;
  absl::Duration max_delay = absl::Milliseconds(1);
  absl::Duration radius = absl::Seconds(5);
  // Whether a busy worker keeps its batch open after the sockets drain
  // (--adaptive-batching; the worker decides, see load_gauge.h).
  bool linger_when_busy = true;
  // Fraction of responses greased (grease.h); 0 turns grease off.
  double grease_rate = 0;
  // The kernel-clock decision (clock_policy.h); null: always sign with
  // `radius`. Must outlive the batcher.
  const ClockGate* clock_gate = nullptr;
};

class Batcher {
 public:
  // The largest batch allowed for `served` (at least 1): `requested` bounded
  // so that every response fits in the smallest acceptable request.
  static size_t BoundedMaxBatch(VersionSet served, size_t requested);

  // `identity`, `clock` and `stats` must outlive the batcher. All storage is
  // allocated here; Offer/Flush never allocate.
  Batcher(const OnlineIdentity* identity, const Clock* clock,
          const BatcherOptions& options, WorkerStats* stats);

  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  size_t capacity() const { return capacity_; }
  size_t size() const { return responder_.size(); }
  bool empty() const { return size() == 0; }
  bool full() const { return size() == capacity_; }

  // Parses and judges one datagram (counted as received; a drop is counted
  // by its reason). When accepted it becomes entry size()-1 and its bytes
  // must stay valid and unchanged until Flush() returns.
  bool Offer(ByteSpan datagram);

  // Whether the batch must be sent now, and why. `drained` means no datagram
  // is waiting on any socket; while lingering it does not flush by itself.
  std::optional<FlushReason> FlushDue(bool drained) const;
  // Time until the deadline of the current batch (zero when passed, infinite
  // when the batch is empty): how long the caller may wait for more.
  absl::Duration TimeToDeadline() const;
  // While lingering on a drained socket: how long to let datagrams gather
  // before reading again, the time the batch needs to fill at the rate its
  // requests arrived so far, at least kMinHold, at most TimeToDeadline().
  // The caller does not wait on the sockets meanwhile: a busy worker woken
  // for every datagram would spend more on wake-ups and one-datagram reads
  // than the larger batch saves.
  absl::Duration HoldTime() const;
  static constexpr absl::Duration kMinHold = absl::Microseconds(50);

  // Signs the batch and writes every response; returns how many were
  // written. response(i) stays valid until Reset().
  size_t Flush(FlushReason reason);
  // The response to entry i, empty when it could not be written.
  ByteSpan response(size_t i) const {
    return ByteSpan(responses_.data() + i * kMaxResponseSize,
                    response_sizes_[i]);
  }
  // Empties the batch for the next requests. Called after the responses
  // were sent, so it records each answered entry's server-side latency
  // (acceptance to now) in stats->histograms() for /metrics.
  void Reset();

  // Set by a busy worker: a drained socket no longer flushes the batch; it
  // waits until it is full or its deadline passes.
  void set_lingering(bool lingering) { lingering_ = lingering; }
  bool lingering() const { return lingering_; }

  void set_identity(const OnlineIdentity* identity);
  // Key rotation: before signing each batch, take the follower's identity
  // when it has moved on (counted as a rotation). Must outlive the batcher.
  void set_follower(IdentityFollower* follower);

 private:
  // Greases response i (written in `out`) when the policy picks it.
  void MaybeGrease(size_t i, MutableByteSpan out);

  const OnlineIdentity* identity_;
  IdentityFollower* follower_ = nullptr;
  const Clock* clock_;
  WorkerStats* stats_;
  RequestPolicy policy_;
  absl::Duration max_delay_;
  bool lingering_ = false;
  absl::Duration radius_;
  const ClockGate* clock_gate_;
  size_t capacity_;
  BatchResponder responder_;
  absl::Time first_arrival_;  // monotonic, of entry 0
  std::vector<absl::Time> arrivals_;  // monotonic, of each entry (latency)
  std::vector<uint8_t> responses_;     // capacity_ * kMaxResponseSize
  std::vector<size_t> response_sizes_;
  std::vector<Version> versions_;  // of each entry, for the counters
  std::vector<size_t> request_sizes_;  // of each entry: grease's limit
  GreasePolicy grease_;
  GreaseRandom grease_random_;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CORE_BATCHER_H_
