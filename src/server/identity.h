// What the server signs with, from one of three sources (server_config.h):
// a root seed file (delegate a fresh online key at start), a delegation
// file (the root key stays offline), or the development key.
#ifndef ROUGHTIME_SERVER_IDENTITY_H_
#define ROUGHTIME_SERVER_IDENTITY_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "roughtime/certificate.h"
#include "roughtime/version.h"
#include "server/server_config.h"

namespace roughtime::server {

// How long a delegation made at start is valid (MINT <= MIDP <= MAXT,
// RFC 10049 §5.2). MINT lies an hour back so that MIDP stays inside the
// window if our clock is stepped back a little after start. Automatic rotation before MAXT is a later issue; until then
// restart the server at least weekly (docs/OPERATIONS.md).
inline constexpr absl::Duration kDelegationLookBack = absl::Hours(1);
inline constexpr absl::Duration kDelegationLifetime = absl::Hours(24 * 7);

DelegationWindow OnlineKeyWindow(absl::Time now);

struct ServingIdentity {
  OnlineIdentity identity;
  VersionSet served;             // versions we can and will answer
  bool dev_key_created = false;  // development mode made keys/dev-root.key
};

// Loads or makes the identity for `config`. Errors name the file and why.
absl::StatusOr<ServingIdentity> LoadServingIdentity(const ServerConfig& config,
                                                    absl::Time now);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_IDENTITY_H_
