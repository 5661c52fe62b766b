// Open-loop pacing: requests leave in bursts of `burst` at fixed instants,
// burst k at start + k * burst / rate, whatever the answers do. Small bursts
// keep the per-system-call cost low (one sendmmsg per burst) while staying
// close to a smooth rate; a generator that falls behind catches up at once,
// so the offered load does not depend on the server's latency.
#ifndef ROUGHTIME_TOOLS_LOADGEN_PACING_H_
#define ROUGHTIME_TOOLS_LOADGEN_PACING_H_

#include <cstddef>
#include <cstdint>

namespace roughtime::loadgen {

// About one millisecond of requests, between 1 and `max_burst`.
size_t DefaultBurst(double rate, size_t max_burst);

class OpenLoopPacer {
 public:
  OpenLoopPacer(double rate, int64_t start_ns, size_t burst);

  // How many requests should have been sent by `now_ns` (whole bursts).
  uint64_t DueBy(int64_t now_ns) const;
  // When the burst holding request number `sent` (0-based) is due.
  int64_t DueTime(uint64_t sent) const;

  size_t burst() const { return burst_; }

 private:
  double rate_;
  int64_t start_ns_;
  size_t burst_;
};

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_PACING_H_
