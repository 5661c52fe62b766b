// Key rotation between threads: the main thread publishes each new online
// identity here; every worker follows it with an IdentityFollower and
// switches between two batches (never inside one), each after its own
// jitter, so the workers do not all change keys in the same instant and the
// old delegation stays valid while they move over (the overlap, see
// rotation.h and docs/OPERATIONS.md "Key rotation").
#ifndef ROUGHTIME_SERVER_CORE_IDENTITY_STORE_H_
#define ROUGHTIME_SERVER_CORE_IDENTITY_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "roughtime/certificate.h"

namespace roughtime::server {

// Whether `identity` may sign a response with midpoint `now`: MINT <= MIDP
// <= MAXT (RFC 10049 §5.2) checked to the microsecond, because Google-
// Roughtime carries MIDP and MAXT in microseconds and a MIDP a fraction of a
// second after MAXT would be rejected there.
bool ServableAt(const OnlineIdentity& identity, absl::Time now);

struct PublishedIdentity {
  std::shared_ptr<const OnlineIdentity> identity;
  absl::Time published;
  uint64_t generation = 0;
};

class IdentityStore {
 public:
  IdentityStore(std::shared_ptr<const OnlineIdentity> first, absl::Time now);

  void Publish(std::shared_ptr<const OnlineIdentity> next, absl::Time now);
  // Cheap (one atomic load): followers compare it on every batch.
  uint64_t generation() const {
    return generation_.load(std::memory_order_acquire);
  }
  PublishedIdentity Latest() const;

 private:
  mutable absl::Mutex mu_;
  PublishedIdentity latest_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> generation_{0};
};

class IdentityFollower {
 public:
  // Starts with the store's latest identity; `jitter` is how long after a
  // publication this follower waits before it switches.
  IdentityFollower(const IdentityStore* store, absl::Duration jitter);

  const OnlineIdentity* current() const { return current_.get(); }
  absl::Duration jitter() const { return jitter_; }

  // Takes the newest identity once `jitter` has passed since it was
  // published, or at once when the current one cannot sign at `now`.
  // Returns true when it switched.
  bool Refresh(absl::Time now);

 private:
  const IdentityStore* store_;
  absl::Duration jitter_;
  std::shared_ptr<const OnlineIdentity> current_;
  uint64_t generation_ = 0;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CORE_IDENTITY_STORE_H_
