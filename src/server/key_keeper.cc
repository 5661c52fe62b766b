#include "server/key_keeper.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "server/log.h"

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
                       "); make a new one with roughtime-keygen delegate and "
                       "restart, or the server stops answering then"));
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

std::string KeyKeeper::Health(absl::Time now) const {
  if (now > Maxt(window_)) return "expired";
  if (expiry_.has_value() &&
      now >= Maxt(window_) - config_.delegation_warn_before) {
    return "expiring";
  }
  return "ok";
}

}  // namespace roughtime::server
