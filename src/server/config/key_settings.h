// The settings keys/ reads: where the signing key comes from and how long
// the online keys it delegates live. They are defined here, not in keys/,
// because ServerConfig holds them and keys/ sits above config/ (keys/
// reads the whole ServerConfig; see src/server/README.md).
#ifndef ROUGHTIME_SERVER_CONFIG_KEY_SETTINGS_H_
#define ROUGHTIME_SERVER_CONFIG_KEY_SETTINGS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace roughtime::server {

inline constexpr char kDevKeyPath[] = "keys/dev-root.key";

enum class KeySource : uint8_t {
  kDev,         // development root key in keys/dev-root.key (made if missing)
  kRootKey,     // --root-key: the long-term seed; delegate at start
  kDelegation,  // --delegation: online key + CERTs; root key stays offline
};

// --online-key-lifetime and --rotate-before (keys/rotation.h uses them).
struct RotationPolicy {
  absl::Duration lifetime = absl::Hours(24 * 7);  // MAXT - now at delegation
  absl::Duration rotate_before = absl::Hours(24);  // overlap before MAXT
};

// Lifetime at least 3s, 0 < rotate_before <= lifetime / 2 (so the next key
// is always made in the future). Errors name the flags.
absl::Status ValidateRotationPolicy(const RotationPolicy& policy);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CONFIG_KEY_SETTINGS_H_
