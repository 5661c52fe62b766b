// The main thread's care of the signing key over the server's life:
//  * root key on this host (--root-key, --dev): delegate a new online key
//    `rotate_before` ahead of the current MAXT and publish it to the
//    workers (identity_store.h), logging the new public key and window;
//  * offline delegation (--delegation): warn ahead of MAXT, then say loudly
//    that signing stopped once MAXT has passed (the batchers refuse to sign
//    with an identity that does not cover MIDP; counted as "expired");
//  * SIGHUP: read the key source again (reload.h) and publish what changed
//    like a rotation, except that every thread switches at its next batch
//    (the operator asked for the new key now). A failed reload logs one
//    line and keeps the old identity; both outcomes are counted.
#ifndef ROUGHTIME_SERVER_KEYS_KEY_KEEPER_H_
#define ROUGHTIME_SERVER_KEYS_KEY_KEEPER_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/base/stats.h"
#include "server/config/server_config.h"
#include "server/core/identity_store.h"
#include "server/keys/identity.h"
#include "server/keys/rotation.h"

namespace roughtime::server {

class KeyKeeper {
 public:
  KeyKeeper(const ServerConfig& config, ServingIdentity serving,
            absl::Time now);

  const IdentityStore* store() const { return &store_; }
  // A worker's rotation jitter: random, within half the overlap.
  absl::Duration RandomJitter() const;

  // Does what is due at `now` (rotation, warnings; each logs a line) and
  // returns when it next has something to do.
  absl::Time Tick(absl::Time now);

  // "ok", "expiring" (inside the warning period) or "expired".
  std::string Health(absl::Time now) const;

  // SIGHUP: re-reads the key files (logs one line, or two when the root key
  // changed). Call Tick afterwards: the schedule may have moved.
  void Reload(absl::Time now);
  // The reload counters (stat::kReloads, stat::kReloadFailures); the main
  // thread is their only writer.
  const WorkerStats& stats() const { return stats_; }

 private:
  void Rotate(absl::Time now);
  void ScheduleFor(const DelegationWindow& window);

  ServerConfig config_;
  VersionSet served_;
  std::optional<SigningKey> root_;
  DelegationWindow window_;  // of the newest identity
  IdentityStore store_;
  absl::Time next_rotation_ = absl::InfiniteFuture();
  std::optional<ExpiryWatch> expiry_;
  WorkerStats stats_;
};

// "<public key> valid from MINT to MAXT (Unix seconds)" for the log.
std::string DescribeIdentity(const OnlineIdentity& identity);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_KEYS_KEY_KEEPER_H_
