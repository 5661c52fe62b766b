// What the server signs with, from one of three sources (server_config.h):
// a root seed file (delegate a fresh online key at start), a delegation
// file (the root key stays offline), or the development key.
#ifndef ROUGHTIME_SERVER_KEYS_IDENTITY_H_
#define ROUGHTIME_SERVER_KEYS_IDENTITY_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/version.h"
#include "server/config/server_config.h"

namespace roughtime::server {

// The default lifetime of a delegation made by the server (MINT <= MIDP <=
// MAXT, RFC 10049 §5.2). MINT lies an hour back so that MIDP stays inside
// the window if our clock is stepped back a little after start. The key is
// rotated before MAXT (rotation.h, --online-key-lifetime, --rotate-before).
inline constexpr absl::Duration kDelegationLookBack = absl::Hours(1);
inline constexpr absl::Duration kDelegationLifetime = absl::Hours(24 * 7);

// OnlineKeyWindow(now, kDelegationLifetime) (rotation.h).
DelegationWindow OnlineKeyWindow(absl::Time now);

struct ServingIdentity {
  OnlineIdentity identity;
  VersionSet served;             // versions we can and will answer
  bool dev_key_created = false;  // development mode made keys/dev-root.key
  // The root key when it is on this host (--root-key, --dev), kept to
  // delegate the next online key; empty for --delegation.
  std::optional<SigningKey> root;
};

// A fresh online key delegated by `root` for `lifetime` from `now`.
OnlineIdentity DelegateFor(const SigningKey& root, VersionSet served,
                           absl::Time now, absl::Duration lifetime);

// Loads or makes the identity for `config`. Errors name the file and why.
absl::StatusOr<ServingIdentity> LoadServingIdentity(const ServerConfig& config,
                                                    absl::Time now);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_KEYS_IDENTITY_H_
