// Grease (RFC 10049 §5.2 / protocol notes §4.3 item 7: servers SHOULD send
// a small fraction of deliberately invalid responses, so that clients keep
// checking everything). A chosen response is changed after it was written,
// in its own buffer, in one of the ways the RFC lists:
//  * kBadSrepSignature: a bit of the SREP signature flipped;
//  * kBadDeleSignature: a bit of the DELE (CERT) signature flipped;
//  * kMissingTag: the mandatory SIG tag removed;
//  * kVersionNotOffered: VER set to a version no client offers (inside SREP
//    for the versions that sign it, which breaks the signature too; Google
//    has no VER and gets a bad SREP signature instead);
//  * kUndefinedTag: an extra tag no version defines. This one is VALID:
//    clients must ignore unknown tags, and it is counted apart.
// MIDP, RADI and every signed time are never changed, so a greased response
// can never carry a wrong time under valid signatures. A change that would
// make the response larger than its request (§9.7) is not made.
#ifndef ROUGHTIME_SERVER_CORE_GREASE_H_
#define ROUGHTIME_SERVER_CORE_GREASE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "roughtime/bytes.h"

namespace roughtime::server {

enum class GreaseKind : uint8_t {
  kBadSrepSignature = 0,
  kBadDeleSignature,
  kMissingTag,
  kVersionNotOffered,
  kUndefinedTag,
  kCount,
};

// The tag added by kUndefinedTag ("GRSE"), defined by no version.
inline constexpr uint32_t kGreaseTag =
    uint32_t{'G'} | uint32_t{'R'} << 8 | uint32_t{'S'} << 16 |
    uint32_t{'E'} << 24;
// The VER written by kVersionNotOffered.
inline constexpr uint32_t kGreaseVersion = 0x7a7a7a7a;

// Which responses to grease: `rate` in [0, 1] of them, the kind chosen
// evenly. Deterministic for a given random value, so it is unit-tested.
class GreasePolicy {
 public:
  explicit GreasePolicy(double rate);
  double rate() const { return rate_; }
  // `random` is a uniformly random 64-bit value.
  std::optional<GreaseKind> Choose(uint64_t random) const;

 private:
  double rate_;
  uint64_t threshold_;  // grease when the top 32 bits are below it
};

// Applies `kind` to the packet response[0, size) (framed or Google). Returns
// the new size, or nullopt when the packet was left unchanged (it could not
// be parsed, or the change would exceed `limit` bytes).
std::optional<size_t> ApplyGrease(GreaseKind kind, MutableByteSpan response,
                                  size_t size, size_t limit);

// A small fast generator for the choice (not for keys: nothing secret
// depends on it), seeded from libsodium.
class GreaseRandom {
 public:
  GreaseRandom();
  uint64_t Next();

 private:
  uint64_t state_;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CORE_GREASE_H_
