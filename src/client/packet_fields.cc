#include "client/packet_fields.h"

#include "absl/strings/str_cat.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime::client {

absl::StatusOr<ByteSpan> TopLevelMessage(ByteSpan packet) {
  if (HasFrameMagic(packet)) return UnwrapFrame(packet);
  return packet;
}

std::optional<Bytes> PeekNonce(ByteSpan packet) {
  absl::StatusOr<ByteSpan> message = TopLevelMessage(packet);
  if (!message.ok()) return std::nullopt;
  absl::StatusOr<MessageView> view = MessageView::Parse(*message);
  if (!view.ok()) return std::nullopt;
  std::optional<ByteSpan> nonce = view->Find(kTagNonc);
  if (!nonce.has_value()) return std::nullopt;
  return Bytes(nonce->begin(), nonce->end());
}

bool IsForAnotherNonce(ByteSpan reply, ByteSpan ours) {
  std::optional<Bytes> theirs = PeekNonce(reply);
  return theirs.has_value() && !ConstantTimeEquals(*theirs, ours);
}

absl::StatusOr<RequestFields> ParseRequestFields(ByteSpan request) {
  RequestFields out;
  out.google = !HasFrameMagic(request);
  absl::StatusOr<ByteSpan> message = TopLevelMessage(request);
  if (!message.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request frame: ", message.status().message()));
  }
  absl::StatusOr<MessageView> view = MessageView::Parse(*message);
  if (!view.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request message: ", view.status().message()));
  }
  absl::StatusOr<ByteSpan> nonce = view->Get(kTagNonc);
  if (!nonce.ok()) {
    return absl::InvalidArgumentError("request has no NONC");
  }
  out.nonce.assign(nonce->begin(), nonce->end());
  if (out.google) return out;
  absl::StatusOr<ByteSpan> ver = view->Get(kTagVer);
  if (!ver.ok()) {
    return absl::InvalidArgumentError("framed request has no VER");
  }
  if (ver->empty() || ver->size() % 4 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("request VER is ", ver->size(),
                     " bytes, not a non-empty multiple of 4"));
  }
  for (size_t i = 0; i < ver->size(); i += 4) {
    out.versions.push_back(LoadLE32(ver->data() + i));
  }
  return out;
}

}  // namespace roughtime::client
