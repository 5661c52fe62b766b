#include "server/keys/identity.h"

#include <string.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "roughtime/keyfile.h"
#include "server/core/identity_store.h"
#include "server/keys/dev_key.h"
#include "server/keys/rotation.h"

namespace roughtime::server {
namespace {

ServingIdentity Delegate(const SigningKey& root, VersionSet served,
                         absl::Time now, absl::Duration lifetime,
                         bool created) {
  return ServingIdentity{DelegateFor(root, served, now, lifetime), served,
                         created, root};
}

}  // namespace

DelegationWindow OnlineKeyWindow(absl::Time now) {
  return OnlineKeyWindow(now, kDelegationLifetime);
}

OnlineIdentity DelegateFor(const SigningKey& root, VersionSet served,
                           absl::Time now, absl::Duration lifetime) {
  return DelegateOnlineKey(root, OnlineKeyWindow(now, lifetime), served);
}

absl::StatusOr<ServingIdentity> LoadServingIdentity(const ServerConfig& config,
                                                    absl::Time now) {
  const VersionSet requested = config.batcher.served;
  switch (config.key_source) {
    case KeySource::kDev: {
      absl::StatusOr<DevRootKey> dev = LoadOrCreateDevRootKey(config.key_path);
      if (!dev.ok()) {
        return absl::Status(dev.status().code(),
                            absl::StrCat("development key ", config.key_path,
                                         ": ", dev.status().message()));
      }
      return Delegate(dev->key, requested, now, config.rotation.lifetime,
                      dev->created);
    }
    case KeySource::kRootKey: {
      absl::StatusOr<Seed> seed = ReadSeedFile(config.key_path);
      if (!seed.ok()) {
        return absl::Status(seed.status().code(),
                            absl::StrCat("--root-key ", config.key_path, ": ",
                                         seed.status().message()));
      }
      const SigningKey root = SigningKey::FromSeed(*seed);
      explicit_bzero(seed->data(), seed->size());
      return Delegate(root, requested, now, config.rotation.lifetime, false);
    }
    case KeySource::kDelegation: {
      absl::StatusOr<OnlineIdentity> identity =
          ReadDelegationFile(config.key_path);
      if (!identity.ok()) {
        return absl::Status(identity.status().code(),
                            absl::StrCat("--delegation ", config.key_path,
                                         ": ", identity.status().message()));
      }
      // Serve only the versions whose certificate family the file carries.
      VersionSet served;
      for (const VersionSpec& spec : AllVersions()) {
        if (requested.Contains(spec.version) &&
            !identity->cert(spec.cert_family).empty()) {
          served.Add(spec.version);
        }
      }
      if (served.empty()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "--delegation ", config.key_path,
            ": no certificate for any of the versions to serve"));
      }
      if (!ServableAt(*identity, now)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "--delegation ", config.key_path, ": not valid now (MINT ",
            identity->window.mint_seconds, ", MAXT ",
            identity->window.maxt_seconds, ", now ", absl::ToUnixSeconds(now),
            ")"));
      }
      return ServingIdentity{*std::move(identity), served, false, std::nullopt};
    }
  }
  return absl::InternalError("unknown key source");
}

}  // namespace roughtime::server
