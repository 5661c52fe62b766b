#include "server/keys/reload.h"

#include <string.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "roughtime/bytes.h"
#include "roughtime/keyfile.h"
#include "server/core/identity_store.h"
#include "server/keys/identity.h"

namespace roughtime::server {
namespace {

absl::Status Named(const ServerConfig& config, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(KeySourceName(config), ": ",
                                                  status.message()));
}

absl::StatusOr<ReloadedKeys> ReloadRoot(const ServerConfig& config,
                                        VersionSet served,
                                        const OnlineIdentity& current,
                                        absl::Time now) {
  // Read only: unlike the first start in development mode, a missing dev
  // key is an error here (making a new root would silently break clients).
  absl::StatusOr<Seed> seed = ReadSeedFile(config.key_path);
  if (!seed.ok()) return Named(config, seed.status());
  ReloadedKeys keys;
  keys.root = SigningKey::FromSeed(*seed);
  explicit_bzero(seed->data(), seed->size());
  if (keys.root->public_key() != current.root_public_key) {
    keys.identity =
        DelegateFor(*keys.root, served, now, config.rotation.lifetime);
  }
  return keys;
}

absl::StatusOr<ReloadedKeys> ReloadDelegation(const ServerConfig& config,
                                              VersionSet served,
                                              const OnlineIdentity& current,
                                              absl::Time now) {
  // ReadDelegationFile verifies every CERT under the file's root key.
  absl::StatusOr<OnlineIdentity> identity =
      ReadDelegationFile(config.key_path);
  if (!identity.ok()) return Named(config, identity.status());
  for (const VersionSpec& spec : AllVersions()) {
    if (served.Contains(spec.version) &&
        identity->cert(spec.cert_family).empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          KeySourceName(config), ": no certificate for version ", AbslView(spec.name),
          ", which this server answers (the versions are chosen at start; "
          "restart to change them)"));
    }
  }
  // MINT <= MIDP <= MAXT (§5.2): a delegation not valid now could sign
  // nothing, so the current one stays.
  if (!ServableAt(*identity, now)) {
    return absl::FailedPreconditionError(absl::StrCat(
        KeySourceName(config), ": not valid now (MINT ",
        identity->window.mint_seconds, ", MAXT ",
        identity->window.maxt_seconds, ", now ", absl::ToUnixSeconds(now),
        ")"));
  }
  ReloadedKeys keys;
  const bool same =
      identity->online_key.public_key() == current.online_key.public_key() &&
      identity->root_public_key == current.root_public_key &&
      identity->window.mint_seconds == current.window.mint_seconds &&
      identity->window.maxt_seconds == current.window.maxt_seconds;
  if (!same) keys.identity = *std::move(identity);
  return keys;
}

}  // namespace

std::string KeySourceName(const ServerConfig& config) {
  switch (config.key_source) {
    case KeySource::kDev:
      return absl::StrCat("development key ", config.key_path);
    case KeySource::kRootKey:
      return absl::StrCat("--root-key ", config.key_path);
    case KeySource::kDelegation:
      return absl::StrCat("--delegation ", config.key_path);
  }
  return config.key_path;
}

absl::StatusOr<ReloadedKeys> ReadReplacementKeys(const ServerConfig& config,
                                                 VersionSet served,
                                                 const OnlineIdentity& current,
                                                 absl::Time now) {
  if (config.key_source == KeySource::kDelegation) {
    return ReloadDelegation(config, served, current, now);
  }
  return ReloadRoot(config, served, current, now);
}

}  // namespace roughtime::server
