#include "server/core/identity_store.h"

#include <utility>

namespace roughtime::server {

bool ServableAt(const OnlineIdentity& identity, absl::Time now) {
  return identity.ValidAt(now);
}

IdentityStore::IdentityStore(std::shared_ptr<const OnlineIdentity> first,
                             absl::Time now) {
  latest_ = PublishedIdentity{std::move(first), now, 0};
}

void IdentityStore::Publish(std::shared_ptr<const OnlineIdentity> next,
                            absl::Time now) {
  absl::MutexLock lock(&mu_);
  latest_ = PublishedIdentity{std::move(next), now, latest_.generation + 1};
  generation_.store(latest_.generation, std::memory_order_release);
}

PublishedIdentity IdentityStore::Latest() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

IdentityFollower::IdentityFollower(const IdentityStore* store,
                                   absl::Duration jitter)
    : store_(store), jitter_(jitter) {
  PublishedIdentity latest = store_->Latest();
  current_ = std::move(latest.identity);
  generation_ = latest.generation;
}

bool IdentityFollower::Refresh(absl::Time now) {
  if (store_->generation() == generation_) return false;
  PublishedIdentity latest = store_->Latest();
  const bool due = now >= latest.published + jitter_ ||
                   !ServableAt(*current_, now);
  if (!due) return false;
  current_ = std::move(latest.identity);
  generation_ = latest.generation;
  return true;
}

}  // namespace roughtime::server
