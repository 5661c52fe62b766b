#include "message_edit.h"

#include <cstring>

#include "roughtime/wire.h"

namespace roughtime::testing {
namespace {

struct Located {
  size_t begin = 0;  // offset of the value inside the packet
  size_t size = 0;
};

absl::StatusOr<ByteSpan> Inner(ByteSpan packet) {
  if (HasFrameMagic(packet)) return UnwrapFrame(packet);
  return packet;
}

absl::StatusOr<Located> Locate(ByteSpan packet,
                               const std::vector<uint32_t>& tags) {
  absl::StatusOr<ByteSpan> message = Inner(packet);
  if (!message.ok()) return message.status();
  ByteSpan current = *message;
  for (uint32_t tag : tags) {
    absl::StatusOr<MessageView> view = MessageView::Parse(current);
    if (!view.ok()) return view.status();
    absl::StatusOr<ByteSpan> value = view->Get(tag);
    if (!value.ok()) return value.status();
    current = *value;
  }
  return Located{static_cast<size_t>(current.data() - packet.data()),
                 current.size()};
}

}  // namespace

absl::StatusOr<Bytes> RewriteTopLevel(ByteSpan packet,
                                      const std::map<uint32_t, Bytes>& set,
                                      const std::set<uint32_t>& remove) {
  const bool framed = HasFrameMagic(packet);
  absl::StatusOr<ByteSpan> message = Inner(packet);
  if (!message.ok()) return message.status();
  absl::StatusOr<MessageView> view = MessageView::Parse(*message);
  if (!view.ok()) return view.status();
  // std::map orders by the tag's number, which is the wire order (§4.2).
  std::map<uint32_t, Bytes> values;
  for (size_t i = 0; i < view->num_tags(); ++i) {
    if (remove.count(view->tag(i))) continue;
    ByteSpan v = view->value(i);
    values[view->tag(i)] = Bytes(v.begin(), v.end());
  }
  for (const auto& [tag, value] : set) values[tag] = value;
  std::vector<size_t> sizes;
  for (const auto& [tag, value] : values) sizes.push_back(value.size());
  const size_t size = EncodedMessageSize(absl::MakeConstSpan(sizes));
  Bytes out((framed ? kFrameHeaderSize : 0) + size);
  if (framed) WriteFrameHeader(out.data(), static_cast<uint32_t>(size));
  MessageBuilder b(
      MutableByteSpan(out).subspan(framed ? kFrameHeaderSize : 0),
      values.size());
  for (const auto& [tag, value] : values) {
    absl::Status s = b.AddBytes(tag, value);
    if (!s.ok()) return s;
  }
  absl::StatusOr<size_t> done = b.Finish();
  if (!done.ok()) return done.status();
  return out;
}

absl::StatusOr<Bytes> FlipBitIn(ByteSpan packet,
                                const std::vector<uint32_t>& tags,
                                size_t offset) {
  absl::StatusOr<Located> at = Locate(packet, tags);
  if (!at.ok()) return at.status();
  if (offset >= at->size) {
    return absl::OutOfRangeError("offset beyond the value");
  }
  Bytes out(packet.begin(), packet.end());
  out[at->begin + offset] ^= 1;
  return out;
}

absl::StatusOr<Bytes> ValueAt(ByteSpan packet,
                              const std::vector<uint32_t>& tags) {
  absl::StatusOr<Located> at = Locate(packet, tags);
  if (!at.ok()) return at.status();
  return Bytes(packet.begin() + at->begin,
               packet.begin() + at->begin + at->size);
}

}  // namespace roughtime::testing
