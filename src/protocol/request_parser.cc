// Server-side request validation (RFC 10049 §5.1, §5.2, §9.7). Every
// rejection has its own reason so the server can count it; nothing here
// allocates, because it runs once per received datagram.
#include <optional>

#include "absl/strings/str_cat.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime {

std::string_view DropReasonName(DropReason r) {
  switch (r) {
    case DropReason::kNone: return "none";
    case DropReason::kTooShort: return "too_short";
    case DropReason::kTooLong: return "too_long";
    case DropReason::kBadFrame: return "bad_frame";
    case DropReason::kMalformed: return "malformed";
    case DropReason::kMissingNonce: return "missing_nonce";
    case DropReason::kBadNonceLength: return "bad_nonce_length";
    case DropReason::kMissingVersion: return "missing_version";
    case DropReason::kBadVersionList: return "bad_version_list";
    case DropReason::kUnsortedVersions: return "unsorted_versions";
    case DropReason::kNoCommonVersion: return "no_common_version";
    case DropReason::kMissingType: return "missing_type";
    case DropReason::kBadType: return "bad_type";
    case DropReason::kBadSrv: return "bad_srv";
    case DropReason::kWrongSrv: return "wrong_srv";
    case DropReason::kResponseTooLarge: return "response_too_large";
    case DropReason::kRateLimited: return "rate_limited";
    case DropReason::kCount: break;
  }
  return "unknown";
}

absl::Status DropReasonStatus(DropReason r) {
  if (r == DropReason::kNone) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("request dropped: ", AbslView(DropReasonName(r))));
}

DropReason ParseRequest(ByteSpan packet, const RequestPolicy& policy,
                        ParsedRequest* out) {
  // Amplification: a response must never be larger than its request (§9.7),
  // so short datagrams are not worth parsing.
  if (packet.size() < policy.min_size) return DropReason::kTooShort;
  if (packet.size() > policy.max_size) return DropReason::kTooLong;

  const bool framed = HasFrameMagic(packet);
  ByteSpan message = packet;
  if (framed) {
    if (!IsExactFrame(packet)) return DropReason::kBadFrame;
    message = packet.subspan(kFrameHeaderSize);
  }
  const auto view = MessageView::TryParse(message);
  if (!view) return DropReason::kMalformed;

  // One pass over the (validated, strictly ascending) tag list collects the
  // four tags a request may carry, instead of a binary search for each: this
  // runs for every datagram. Numerically VER < SRV < NONC < TYPE, so the scan
  // stops at the first tag above TYPE (padding such as ZZZZ or PAD\xff).
  static_assert(kTagVer < kTagSrv && kTagSrv < kTagNonc && kTagNonc < kTagType);
  std::optional<ByteSpan> nonce, type, srv, ver;
  for (size_t i = 0; i < view->num_tags(); ++i) {
    const uint32_t tag = view->tag(i);
    if (tag > kTagType) break;
    switch (tag) {
      case kTagVer: ver = view->value(i); break;
      case kTagSrv: srv = view->value(i); break;
      case kTagNonc: nonce = view->value(i); break;
      case kTagType: type = view->value(i); break;
      default: break;
    }
  }
  if (!nonce) return DropReason::kMissingNonce;

  // TYPE=0 marks a request (§5.1.4); any other value is dropped.
  if (type && (type->size() != 4 || LoadLE32(type->data()) != 0)) {
    return DropReason::kBadType;
  }

  Version version = Version::kGoogle;
  if (framed) {
    // SRV names the long-term key the client expects (§5.1.3). We have one
    // key, so a request without SRV is answered with it.
    if (srv) {
      if (srv->size() != 32) return DropReason::kBadSrv;
      if (!ConstantTimeEquals(*srv, ByteSpan(policy.srv.data(), 32))) {
        return DropReason::kWrongSrv;
      }
    }
    if (!ver) return DropReason::kMissingVersion;
    const DropReason r =
        NegotiateVersion(*ver, type.has_value(), policy.served, &version);
    if (r != DropReason::kNone) return r;
  } else if (!policy.served.Contains(Version::kGoogle)) {
    return DropReason::kNoCommonVersion;
  }
  if (nonce->size() != Spec(version).nonce_size) {
    return DropReason::kBadNonceLength;
  }
  out->version = version;
  out->packet = packet;
  out->nonce = *nonce;
  out->has_type = type.has_value();
  return DropReason::kNone;
}

}  // namespace roughtime
