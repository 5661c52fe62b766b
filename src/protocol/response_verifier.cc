// Client-side verification of a response (RFC 10049 §5.4, §5.3.1). Each
// failure names exactly which check failed, so a user (or a malfeasance
// report) can tell a broken server from a lying one.
#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "roughtime/crypto.h"
#include "roughtime/response.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime {
namespace {

absl::Status Fail(absl::string_view what) {
  return absl::InvalidArgumentError(what);
}

absl::Status Prefixed(absl::string_view prefix, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat(prefix, s.message()));
}

bool Offered(const VerifyOptions& o, uint32_t wire) {
  return std::find(o.offered_wire_versions.begin(),
                   o.offered_wire_versions.end(),
                   wire) != o.offered_wire_versions.end();
}

absl::Time FromUnit(uint64_t value, TimeUnit unit) {
  constexpr uint64_t kMax = static_cast<uint64_t>(
      std::numeric_limits<int64_t>::max());
  const int64_t v = static_cast<int64_t>(std::min(value, kMax));
  return unit == TimeUnit::kSeconds ? absl::FromUnixSeconds(v)
                                    : absl::FromUnixMicros(v);
}

// Finds which version the response claims: Google when unframed, the
// top-level VER for drafts <= 11, SREP.VER from 0x8000000c on.
absl::StatusOr<Version> ResponseVersion(const VerifyOptions& o,
                                        const MessageView& top,
                                        const MessageView& srep) {
  if (o.google) return Version::kGoogle;
  uint32_t wire;
  if (auto top_ver = top.Find(kTagVer)) {
    if (top_ver->size() != 4) return Fail("top-level VER is not 4 bytes");
    wire = LoadLE32(top_ver->data());
  } else if (auto srep_ver = srep.Find(kTagVer)) {
    if (srep_ver->size() != 4) return Fail("SREP VER is not 4 bytes");
    wire = LoadLE32(srep_ver->data());
  } else {
    return Fail("response names no version (no VER at top level or in SREP)");
  }
  if (!Offered(o, wire)) {
    return Fail(absl::StrFormat("version not offered: server chose 0x%08x",
                                wire));
  }
  auto v = VersionFromWire(wire);
  if (!v) {
    return Fail(absl::StrFormat("version 0x%08x is not one we can verify",
                                wire));
  }
  const VersionSpec& spec = Spec(*v);
  if (spec.response_top_level_ver != top.Has(kTagVer)) {
    return Fail(absl::StrCat("version ", AbslView(spec.name),
                             spec.response_top_level_ver
                                 ? " needs VER at the top level"
                                 : " must not carry VER at the top level"));
  }
  return *v;
}

absl::Status CheckVers(const MessageView& srep, const VersionSpec& spec,
                       const VerifyOptions& o, VerifiedResponse* out) {
  auto vers = srep.Get(kTagVers);
  if (!vers.ok()) return Fail("SREP: missing tag VERS");
  if (vers->empty() || vers->size() % 4 != 0 || vers->size() / 4 > 32) {
    return Fail("SREP: VERS must hold 1 to 32 versions");
  }
  bool contains = false;
  for (size_t i = 0; i < vers->size(); i += 4) {
    const uint32_t w = LoadLE32(vers->data() + i);
    if (i > 0 && w <= out->vers.back()) {
      return Fail("SREP: VERS is not strictly ascending");
    }
    out->vers.push_back(w);
    contains |= (w == spec.wire);
  }
  if (!contains) return Fail("SREP: VERS does not contain the chosen VER");
  // Downgrade visibility: the server also supports a version we offered
  // and prefer (a later row of the version table). Allowed by §5.1.1
  // ("SHOULD choose"), so it is flagged for the caller, not rejected.
  for (uint32_t w : out->vers) {
    auto v = VersionFromWire(w);
    if (v && Offered(o, w) &&
        static_cast<int>(*v) > static_cast<int>(spec.version)) {
      out->preferred_version_skipped = true;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<VerifiedResponse> VerifyResponse(ByteSpan packet,
                                                const VerifyOptions& o) {
  ByteSpan message = packet;
  if (o.google) {
    if (HasFrameMagic(packet)) {
      return Fail("frame: Google-Roughtime responses have no ROUGHTIM frame");
    }
  } else {
    auto inner = UnwrapFrame(packet);
    if (!inner.ok()) return Prefixed("frame: ", inner.status());
    message = *inner;
  }
  auto top = MessageView::Parse(message);
  if (!top.ok()) return Prefixed("malformed response: ", top.status());

  // The nonce is checked first: it is how a reply is matched to its request.
  if (auto nonc = top->Find(kTagNonc)) {
    if (!ConstantTimeEquals(*nonc, o.nonce)) {
      return Fail("NONC does not match the nonce we sent");
    }
  } else if (!o.google) {
    return Fail("missing tag NONC");
  }
  auto sig = top->GetFixed(kTagSig, kSignatureSize);
  if (!sig.ok()) return sig.status();
  auto srep = top->GetMessage(kTagSrep);
  if (!srep.ok()) return srep.status();
  auto version = ResponseVersion(o, *top, *srep);
  if (!version.ok()) return version.status();
  const VersionSpec& spec = Spec(*version);

  VerifiedResponse out;
  out.version = *version;
  if (auto type = top->Find(kTagType)) {
    if (type->size() != 4 || LoadLE32(type->data()) != 1) {
      return Fail("TYPE is not 1 (not a response)");
    }
  } else if (spec.type_required) {
    return Fail("missing tag TYPE (mandatory in version 1)");
  }
  auto path = top->Get(kTagPath);
  if (!path.ok()) return path.status();
  if (path->size() % spec.hash_size != 0 ||
      path->size() / spec.hash_size > 32) {
    return Fail("PATH length is not a whole number of hashes (at most 32)");
  }
  auto index = top->GetU32(kTagIndx);
  if (!index.ok()) return index.status();
  auto cert = top->Get(kTagCert);
  if (!cert.ok()) return cert.status();

  auto radi = srep->GetU32(kTagRadi);
  if (!radi.ok()) return Prefixed("SREP: ", radi.status());
  auto midp = srep->GetU64(kTagMidp);
  if (!midp.ok()) return Prefixed("SREP: ", midp.status());
  auto root = srep->GetFixed(kTagRoot, spec.hash_size);
  if (!root.ok()) return Prefixed("SREP: ", root.status());
  if (*radi == 0) return Fail("SREP: RADI is 0 (forbidden by §5.2.5)");
  if (spec.srep_has_ver_vers) {
    if (auto s = CheckVers(*srep, spec, o, &out); !s.ok()) return s;
  }

  // Delegation: signed by the root key with the family's context. For
  // version 1, say precisely when only the pre-RFC capital-T strings verify.
  auto delegation = VerifyCertificate(*cert, o.root_public_key,
                                      spec.cert_family);
  std::string_view response_context = spec.response_context;
  if (!delegation.ok() && spec.version == Version::kRfc1 &&
      absl::IsUnauthenticated(delegation.status())) {
    auto draft = VerifyCertificate(*cert, o.root_public_key,
                                   spec.cert_family, kDraftDelegationContext);
    if (draft.ok()) {
      if (!o.allow_pre_rfc_contexts) {
        return absl::UnauthenticatedError(
            "delegation signed with the pre-RFC 'RoughTime' (capital T) "
            "context, not version 1's 'Roughtime'; accept only with "
            "--allow-pre-rfc-contexts");
      }
      delegation = draft;
      response_context = kDraftResponseContext;
      out.pre_rfc_contexts = true;
    }
  }
  if (!delegation.ok()) return delegation.status();

  if (!VerifySignature(delegation->online_key, response_context, srep->bytes(),
                       *sig)) {
    return absl::UnauthenticatedError(
        "response signature (SIG over SREP) does not verify under the "
        "delegated online key");
  }
  if (*midp < delegation->mint || *midp > delegation->maxt) {
    return absl::OutOfRangeError(absl::StrCat(
        "MIDP ", *midp, " is outside the delegation window [", delegation->mint,
        ", ", delegation->maxt, "]"));
  }
  const ByteSpan leaf = spec.leaf_is_packet ? o.request_packet : o.nonce;
  const size_t path_hashes = path->size() / spec.hash_size;
  if (path_hashes < 32 && (*index >> path_hashes) != 0) {
    return absl::UnauthenticatedError(absl::StrCat(
        "INDX ", *index, " is out of range for a PATH of ", path_hashes,
        " hashes"));
  }
  if (!VerifyMerklePath(spec.hash_size, leaf, *index, *path, *root)) {
    return absl::UnauthenticatedError(
        "Merkle proof fails: PATH and INDX do not lead from our request to "
        "ROOT");
  }

  out.raw_midpoint = *midp;
  out.raw_radius = *radi;
  out.raw_mint = delegation->mint;
  out.raw_maxt = delegation->maxt;
  out.midpoint = FromUnit(*midp, spec.time_unit);
  out.radius = spec.time_unit == TimeUnit::kSeconds ? absl::Seconds(*radi)
                                                    : absl::Microseconds(*radi);
  out.online_key = delegation->online_key;
  out.index = *index;
  out.path_length = path->size() / spec.hash_size;
  return out;
}

}  // namespace roughtime
