#include "server/keys/key_keeper.h"

#include <errno.h>
#include <unistd.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "server/base/log.h"
#include "server/keys/reload.h"

namespace roughtime::server {
namespace {

absl::Time Maxt(const DelegationWindow& window) {
  return absl::FromUnixSeconds(static_cast<int64_t>(window.maxt_seconds));
}

}  // namespace

std::string DescribeIdentity(const OnlineIdentity& identity) {
  return absl::StrCat(Base64Encode(identity.online_key.public_key()),
                      " valid from ", identity.window.mint_seconds, " to ",
                      identity.window.maxt_seconds, " (Unix seconds)");
}

KeyKeeper::KeyKeeper(const ServerConfig& config, ServingIdentity serving,
                     absl::Time now)
    : config_(config),
      served_(serving.served),
      root_(std::move(serving.root)),
      window_(serving.identity.window),
      store_(std::make_shared<const OnlineIdentity>(
                 std::move(serving.identity)),
             now) {
  ScheduleFor(window_);
}

void KeyKeeper::ScheduleFor(const DelegationWindow& window) {
  window_ = window;
  if (root_.has_value()) {
    next_rotation_ = NextRotationTime(window_, config_.rotation.rotate_before);
  } else {
    expiry_.emplace(Maxt(window_), config_.delegation_warn_before,
                    config_.delegation_warn_interval);
  }
}

absl::Duration KeyKeeper::RandomJitter() const {
  uint8_t bytes[4];
  RandomBytes(MutableByteSpan(bytes, sizeof(bytes)));
  const double fraction = LoadLE32(bytes) / 4294967296.0;
  return WorkerJitter(config_.rotation.rotate_before, fraction);
}

absl::Time KeyKeeper::Tick(absl::Time now) {
  if (root_.has_value()) {
    if (now >= next_rotation_) Rotate(now);
    return next_rotation_;
  }
  switch (expiry_->Check(now)) {
    case ExpiryWatch::Event::kWarn:
      Log(absl::StrCat("warning: delegation ", config_.key_path,
                       " expires at ", window_.maxt_seconds,
                       " (Unix seconds, in ",
                       absl::FormatDuration(absl::Trunc(
                           Maxt(window_) - now, absl::Seconds(1))),
                       "); put a new one from roughtime-keygen delegate in "
                       "its place and send SIGHUP (or restart), or the "
                       "server stops answering then"));
      break;
    case ExpiryWatch::Event::kExpired:
      Log(absl::StrCat("ERROR: delegation ", config_.key_path,
                       " EXPIRED at ", window_.maxt_seconds,
                       " (Unix seconds); NOT SIGNING any more, requests are "
                       "dropped and counted as expired; health=expired"));
      break;
    case ExpiryWatch::Event::kNone:
      break;
  }
  return expiry_->NextCheck();
}

void KeyKeeper::Rotate(absl::Time now) {
  auto next = std::make_shared<const OnlineIdentity>(
      DelegateFor(*root_, served_, now, config_.rotation.lifetime));
  window_ = next->window;
  Log(absl::StrCat("rotated: new online key ", DescribeIdentity(*next),
                   "; workers switch within ",
                   absl::FormatDuration(config_.rotation.rotate_before / 2)));
  store_.Publish(std::move(next), now);
  next_rotation_ = NextRotationTime(window_, config_.rotation.rotate_before);
}

void KeyKeeper::Reload(absl::Time now) {
  const std::shared_ptr<const OnlineIdentity> current =
      store_.Latest().identity;
  absl::StatusOr<ReloadedKeys> keys =
      ReadReplacementKeys(config_, served_, *current, now);
  if (!keys.ok()) {
    stats_.Add(stat::kReloadFailures);
    std::string hint;
    if (!config_.privileges.user.empty() &&
        access(config_.key_path.c_str(), R_OK) != 0 && errno == EACCES) {
      // After --user the files are read as that user, not as root.
      hint = absl::StrCat(" (roughtimed dropped root and runs as user ",
                          config_.privileges.user,
                          ": the file must be owned by and readable for that "
                          "user, mode 0600)");
    }
    Log(absl::StrCat("ERROR: reload on SIGHUP failed: ", keys.status().message(),
                     hint, "; still serving online key ",
                     DescribeIdentity(*current)));
    return;
  }
  stats_.Add(stat::kReloads);
  if (!keys->identity.has_value()) {
    Log(absl::StrCat("reloaded on SIGHUP: ", KeySourceName(config_),
                     " unchanged; still serving online key ",
                     DescribeIdentity(*current)));
    return;
  }
  const PublicKey& new_root = keys->identity->root_public_key;
  if (new_root != current->root_public_key) {
    // Accepted: the operator put this key there and a restart would load
    // it too. But every client pinning the old root now rejects our
    // answers, so say so as loudly as the expiry.
    Log(absl::StrCat("WARNING: ROOT KEY CHANGED on reload: root public key ",
                     Base64Encode(new_root), " replaces ",
                     Base64Encode(current->root_public_key),
                     "; clients that pin the old root reject every answer "
                     "until they are given the new one"));
  }
  if (keys->root.has_value()) root_ = std::move(keys->root);
  auto next = std::make_shared<const OnlineIdentity>(*std::move(keys->identity));
  const std::string described = DescribeIdentity(*next);
  ScheduleFor(next->window);
  // Published as if `rotate_before` ago: longer than any worker's jitter
  // (at most half of it), so each thread switches at its next batch. Until
  // then it signs with the old identity, still valid, so nothing is lost.
  // Logged after publishing: a request sent once the line is out gets the
  // new key.
  store_.Publish(std::move(next), now - config_.rotation.rotate_before);
  Log(absl::StrCat("reloaded on SIGHUP: ", KeySourceName(config_),
                   ": new online key ", described,
                   "; every thread switches at its next batch"));
}

std::string KeyKeeper::Health(absl::Time now) const {
  if (now > Maxt(window_)) return "expired";
  if (expiry_.has_value() &&
      now >= Maxt(window_) - config_.delegation_warn_before) {
    return "expiring";
  }
  return "ok";
}

}  // namespace roughtime::server
