#include "client/offer.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace roughtime::client {
namespace {

std::string WireName(uint32_t wire) {
  if (wire == 1) return "1";
  return absl::StrFormat("0x%08x", wire);
}

}  // namespace

Offer DefaultOffer() { return Offer{{0x00000001, 0x8000000c}, false}; }

Offer SingleVersionOffer(Version v) {
  const VersionSpec& spec = Spec(v);
  if (v == Version::kGoogle) return Offer{{}, true};
  return Offer{{spec.wire}, false};
}

Offer AnyIetfOffer() {
  return Offer{{0x00000001, 0x8000000b, 0x8000000c}, false};
}

std::string DescribeOffer(const Offer& offer) {
  if (offer.google) return "google";
  return absl::StrJoin(offer.wire_versions, ", ",
                       [](std::string* out, uint32_t w) {
                         out->append(WireName(w));
                       });
}

bool IsChainable(const Offer& offer) {
  return !offer.google && !offer.wire_versions.empty();
}

size_t NonceSize(const Offer& offer) { return offer.google ? 64 : 32; }

RequestOptions MakeRequestOptions(const Offer& offer, const PublicKey& root_key,
                                  const Bytes& nonce) {
  RequestOptions o;
  o.nonce = nonce;
  if (offer.google) {
    o.google = true;
    o.offered_wire_versions.clear();
    o.include_type = false;
    // Google requests are a bare 1024-byte message (no frame).
    o.message_size = kMinRequestSize;
    return o;
  }
  o.offered_wire_versions = offer.wire_versions;
  bool all_have_srv = true;
  bool any_has_type = false;
  for (uint32_t w : offer.wire_versions) {
    std::optional<Version> v = VersionFromWire(w);
    if (!v.has_value()) continue;
    // SRV arrived in draft-10 (0x8000000a); draft-08/09 servers may not
    // expect it, so it is only sent when every offered version has it.
    if (*v == Version::kDraft08 || *v == Version::kDraft09) {
      all_have_srv = false;
    }
    any_has_type = any_has_type || Spec(*v).type_defined;
  }
  if (all_have_srv) o.server_key = root_key;
  o.include_type = any_has_type;
  o.message_size = kDefaultRequestMessageSize;
  return o;
}

}  // namespace roughtime::client
