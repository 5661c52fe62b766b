// Version negotiation (RFC 10049 §5.1.1, and what deployed clients send).
#include "roughtime/bytes.h"
#include "roughtime/request.h"

namespace roughtime {
namespace {

// Higher is preferred: version 1 over every draft, newer drafts over older.
int Preference(Version v) { return static_cast<int>(v); }

}  // namespace

DropReason NegotiateVersion(ByteSpan ver_value, bool has_type,
                            VersionSet served, Version* chosen) {
  if (ver_value.empty() || ver_value.size() % 4 != 0 ||
      ver_value.size() / 4 > kMaxOfferedVersions) {
    return DropReason::kBadVersionList;
  }
  bool ascending = true;
  for (size_t i = 4; i < ver_value.size(); i += 4) {
    if (LoadLE32(ver_value.data() + i) <= LoadLE32(ver_value.data() + i - 4)) {
      ascending = false;
      break;
    }
  }
  bool found = false;
  bool excluded_by_order = false;
  bool excluded_by_type = false;
  Version best = Version::kGoogle;
  for (size_t i = 0; i < ver_value.size(); i += 4) {
    // Unknown numbers are ignored (§5.1.1), including private-use ones.
    const auto v = VersionFromWire(LoadLE32(ver_value.data() + i));
    if (!v || !served.Contains(*v)) continue;
    const VersionSpec& spec = Spec(*v);
    // From 0x8000000c on the list MUST be sorted; Cloudflare's draft client
    // sends [0x8000000b, 0x80000008], which older drafts did not forbid.
    if (spec.ver_must_be_sorted && !ascending) {
      excluded_by_order = true;
      continue;
    }
    // Version 1 makes TYPE mandatory (§5.1); a v1-capable client without
    // TYPE may still be answered in a draft it also offered.
    if (spec.type_required && !has_type) {
      excluded_by_type = true;
      continue;
    }
    if (!found || Preference(*v) > Preference(best)) {
      best = *v;
      found = true;
    }
  }
  if (!found) {
    if (excluded_by_order) return DropReason::kUnsortedVersions;
    if (excluded_by_type) return DropReason::kMissingType;
    return DropReason::kNoCommonVersion;
  }
  *chosen = best;
  return DropReason::kNone;
}

}  // namespace roughtime
