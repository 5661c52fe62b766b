// Client-side verification of a response (RFC 10049 §5.4, §5.3.1). Each
// failure names exactly which check failed, so a user (or a malfeasance
// report) can tell a broken server from a lying one.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>

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

// The message inside the packet: Google-Roughtime is unframed, every other
// version travels inside a ROUGHTIM frame.
absl::StatusOr<ByteSpan> UnframedMessage(ByteSpan packet,
                                         const VerifyOptions& o) {
  if (o.google) {
    if (HasFrameMagic(packet)) {
      return Fail("frame: Google-Roughtime responses have no ROUGHTIM frame");
    }
    return packet;
  }
  auto inner = UnwrapFrame(packet);
  if (!inner.ok()) return Prefixed("frame: ", inner.status());
  return *inner;
}

// The nonce is checked first: it is how a reply is matched to its request.
absl::Status CheckNonce(const MessageView& top, const VerifyOptions& o) {
  if (auto nonc = top.Find(kTagNonc)) {
    if (!ConstantTimeEquals(*nonc, o.nonce)) {
      return Fail("NONC does not match the nonce we sent");
    }
  } else if (!o.google) {
    return Fail("missing tag NONC");
  }
  return absl::OkStatus();
}

absl::Status CheckType(const MessageView& top, const VersionSpec& spec) {
  if (auto type = top.Find(kTagType)) {
    if (type->size() != 4 || LoadLE32(type->data()) != 1) {
      return Fail("TYPE is not 1 (not a response)");
    }
  } else if (spec.type_required) {
    return Fail("missing tag TYPE (mandatory in version 1)");
  }
  return absl::OkStatus();
}

// The top-level tags that prove inclusion and delegation (§5.2).
struct Proof {
  ByteSpan path;
  uint32_t index = 0;
  ByteSpan cert;
};

absl::StatusOr<Proof> ReadProof(const MessageView& top,
                                const VersionSpec& spec) {
  auto path = top.Get(kTagPath);
  if (!path.ok()) return path.status();
  if (path->size() % spec.hash_size != 0 ||
      path->size() / spec.hash_size > 32) {
    return Fail("PATH length is not a whole number of hashes (at most 32)");
  }
  auto index = top.GetU32(kTagIndx);
  if (!index.ok()) return index.status();
  auto cert = top.Get(kTagCert);
  if (!cert.ok()) return cert.status();
  return Proof{.path = *path, .index = *index, .cert = *cert};
}

// What SREP signs: the time, its radius and the Merkle root.
struct SignedTime {
  uint32_t radi = 0;
  uint64_t midp = 0;
  ByteSpan root;
};

absl::StatusOr<SignedTime> ReadSignedTime(const MessageView& srep,
                                          const VersionSpec& spec) {
  auto radi = srep.GetU32(kTagRadi);
  if (!radi.ok()) return Prefixed("SREP: ", radi.status());
  auto midp = srep.GetU64(kTagMidp);
  if (!midp.ok()) return Prefixed("SREP: ", midp.status());
  auto root = srep.GetFixed(kTagRoot, spec.hash_size);
  if (!root.ok()) return Prefixed("SREP: ", root.status());
  if (*radi == 0) return Fail("SREP: RADI is 0 (forbidden by §5.2.5)");
  return SignedTime{.radi = *radi, .midp = *midp, .root = *root};
}

// A delegation that verified, and the context the response is signed with.
struct Delegation {
  VerifiedCertificate certificate;
  std::string_view response_context;
};

// Signed by the root key with the family's context. For version 1, says
// precisely when only the pre-RFC capital-T strings verify.
absl::StatusOr<Delegation> VerifyDelegation(ByteSpan cert,
                                            const VersionSpec& spec,
                                            const VerifyOptions& o,
                                            VerifiedResponse* out) {
  auto delegation = VerifyCertificate(cert, o.root_public_key,
                                      spec.cert_family);
  std::string_view response_context = spec.response_context;
  if (!delegation.ok() && spec.version == Version::kRfc1 &&
      absl::IsUnauthenticated(delegation.status())) {
    auto draft = VerifyCertificate(cert, o.root_public_key, spec.cert_family,
                                   kDraftDelegationContext);
    if (draft.ok()) {
      if (!o.allow_pre_rfc_contexts) {
        return absl::UnauthenticatedError(
            "delegation signed with the pre-RFC 'RoughTime' (capital T) "
            "context, not version 1's 'Roughtime'; accept only with "
            "--allow-pre-rfc-contexts");
      }
      delegation = draft;
      response_context = kDraftResponseContext;
      out->pre_rfc_contexts = true;
    }
  }
  if (!delegation.ok()) return delegation.status();
  return Delegation{*delegation, response_context};
}

// SIG over SREP under the online key, then MINT <= MIDP <= MAXT (§5.4).
absl::Status CheckSignedTime(const Delegation& delegation,
                             const MessageView& srep, ByteSpan sig,
                             const SignedTime& time) {
  const VerifiedCertificate& cert = delegation.certificate;
  if (!VerifySignature(cert.online_key, delegation.response_context,
                       srep.bytes(), sig)) {
    return absl::UnauthenticatedError(
        "response signature (SIG over SREP) does not verify under the "
        "delegated online key");
  }
  if (time.midp < cert.mint || time.midp > cert.maxt) {
    return absl::OutOfRangeError(absl::StrCat(
        "MIDP ", time.midp, " is outside the delegation window [", cert.mint,
        ", ", cert.maxt, "]"));
  }
  return absl::OkStatus();
}

// PATH and INDX lead from our request (or nonce) to ROOT (§5.3.1).
absl::Status CheckMerkleProof(const VersionSpec& spec, const VerifyOptions& o,
                              const Proof& proof, ByteSpan root) {
  const ByteSpan leaf = spec.leaf_is_packet ? o.request_packet : o.nonce;
  const size_t path_hashes = proof.path.size() / spec.hash_size;
  if (path_hashes < 32 && (proof.index >> path_hashes) != 0) {
    return absl::UnauthenticatedError(absl::StrCat(
        "INDX ", proof.index, " is out of range for a PATH of ", path_hashes,
        " hashes"));
  }
  if (!VerifyMerklePath(spec.hash_size, leaf, proof.index, proof.path,
                        root)) {
    return absl::UnauthenticatedError(
        "Merkle proof fails: PATH and INDX do not lead from our request to "
        "ROOT");
  }
  return absl::OkStatus();
}

void RecordVerified(const VersionSpec& spec, const SignedTime& time,
                    const Proof& proof, const VerifiedCertificate& cert,
                    VerifiedResponse* out) {
  out->raw_midpoint = time.midp;
  out->raw_radius = time.radi;
  out->raw_mint = cert.mint;
  out->raw_maxt = cert.maxt;
  out->midpoint = FromUnit(time.midp, spec.time_unit);
  out->radius = spec.time_unit == TimeUnit::kSeconds
                    ? absl::Seconds(time.radi)
                    : absl::Microseconds(time.radi);
  out->online_key = cert.online_key;
  out->index = proof.index;
  out->path_length = proof.path.size() / spec.hash_size;
}

}  // namespace

absl::StatusOr<VerifiedResponse> VerifyResponse(ByteSpan packet,
                                                const VerifyOptions& o) {
  auto message = UnframedMessage(packet, o);
  if (!message.ok()) return message.status();
  auto top = MessageView::Parse(*message);
  if (!top.ok()) return Prefixed("malformed response: ", top.status());
  if (auto s = CheckNonce(*top, o); !s.ok()) return s;
  auto sig = top->GetFixed(kTagSig, kSignatureSize);
  if (!sig.ok()) return sig.status();
  auto srep = top->GetMessage(kTagSrep);
  if (!srep.ok()) return srep.status();
  auto version = ResponseVersion(o, *top, *srep);
  if (!version.ok()) return version.status();
  const VersionSpec& spec = Spec(*version);

  VerifiedResponse out;
  out.version = *version;
  if (auto s = CheckType(*top, spec); !s.ok()) return s;
  auto proof = ReadProof(*top, spec);
  if (!proof.ok()) return proof.status();
  auto time = ReadSignedTime(*srep, spec);
  if (!time.ok()) return time.status();
  if (spec.srep_has_ver_vers) {
    if (auto s = CheckVers(*srep, spec, o, &out); !s.ok()) return s;
  }
  auto delegation = VerifyDelegation(proof->cert, spec, o, &out);
  if (!delegation.ok()) return delegation.status();
  if (auto s = CheckSignedTime(*delegation, *srep, *sig, *time); !s.ok()) {
    return s;
  }
  if (auto s = CheckMerkleProof(spec, o, *proof, time->root); !s.ok()) {
    return s;
  }
  RecordVerified(spec, *time, *proof, delegation->certificate, &out);
  return out;
}

}  // namespace roughtime
