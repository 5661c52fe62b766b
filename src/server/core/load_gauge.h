// How short of CPU one worker is, for the batching policy (batcher.h).
//
// Answering as soon as the sockets are drained keeps latency low at light
// load, but between roughly three quarters of the peak rate and the peak it
// makes batches of a few requests, each paying a whole Ed25519 signature
// (~21 us here): the worker then needs more CPU per answer than it has and
// falls behind, although at the peak itself (where batches fill) it keeps
// up (docs/PERFORMANCE.md, "Throughput and latency against offered load").
// A worker that is busy should therefore keep its batch open a little.
//
// The gauge measures the fraction of wall time the worker spends outside
// its wait (poll) over consecutive windows, and turns it into a two-state
// decision with hysteresis so the state does not flap: busy from `enter`
// upwards, no longer busy under `leave`. Time spent waiting for a batch to
// fill counts as idle, so the figure is the CPU the load really needs.
// Pure: the caller supplies the times (a monotonic clock).
#ifndef ROUGHTIME_SERVER_CORE_LOAD_GAUGE_H_
#define ROUGHTIME_SERVER_CORE_LOAD_GAUGE_H_

#include "absl/time/time.h"

namespace roughtime::server {

struct LoadGaugeOptions {
  absl::Duration window = absl::Milliseconds(20);
  double enter = 0.8;
  double leave = 0.6;
};

class LoadGauge {
 public:
  explicit LoadGauge(const LoadGaugeOptions& options = {});

  // The worker's wait returned at `now`.
  void Woke(absl::Time now);
  // The worker is about to wait at `now`; closes a window when one is due.
  void Sleeping(absl::Time now);

  bool busy() const { return busy_; }
  // Of the last closed window, in [0, 1]; 0 before the first.
  double utilization() const { return utilization_; }

 private:
  LoadGaugeOptions options_;
  bool started_ = false;
  bool awake_ = false;
  bool busy_ = false;
  double utilization_ = 0;
  absl::Time window_start_;
  absl::Time woke_at_;
  absl::Duration busy_in_window_;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CORE_LOAD_GAUGE_H_
