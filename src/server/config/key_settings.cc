#include "server/config/key_settings.h"

namespace roughtime::server {

absl::Status ValidateRotationPolicy(const RotationPolicy& policy) {
  if (policy.lifetime < absl::Seconds(3) ||
      policy.lifetime > absl::Hours(24 * 366)) {
    return absl::InvalidArgumentError(
        "--online-key-lifetime must be between 3s and 366 days");
  }
  if (policy.rotate_before <= absl::ZeroDuration() ||
      policy.rotate_before > policy.lifetime / 2) {
    return absl::InvalidArgumentError(
        "--rotate-before must be positive and at most half of "
        "--online-key-lifetime");
  }
  return absl::OkStatus();
}

}  // namespace roughtime::server
