#include "request_factory.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "roughtime/request.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime::loadgen {
namespace {

constexpr size_t kSeqBytes = 8;

RequestOptions OptionsFor(const RequestSpec& spec) {
  const VersionSpec& v = Spec(spec.version);
  RequestOptions o;
  o.google = !v.framed;
  if (v.framed) {
    // One version offered, so the server cannot pick another (§5.1.1).
    o.offered_wire_versions = {v.wire};
    o.message_size = spec.request_size - kFrameHeaderSize;
  } else {
    o.offered_wire_versions.clear();
    o.message_size = spec.request_size;
  }
  o.include_type = v.type_defined;
  // SRV exists from draft-10 (0x8000000a) on; older servers would not know it.
  const bool has_srv = v.framed && v.version >= Version::kDraft10;
  if (spec.server_key && has_srv) o.server_key = *spec.server_key;
  return o;
}

}  // namespace

absl::StatusOr<RequestFactory> RequestFactory::Create(const RequestSpec& spec) {
  const VersionSpec& v = Spec(spec.version);
  if (spec.request_size < kFrameHeaderSize) {
    return absl::InvalidArgumentError("request size too small");
  }
  RequestFactory f;
  f.version_ = spec.version;
  f.nonce_size_ = v.nonce_size;
  f.server_key_ = spec.server_key;
  RequestOptions options = OptionsFor(spec);
  f.offered_ = options.offered_wire_versions;

  absl::StatusOr<BuiltRequest> built = BuildRequest(options);
  if (!built.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot build a ", AbslView(v.name), " request of ",
        spec.request_size, " bytes: ", built.status().message()));
  }
  f.template_ = std::move(built->packet);
  // Where BuildRequest put the (random, hence unique) nonce.
  const auto at = std::search(f.template_.begin(), f.template_.end(),
                              built->nonce.begin(), built->nonce.end());
  if (at == f.template_.end()) {
    return absl::InternalError("request nonce not found in the packet");
  }
  f.nonce_offset_ = static_cast<size_t>(at - f.template_.begin());

  uint8_t key[kSeqBytes];
  RandomBytes(MutableByteSpan(key, sizeof(key)));
  f.run_key_ = LoadLE64(key);
  f.tails_.resize(kNumTails * (f.nonce_size_ - kSeqBytes));
  RandomBytes(MutableByteSpan(f.tails_));

  // Rewriting the nonce must give what BuildRequest gives for that nonce.
  for (uint64_t seq : {uint64_t{0}, uint64_t{123456789}}) {
    Bytes mine(f.template_.size());
    f.WritePacket(seq, mine.data());
    options.nonce.assign(mine.begin() + f.nonce_offset_,
                         mine.begin() + f.nonce_offset_ + f.nonce_size_);
    absl::StatusOr<BuiltRequest> reference = BuildRequest(options);
    if (!reference.ok() || reference->packet != mine) {
      return absl::InternalError(
          "BuildRequest output depends on more than the nonce; cannot reuse "
          "a template");
    }
  }
  return f;
}

void RequestFactory::WriteNonce(uint64_t seq, uint8_t* nonce) const {
  StoreLE64(nonce, seq ^ run_key_);
  const size_t tail = nonce_size_ - kSeqBytes;
  std::memcpy(nonce + kSeqBytes, &tails_[(seq % kNumTails) * tail], tail);
}

void RequestFactory::WritePacket(uint64_t seq, uint8_t* out) const {
  std::memcpy(out, template_.data(), template_.size());
  WriteNonce(seq, out + nonce_offset_);
}

void RequestFactory::WriteNonceInPacket(uint64_t seq, uint8_t* packet) const {
  WriteNonce(seq, packet + nonce_offset_);
}

std::optional<uint64_t> RequestFactory::SeqOfNonce(const uint8_t* nonce) const {
  const uint64_t seq = LoadLE64(nonce) ^ run_key_;
  const size_t tail = nonce_size_ - kSeqBytes;
  if (std::memcmp(nonce + kSeqBytes, &tails_[(seq % kNumTails) * tail],
                  tail) != 0) {
    return std::nullopt;
  }
  return seq;
}

std::optional<uint64_t> RequestFactory::MatchReply(ByteSpan reply) const {
  // A Roughtime response echoes the nonce in a top-level NONC (§5.2; our
  // core and Cloudflare also do so for Google-Roughtime).
  ByteSpan message = reply;
  bool parsed = true;
  if (HasFrameMagic(reply)) {
    absl::StatusOr<ByteSpan> inner = UnwrapFrame(reply);
    parsed = inner.ok();
    if (parsed) message = *inner;
  }
  if (parsed) {
    absl::StatusOr<MessageView> view = MessageView::Parse(message);
    if (view.ok()) {
      const std::optional<ByteSpan> nonc = view->Find(kTagNonc);
      if (nonc && nonc->size() == nonce_size_) return SeqOfNonce(nonc->data());
    }
  }
  // The echo target sends back the first bytes of the request itself.
  if (reply.size() >= nonce_offset_ + nonce_size_) {
    return SeqOfNonce(reply.data() + nonce_offset_);
  }
  return std::nullopt;
}

absl::Status RequestFactory::Verify(uint64_t seq, ByteSpan reply) const {
  if (!server_key_) {
    return absl::FailedPreconditionError("no server key to verify with");
  }
  Bytes packet(template_.size());
  WritePacket(seq, packet.data());
  VerifyOptions o;
  o.root_public_key = *server_key_;
  o.request_packet = packet;
  o.nonce = ByteSpan(packet.data() + nonce_offset_, nonce_size_);
  o.google = !Spec(version_).framed;
  o.offered_wire_versions = offered_;
  absl::StatusOr<VerifiedResponse> r = VerifyResponse(reply, o);
  if (!r.ok()) return r.status();
  if (r->version != version_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "answered in ", AbslView(VersionName(r->version)), ", asked ",
        AbslView(VersionName(version_))));
  }
  return absl::OkStatus();
}

}  // namespace roughtime::loadgen
