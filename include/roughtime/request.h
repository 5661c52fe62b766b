// Requests: built by clients (RFC 10049 §5.1) and parsed and judged by
// servers, which drop anything unacceptable silently (§5.2: no error
// replies) and count the reason.
#ifndef ROUGHTIME_REQUEST_H_
#define ROUGHTIME_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/version.h"

namespace roughtime {

// The smallest request a server answers: 1024 bytes of datagram, which is
// what Cloudflare and roughenough send (a 1012-byte message); RFC clients
// send a 1024-byte message (a 1036-byte packet). §5.1, §9.7.
inline constexpr size_t kMinRequestSize = 1024;
// What our client sends: a 1024-byte message in a 1036-byte packet.
inline constexpr size_t kDefaultRequestMessageSize = 1024;
// Largest request accepted (one UDP datagram without fragmentation).
inline constexpr size_t kMaxRequestSize = 1500;
inline constexpr size_t kMaxOfferedVersions = 32;  // §5.1.1

// ----- client side -----

struct RequestOptions {
  // Versions offered, in the order they are written. For IETF versions this
  // should be ascending (§5.1.1); tests use other orders on purpose.
  // Google must be offered alone (its request has no VER).
  std::vector<uint32_t> offered_wire_versions = {0x00000001, 0x8000000c};
  bool google = false;
  // Adds SRV = H(0xff || key) when set (versions >= draft-10).
  std::optional<PublicKey> server_key;
  // Adds TYPE=0 (versions >= draft-14, mandatory in version 1).
  bool include_type = true;
  // The nonce; random when empty. 32 bytes (64 for Google).
  Bytes nonce;
  // Size of the message before framing (IETF) or of the whole datagram
  // (Google). Padding fills the rest (ZZZZ, or PAD\xff for Google).
  size_t message_size = kDefaultRequestMessageSize;
};

struct BuiltRequest {
  Bytes packet;  // exactly the bytes to send (and to hash for the leaf)
  Bytes nonce;
};

absl::StatusOr<BuiltRequest> BuildRequest(const RequestOptions& options);

// ----- server side -----

// Why a request was dropped. Each has its own counter in the server.
enum class DropReason : uint8_t {
  kNone = 0,
  kTooShort,           // datagram under the minimum size (amplification)
  kTooLong,            // over kMaxRequestSize
  kBadFrame,           // ROUGHTIM length disagrees with the datagram
  kMalformed,          // message encoding rules broken
  kMissingNonce,
  kBadNonceLength,
  kMissingVersion,     // framed request without VER
  kBadVersionList,     // VER empty, not a multiple of 4, or over 32 entries
  kUnsortedVersions,   // not strictly ascending where the version needs it
  kNoCommonVersion,    // nothing offered that we serve
  kMissingType,        // version 1 without TYPE (and nothing else offered)
  kBadType,            // TYPE present but not a 4-byte zero
  kBadSrv,             // SRV present but not 32 bytes
  kWrongSrv,           // SRV names another server's key
  kResponseTooLarge,   // the response would exceed the request
  kRateLimited,        // per-source limit (server policy)
  kCount,
};
std::string_view DropReasonName(DropReason r);  // "too_short", ...
absl::Status DropReasonStatus(DropReason r);    // a readable status

// What the server accepts.
struct RequestPolicy {
  VersionSet served = VersionSet::All();
  // H(0xff || our root public key); requests whose SRV differs are dropped.
  Hash32 srv{};
  size_t min_size = kMinRequestSize;
  size_t max_size = kMaxRequestSize;
};

struct ParsedRequest {
  Version version = Version::kRfc1;
  ByteSpan packet;  // the whole datagram (the leaf for versions >= 12)
  ByteSpan nonce;
  bool has_type = false;  // echo TYPE=1 in the response when asked with it
};

// Picks the version to answer among the offered VER values (raw bytes of
// the VER tag), or returns why none can be. Prefers version 1, then
// 0x8000000c, then the newest draft. Versions from 0x8000000c on require
// the list to be strictly ascending; older drafts accept any order, since
// Cloudflare's client offers [0x8000000b, 0x80000008]. Version 1 needs TYPE.
DropReason NegotiateVersion(ByteSpan ver_value, bool has_type,
                            VersionSet served, Version* chosen);

// Validates a whole datagram. Never reads outside `packet`; allocation-free.
DropReason ParseRequest(ByteSpan packet, const RequestPolicy& policy,
                        ParsedRequest* out);

}  // namespace roughtime

#endif  // ROUGHTIME_REQUEST_H_
