#include "roughtime/version.h"

#include "roughtime/bytes.h"

#include <array>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace roughtime {
namespace {

// One row per version; docs/PROTOCOL.md explains every column with sources.
constexpr std::array<VersionSpec, kNumVersions> kSpecs = {{
    // version, name, wire, framed, nonce, hash, leaf_is_packet, time,
    // top_ver, srep_ver_vers, nonc, type_defined, type_required, sorted,
    // family, response context
    {Version::kGoogle, "google", 0, false, 64, 64, false,
     TimeUnit::kMicroseconds, false, false, true, false, false, false,
     CertFamily::kGoogle, kDraftResponseContext},
    {Version::kDraft08, "draft-08", 0x80000008, true, 32, 32, false,
     TimeUnit::kSeconds, true, false, true, false, false, false,
     CertFamily::kDraft08To11, kDraftResponseContext},
    {Version::kDraft09, "draft-09", 0x80000009, true, 32, 32, false,
     TimeUnit::kSeconds, true, false, true, false, false, false,
     CertFamily::kDraft08To11, kDraftResponseContext},
    {Version::kDraft10, "draft-10", 0x8000000a, true, 32, 32, false,
     TimeUnit::kSeconds, true, false, true, false, false, false,
     CertFamily::kDraft08To11, kDraftResponseContext},
    {Version::kDraft11, "draft-11", 0x8000000b, true, 32, 32, false,
     TimeUnit::kSeconds, true, false, true, false, false, false,
     CertFamily::kDraft08To11, kDraftResponseContext},
    {Version::kDraft12, "0x8000000c", 0x8000000c, true, 32, 32, true,
     TimeUnit::kSeconds, false, true, true, true, false, true,
     CertFamily::kDraft12, kDraftResponseContext},
    {Version::kRfc1, "1", 0x00000001, true, 32, 32, true, TimeUnit::kSeconds,
     false, true, true, true, true, true, CertFamily::kRfc1,
     kRfcResponseContext},
}};

static_assert(kSpecs[static_cast<size_t>(Version::kRfc1)].version ==
              Version::kRfc1);
static_assert(kSpecs[static_cast<size_t>(Version::kDraft12)].wire ==
              0x8000000c);

}  // namespace

const VersionSpec& Spec(Version v) { return kSpecs[static_cast<size_t>(v)]; }

const VersionSpec& Spec(CertFamily f) {
  switch (f) {
    case CertFamily::kGoogle:
      return Spec(Version::kGoogle);
    case CertFamily::kDraft08To11:
      return Spec(Version::kDraft11);
    case CertFamily::kDraft12:
      return Spec(Version::kDraft12);
    case CertFamily::kRfc1:
      break;
  }
  return Spec(Version::kRfc1);
}

absl::Span<const VersionSpec> AllVersions() { return kSpecs; }

std::optional<Version> VersionFromWire(uint32_t wire) {
  for (const VersionSpec& s : kSpecs) {
    if (s.framed && s.wire == wire) return s.version;
  }
  return std::nullopt;
}

absl::StatusOr<Version> ParseVersionName(std::string_view name) {
  const std::string lower = absl::AsciiStrToLower(AbslView(name));
  if (lower == "google" || lower == "google-roughtime") return Version::kGoogle;
  if (lower == "rfc" || lower == "v1" || lower == "rfc10049") {
    return Version::kRfc1;
  }
  if (lower == "draft-12" || lower == "draft-14" || lower == "draft-19") {
    return Version::kDraft12;
  }
  for (const VersionSpec& s : kSpecs) {
    if (lower == s.name) return s.version;
  }
  uint32_t wire = 0;
  bool parsed = false;
  if (lower.size() > 2 && lower.substr(0, 2) == "0x") {
    parsed = absl::SimpleHexAtoi(lower.substr(2), &wire);
  } else {
    parsed = absl::SimpleAtoi(lower, &wire);
  }
  if (parsed) {
    if (auto v = VersionFromWire(wire)) return *v;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown version '", AbslView(name),
      "' (use google, draft-08 ... draft-11, 0x8000000c or 1)"));
}

std::string_view VersionName(Version v) { return Spec(v).name; }

std::string VersionSetNames(VersionSet set) {
  std::string names;
  for (const VersionSpec& spec : AllVersions()) {
    if (!set.Contains(spec.version)) continue;
    if (!names.empty()) names += ',';
    names += spec.name;
  }
  return names;
}

std::string_view DelegationContext(CertFamily f) {
  switch (f) {
    case CertFamily::kGoogle:
    case CertFamily::kDraft08To11:
      return kLegacyDelegationContext;
    case CertFamily::kDraft12:
      return kDraftDelegationContext;
    case CertFamily::kRfc1:
      break;
  }
  return kRfcDelegationContext;
}

TimeUnit FamilyTimeUnit(CertFamily f) {
  return f == CertFamily::kGoogle ? TimeUnit::kMicroseconds
                                  : TimeUnit::kSeconds;
}

size_t VersionSet::WireNumbers(uint32_t* out, size_t capacity) const {
  // The table is not in wire order (version 1 is the newest but smallest),
  // so collect then sort; at most kNumVersions entries.
  uint32_t tmp[kNumVersions];
  size_t n = 0;
  for (const VersionSpec& s : kSpecs) {
    if (s.framed && Contains(s.version)) tmp[n++] = s.wire;
  }
  for (size_t i = 1; i < n; ++i) {
    for (size_t j = i; j > 0 && tmp[j - 1] > tmp[j]; --j) {
      std::swap(tmp[j - 1], tmp[j]);
    }
  }
  const size_t count = n < capacity ? n : capacity;
  for (size_t i = 0; i < count; ++i) out[i] = tmp[i];
  return count;
}

bool VersionSet::NeedsFamily(CertFamily f) const {
  for (const VersionSpec& s : kSpecs) {
    if (s.cert_family == f && Contains(s.version)) return true;
  }
  return false;
}

}  // namespace roughtime
