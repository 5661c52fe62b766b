// Client-side request construction (RFC 10049 §5.1).
#include <cstring>

#include "absl/strings/str_cat.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime {
namespace {

absl::Status CheckNonce(Bytes& nonce, size_t size) {
  if (nonce.empty()) {
    nonce.resize(size);
    RandomBytes(MutableByteSpan(nonce));
    return absl::OkStatus();
  }
  if (nonce.size() != size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "nonce is ", nonce.size(), " bytes, this version needs ", size));
  }
  return absl::OkStatus();
}

// Google-Roughtime: an unframed message of NONC and PAD\xff.
absl::StatusOr<BuiltRequest> BuildGoogleRequest(const RequestOptions& o) {
  BuiltRequest out{{}, o.nonce};
  if (auto s = CheckNonce(out.nonce, 64); !s.ok()) return s;
  const size_t fixed = EncodedMessageSize({64, 0});
  if (o.message_size < fixed || o.message_size % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request size ", o.message_size, " is below ", fixed,
        " or not a multiple of 4"));
  }
  out.packet.resize(o.message_size);
  MessageBuilder b(MutableByteSpan(out.packet), 2);
  (void)b.AddBytes(kTagNonc, out.nonce);
  auto pad = b.Add(kTagPadGoogle, o.message_size - fixed);
  if (pad.ok()) std::memset(*pad, 0, o.message_size - fixed);
  auto size = b.Finish();
  if (!size.ok()) return size.status();
  return out;
}

}  // namespace

absl::StatusOr<BuiltRequest> BuildRequest(const RequestOptions& o) {
  if (o.google) return BuildGoogleRequest(o);
  const auto& versions = o.offered_wire_versions;
  if (versions.empty() || versions.size() > kMaxOfferedVersions) {
    return absl::InvalidArgumentError(absl::StrCat(
        "offer between 1 and ", kMaxOfferedVersions, " versions, not ",
        versions.size()));
  }
  BuiltRequest out{{}, o.nonce};
  if (auto s = CheckNonce(out.nonce, 32); !s.ok()) return s;

  // Tags in ascending order: VER, SRV, NONC, TYPE, ZZZZ (§4.2).
  const size_t ver_size = 4 * versions.size();
  const size_t srv_size = o.server_key ? 32 : 0;
  const size_t type_size = o.include_type ? 4 : 0;
  const size_t num_tags = 3 + (o.server_key ? 1 : 0) + (o.include_type ? 1 : 0);
  const size_t fixed = MessageHeaderSize(num_tags) + ver_size + srv_size + 32 +
                       type_size;
  if (o.message_size < fixed || o.message_size % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message size ", o.message_size, " is below ", fixed,
        " or not a multiple of 4"));
  }
  const size_t padding = o.message_size - fixed;
  out.packet.resize(kFrameHeaderSize + o.message_size);
  WriteFrameHeader(out.packet.data(), static_cast<uint32_t>(o.message_size));
  MessageBuilder b(MutableByteSpan(out.packet).subspan(kFrameHeaderSize),
                   num_tags);
  auto ver = b.Add(kTagVer, ver_size);
  if (!ver.ok()) return ver.status();
  for (size_t i = 0; i < versions.size(); ++i) {
    StoreLE32(*ver + 4 * i, versions[i]);
  }
  if (o.server_key) {
    const Hash32 srv = ComputeSrv(*o.server_key);
    (void)b.AddBytes(kTagSrv, srv);
  }
  (void)b.AddBytes(kTagNonc, out.nonce);
  if (o.include_type) (void)b.AddU32(kTagType, 0);
  auto pad = b.Add(kTagZzzz, padding);
  if (pad.ok() && padding > 0) std::memset(*pad, 0, padding);
  auto size = b.Finish();
  if (!size.ok()) return size.status();
  return out;
}

}  // namespace roughtime
