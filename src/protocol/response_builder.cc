// Server-side response construction for a signed batch (RFC 10049 §5.2,
// §5.3). Each version present in a batch gets its own Merkle tree, SREP and
// signature; each request's response then only copies bytes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "roughtime/crypto.h"
#include "roughtime/response.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime {
namespace {

// The largest SREP: 5 tags, VERS of kNumVersions entries, 64-byte ROOT.
constexpr size_t kMaxSrepSize = 8 * 5 + 4 + 4 + 8 + 4 * kNumVersions + 64;
// PATH entries a response may carry (§5.2.4).
constexpr size_t kMaxPathEntries = 32;

size_t SrepSize(const VersionSpec& spec, size_t num_vers) {
  if (spec.srep_has_ver_vers) {
    return EncodedMessageSize({4, 4, 8, 4 * num_vers, spec.hash_size});
  }
  return EncodedMessageSize({4, 8, spec.hash_size});
}

bool WithType(const VersionSpec& spec, bool request_had_type) {
  // Version 1 always answers TYPE=1; 0x8000000c mirrors the request, since
  // drafts 12 and 13 had no TYPE and draft 14+ clients send it.
  return spec.type_required || (spec.type_defined && request_had_type);
}

}  // namespace

size_t ResponseSize(Version version, size_t height, size_t num_vers,
                    bool with_type) {
  const VersionSpec& spec = Spec(version);
  const size_t path = height * spec.hash_size;
  const size_t srep = SrepSize(spec, num_vers);
  size_t message;
  if (spec.response_top_level_ver) {
    message = EncodedMessageSize(
        {kSignatureSize, 4, spec.nonce_size, path, srep, kCertSize, 4});
  } else if (with_type) {
    message = EncodedMessageSize(
        {kSignatureSize, spec.nonce_size, 4, path, srep, kCertSize, 4});
  } else {
    message = EncodedMessageSize(
        {kSignatureSize, spec.nonce_size, path, srep, kCertSize, 4});
  }
  return message + (spec.framed ? kFrameHeaderSize : 0);
}

size_t MaxBatchForRequestSize(VersionSet served, size_t request_size) {
  uint32_t wires[kNumVersions];
  const size_t num_vers = served.WireNumbers(wires, kNumVersions);
  size_t height = kMaxPathEntries;
  for (const VersionSpec& spec : AllVersions()) {
    if (!served.Contains(spec.version)) continue;
    size_t h = 0;
    while (h < kMaxPathEntries &&
           ResponseSize(spec.version, h + 1, num_vers, true) <= request_size) {
      ++h;
    }
    height = std::min(height, h);
  }
  // Keep the batch far from overflowing size_t on absurd inputs.
  return size_t{1} << std::min<size_t>(height, 20);
}

// Every response of one version in a batch is the same bytes except NONC,
// PATH and INDX, so Sign() encodes it once and WriteResponse() copies it and
// patches those three fields (the per-request cost is a copy, not an
// encoding).
struct ResponseTemplate {
  uint8_t bytes[kMaxResponseSize];
  size_t size = 0;  // the response size, also when too large to build
  bool built = false;
  size_t nonce_at = 0;
  size_t path_at = 0;
  size_t indx_at = 0;
};

struct BatchResponder::PerVersion {
  PerVersion(const VersionSpec& s, size_t max_batch)
      : spec(s), tree(s.hash_size, max_batch) {}
  const VersionSpec& spec;
  MerkleTree tree;
  uint8_t srep[kMaxSrepSize];
  size_t srep_size = 0;
  Signature signature{};
  ResponseTemplate templates[2];  // indexed by "response carries TYPE"
};

namespace {

// Encodes the response shared by all requests of `pv`'s version with zeroed
// NONC, PATH and INDX, and records where those go.
void BuildTemplate(const BatchResponder::PerVersionView& pv, bool with_type,
                   ResponseTemplate& t) {
  const VersionSpec& spec = pv.spec;
  const size_t height = pv.tree.height();
  t.size = ResponseSize(spec.version, height, pv.num_vers, with_type);
  t.built = false;
  if (t.size > sizeof(t.bytes)) return;  // WriteResponse refuses by size
  size_t offset = 0;
  if (spec.framed) {
    WriteFrameHeader(t.bytes, static_cast<uint32_t>(t.size - kFrameHeaderSize));
    offset = kFrameHeaderSize;
  }
  const size_t num_tags =
      6 + ((spec.response_top_level_ver || with_type) ? 1 : 0);
  MessageBuilder b(MutableByteSpan(t.bytes + offset, t.size - offset),
                   num_tags);
  (void)b.AddBytes(kTagSig, pv.signature);
  if (spec.response_top_level_ver) (void)b.AddU32(kTagVer, spec.wire);
  auto nonce = b.Add(kTagNonc, spec.nonce_size);
  if (with_type) (void)b.AddU32(kTagType, 1);
  auto path = b.Add(kTagPath, height * spec.hash_size);
  (void)b.AddBytes(kTagSrep, pv.srep);
  (void)b.AddBytes(kTagCert, pv.cert);
  auto indx = b.Add(kTagIndx, 4);
  if (!b.Finish().ok()) return;
  t.nonce_at = static_cast<size_t>(*nonce - t.bytes);
  t.path_at = static_cast<size_t>(*path - t.bytes);
  t.indx_at = static_cast<size_t>(*indx - t.bytes);
  t.built = true;
}

}  // namespace

BatchResponder::BatchResponder(const OnlineIdentity* identity,
                               VersionSet served, size_t max_batch)
    : identity_(identity),
      served_(served),
      max_batch_(max_batch ? max_batch : 1) {
  requests_.resize(max_batch_);
  leaf_index_.resize(max_batch_);
  num_vers_ = served_.WireNumbers(vers_.data(), vers_.size());
  per_version_.resize(kNumVersions);
  for (const VersionSpec& spec : AllVersions()) {
    if (served_.Contains(spec.version)) {
      per_version_[static_cast<size_t>(spec.version)] =
          std::make_unique<PerVersion>(spec, max_batch_);
    }
  }
}

BatchResponder::~BatchResponder() = default;

void BatchResponder::Reset() {
  num_requests_ = 0;
  signatures_ = 0;
  for (auto& pv : per_version_) {
    if (pv) pv->tree.Reset();
  }
}

bool BatchResponder::Add(const ParsedRequest& request) {
  if (full()) return false;
  PerVersion* pv = per_version_[static_cast<size_t>(request.version)].get();
  if (pv == nullptr) return false;  // not served; ParseRequest prevents it
  const ByteSpan leaf = pv->spec.leaf_is_packet ? request.packet : request.nonce;
  leaf_index_[num_requests_] = static_cast<uint32_t>(pv->tree.num_leaves());
  pv->tree.AddLeaf(leaf);
  requests_[num_requests_++] = request;
  return true;
}

absl::Status BatchResponder::Sign(absl::Time now, absl::Duration radius) {
  signatures_ = 0;
  // IETF versions count whole seconds (§5.2.5): MIDP is rounded to the
  // nearest second and RADI rounded up, never 0 (§5.2.5 forbids it).
  const int64_t midp_seconds = absl::ToUnixSeconds(now + absl::Milliseconds(500));
  const double radius_seconds = std::ceil(absl::ToDoubleSeconds(radius));
  const uint32_t radi_seconds = static_cast<uint32_t>(
      std::clamp(radius_seconds, 1.0, 4294967295.0));
  const int64_t midp_micros = absl::ToUnixMicros(now);
  const uint32_t radi_micros = static_cast<uint32_t>(std::clamp<int64_t>(
      absl::ToInt64Microseconds(radius), 1, 0xffffffff));
  if (midp_seconds < 0) {
    return absl::FailedPreconditionError("clock is before 1970");
  }
  for (auto& pv : per_version_) {
    if (!pv || pv->tree.num_leaves() == 0) continue;
    const VersionSpec& spec = pv->spec;
    if (identity_->cert(spec.cert_family).empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "no delegation for ", AbslView(spec.name), " in the online identity"));
    }
    pv->tree.Build();
    const bool micros = spec.time_unit == TimeUnit::kMicroseconds;
    const size_t size = SrepSize(spec, num_vers_);
    MessageBuilder b(MutableByteSpan(pv->srep, size),
                     spec.srep_has_ver_vers ? 5 : 3);
    if (spec.srep_has_ver_vers) (void)b.AddU32(kTagVer, spec.wire);
    (void)b.AddU32(kTagRadi, micros ? radi_micros : radi_seconds);
    (void)b.AddU64(kTagMidp, micros ? static_cast<uint64_t>(midp_micros)
                                    : static_cast<uint64_t>(midp_seconds));
    if (spec.srep_has_ver_vers) {
      auto vers = b.Add(kTagVers, 4 * num_vers_);
      if (vers.ok()) {
        for (size_t i = 0; i < num_vers_; ++i) StoreLE32(*vers + 4 * i, vers_[i]);
      }
    }
    (void)b.AddBytes(kTagRoot, pv->tree.root());
    auto built = b.Finish();
    if (!built.ok()) return built.status();
    pv->srep_size = *built;
    identity_->online_key.SignInto(spec.response_context,
                                   ByteSpan(pv->srep, pv->srep_size),
                                   pv->signature.data());
    ++signatures_;
    const PerVersionView view{spec, pv->tree, pv->signature,
                              ByteSpan(pv->srep, pv->srep_size),
                              identity_->cert(spec.cert_family), num_vers_};
    for (const bool with_type : {false, true}) {
      // Only the variants a request of this version can ask for.
      if (WithType(spec, with_type) == with_type) {
        BuildTemplate(view, with_type, pv->templates[with_type]);
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> BatchResponder::WriteResponse(size_t i,
                                                     MutableByteSpan out) const {
  if (i >= num_requests_) {
    return absl::OutOfRangeError(absl::StrCat("no request ", i, " in batch"));
  }
  const ParsedRequest& request = requests_[i];
  const PerVersion& pv = *per_version_[static_cast<size_t>(request.version)];
  const ResponseTemplate& t = pv.templates[WithType(pv.spec, request.has_type)];
  // Amplification guard (§9.7): drop rather than send more than we got.
  if (t.size > request.packet.size()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "response of ", t.size, " bytes exceeds the ", request.packet.size(),
        "-byte request"));
  }
  if (t.size > out.size()) {
    return absl::ResourceExhaustedError("output buffer too small");
  }
  if (!t.built || request.nonce.size() != pv.spec.nonce_size) {
    return absl::FailedPreconditionError("batch not signed for this request");
  }
  std::memcpy(out.data(), t.bytes, t.size);
  std::memcpy(out.data() + t.nonce_at, request.nonce.data(),
              request.nonce.size());
  pv.tree.WritePath(leaf_index_[i], out.data() + t.path_at);
  StoreLE32(out.data() + t.indx_at, leaf_index_[i]);
  return t.size;
}

}  // namespace roughtime
