// One table describing every wire version we speak and how they differ.
// Facts: RFC 10049 §4-§5 for version 1, the drafts for the experimental
// numbers, Google's PROTOCOL.md for Google-Roughtime (see docs/PROTOCOL.md).
#ifndef ROUGHTIME_VERSION_H_
#define ROUGHTIME_VERSION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace roughtime {

// Ordered from oldest to newest; the server prefers later entries.
enum class Version : uint8_t {
  kGoogle = 0,   // no version number, unframed, 64-byte nonces, microseconds
  kDraft08,      // 0x80000008
  kDraft09,      // 0x80000009
  kDraft10,      // 0x8000000a (adds SRV)
  kDraft11,      // 0x8000000b (Cloudflare's current IETF version)
  kDraft12,      // 0x8000000c, drafts 12-19 (TYPE from draft 14)
  kRfc1,         // 0x00000001, RFC 10049
};
inline constexpr size_t kNumVersions = 7;

// The signature families: a delegation (CERT) is signed once per family,
// because each has its own context string or time encoding.
enum class CertFamily : uint8_t {
  kGoogle = 0,   // microseconds, "RoughTime v1 delegation signature--\0"
  kDraft08To11,  // seconds, "RoughTime v1 delegation signature--\0"
  kDraft12,      // seconds, "RoughTime v1 delegation signature\0"
  kRfc1,         // seconds, "Roughtime v1 delegation signature\0"
};
inline constexpr size_t kNumCertFamilies = 4;

enum class TimeUnit : uint8_t { kSeconds, kMicroseconds };

// Context strings, NUL terminator included (it is signed). §5.2.1, §5.2.6.
inline constexpr std::string_view kRfcResponseContext{
    "Roughtime v1 response signature\0", 32};
inline constexpr std::string_view kRfcDelegationContext{
    "Roughtime v1 delegation signature\0", 34};
inline constexpr std::string_view kDraftResponseContext{
    "RoughTime v1 response signature\0", 32};
inline constexpr std::string_view kDraftDelegationContext{
    "RoughTime v1 delegation signature\0", 34};
inline constexpr std::string_view kLegacyDelegationContext{
    "RoughTime v1 delegation signature--\0", 36};

struct VersionSpec {
  Version version;
  std::string_view name;        // "google", "draft-08", ..., "0x8000000c", "1"
  uint32_t wire;                // VER value; 0 for Google (none on the wire)
  bool framed;                  // ROUGHTIM frame around every packet
  size_t nonce_size;            // 64 Google, 32 otherwise
  size_t hash_size;             // 64 Google (full SHA-512), 32 otherwise
  bool leaf_is_packet;          // leaf = H(0 || whole request packet), else nonce
  TimeUnit time_unit;           // MIDP/RADI/MINT/MAXT units
  bool response_top_level_ver;  // drafts <= 11 put VER in the response
  bool srep_has_ver_vers;       // drafts >= 12 sign VER and VERS in SREP
  bool response_has_nonc;       // NONC echoed at the top level
  bool type_defined;            // TYPE tag exists (0x8000000c from draft 14)
  bool type_required;           // requests without TYPE are dropped (v1)
  bool ver_must_be_sorted;      // request VER ascending, no repeats (>= 12)
  CertFamily cert_family;
  std::string_view response_context;
};

const VersionSpec& Spec(Version v);
const VersionSpec& Spec(CertFamily f);  // the newest version of the family
absl::Span<const VersionSpec> AllVersions();

// The version for a VER number, or nullopt when we don't speak it.
std::optional<Version> VersionFromWire(uint32_t wire);

// Accepts "google", "draft-08".."draft-11", "draft-12" and "0x8000000c",
// "1", "rfc", "v1", and any wire number in hex or decimal that we speak.
absl::StatusOr<Version> ParseVersionName(std::string_view name);
std::string_view VersionName(Version v);

std::string_view DelegationContext(CertFamily f);
TimeUnit FamilyTimeUnit(CertFamily f);

// A set of versions (what a server serves, what a client offers).
class VersionSet {
 public:
  constexpr VersionSet() = default;
  constexpr VersionSet(std::initializer_list<Version> vs) {
    for (Version v : vs) Add(v);
  }
  static constexpr VersionSet All() {
    VersionSet s;
    s.bits_ = (1u << kNumVersions) - 1;
    return s;
  }
  constexpr void Add(Version v) { bits_ |= 1u << static_cast<unsigned>(v); }
  constexpr bool Contains(Version v) const {
    return bits_ & (1u << static_cast<unsigned>(v));
  }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool operator==(const VersionSet&) const = default;
  // Wire numbers of the framed versions in the set, ascending (for VERS).
  size_t WireNumbers(uint32_t* out, size_t capacity) const;
  // The certificate families needed to serve this set.
  bool NeedsFamily(CertFamily f) const;

 private:
  uint32_t bits_ = 0;
};

// The names of the versions in `set`, in table order, comma-separated
// ("google,draft-08,...,1"): what the server logs and reports as served.
std::string VersionSetNames(VersionSet set);

}  // namespace roughtime

#endif  // ROUGHTIME_VERSION_H_
