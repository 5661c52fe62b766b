#include "server/core/load_gauge.h"

#include <algorithm>

namespace roughtime::server {

LoadGauge::LoadGauge(const LoadGaugeOptions& options) : options_(options) {}

void LoadGauge::Woke(absl::Time now) {
  if (!started_) {
    started_ = true;
    window_start_ = now;
  }
  if (awake_) return;
  awake_ = true;
  woke_at_ = now;
}

void LoadGauge::Sleeping(absl::Time now) {
  if (!started_) return;
  if (awake_) {
    busy_in_window_ += now - woke_at_;
    awake_ = false;
  }
  const absl::Duration elapsed = now - window_start_;
  if (elapsed < options_.window) return;
  // A window that spans a long idle period counts it all: after a quiet
  // minute the worker is not busy, however hard the last burst was.
  utilization_ = std::clamp(absl::FDivDuration(busy_in_window_, elapsed),
                            0.0, 1.0);
  if (!busy_ && utilization_ >= options_.enter) {
    busy_ = true;
  } else if (busy_ && utilization_ < options_.leave) {
    busy_ = false;
  }
  window_start_ = now;
  busy_in_window_ = absl::ZeroDuration();
}

}  // namespace roughtime::server
