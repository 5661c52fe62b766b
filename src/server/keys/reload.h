// What a SIGHUP reload reads: the key material of the key source the
// server was started with (server_config.h), checked as strictly as at
// start-up, so that a bad file never replaces a working identity.
//  * --delegation FILE: the file again; it must verify (ReadDelegationFile),
//    be valid now (MINT <= now <= MAXT, RFC 10049 §5.2) and carry a CERT
//    for every version being served (the versions are fixed at start).
//  * --root-key FILE, --dev: the seed again; a changed root key gets a
//    freshly delegated online key, an unchanged one keeps the current key.
// A delegation from a different root key is accepted (the operator put the
// file there; a restart would load it too) and reported by the caller.
#ifndef ROUGHTIME_SERVER_KEYS_RELOAD_H_
#define ROUGHTIME_SERVER_KEYS_RELOAD_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/version.h"
#include "server/config/server_config.h"

namespace roughtime::server {

struct ReloadedKeys {
  // Empty when the file holds what is already served (nothing to publish).
  std::optional<OnlineIdentity> identity;
  // The root key read again (--root-key, --dev): kept for later rotations.
  std::optional<SigningKey> root;
};

// Reads the key source of `config` again. `current` is the identity being
// served and `served` the versions answered. Errors name the file and why.
absl::StatusOr<ReloadedKeys> ReadReplacementKeys(const ServerConfig& config,
                                                 VersionSet served,
                                                 const OnlineIdentity& current,
                                                 absl::Time now);

// "--delegation FILE", "--root-key FILE" or "development key FILE".
std::string KeySourceName(const ServerConfig& config);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_KEYS_RELOAD_H_
