#include "roughtime/wire.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "roughtime/tags.h"

namespace roughtime {

bool HasFrameMagic(ByteSpan packet) {
  return packet.size() >= sizeof(kFrameMagic) &&
         std::memcmp(packet.data(), kFrameMagic, sizeof(kFrameMagic)) == 0;
}

absl::StatusOr<ByteSpan> UnwrapFrame(ByteSpan packet) {
  if (packet.size() < kFrameHeaderSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "packet of ", packet.size(), " bytes is shorter than the frame header"));
  }
  if (!HasFrameMagic(packet)) {
    return absl::InvalidArgumentError("packet does not start with ROUGHTIM");
  }
  const uint32_t length = LoadLE32(packet.data() + 8);
  const size_t remaining = packet.size() - kFrameHeaderSize;
  // The Merkle leaf covers the whole packet, so the frame must be exact
  // (trailing bytes would make the leaf ambiguous).
  if (length != remaining) {
    return absl::InvalidArgumentError(
        absl::StrCat("frame length ", length, " does not match the ",
                     remaining, " bytes that follow"));
  }
  return packet.subspan(kFrameHeaderSize);
}

void WriteFrameHeader(uint8_t* out, uint32_t message_size) {
  std::memcpy(out, kFrameMagic, sizeof(kFrameMagic));
  StoreLE32(out + 8, message_size);
}

namespace {

// What is wrong with a message, found without allocating; the readable
// text is only built when a caller asks for a Status.
enum class Defect : uint8_t {
  kNone,
  kShort,
  kLengthUnaligned,
  kTooManyTags,
  kHeaderTooLarge,
  kOffsetUnaligned,
  kOffsetDecreasing,
  kOffsetPastEnd,
  kTagsOutOfOrder,
  kDuplicateTag,
};

struct Check {
  Defect defect = Defect::kNone;
  uint32_t num_tags = 0;
  size_t index = 0;     // offset or tag index the defect is about
  uint32_t value = 0;   // that offset or tag
  uint32_t before = 0;  // the previous offset or tag
};

Check CheckMessage(ByteSpan message, size_t max_tags) {
  Check c;
  if (message.size() < 4) return {Defect::kShort};
  if (message.size() % 4 != 0) return {Defect::kLengthUnaligned};
  c.num_tags = LoadLE32(message.data());
  if (c.num_tags > max_tags) {
    c.defect = Defect::kTooManyTags;
    return c;
  }
  const size_t header = MessageHeaderSize(c.num_tags);
  if (header > message.size()) {
    c.defect = Defect::kHeaderTooLarge;
    return c;
  }
  const size_t values_size = message.size() - header;
  uint32_t previous = 0;
  for (size_t i = 1; i < c.num_tags; ++i) {
    const uint32_t offset = LoadLE32(message.data() + 4 * i);
    c.index = i;
    c.value = offset;
    c.before = previous;
    if (offset % 4 != 0) c.defect = Defect::kOffsetUnaligned;
    else if (offset < previous) c.defect = Defect::kOffsetDecreasing;
    else if (offset > values_size) c.defect = Defect::kOffsetPastEnd;
    if (c.defect != Defect::kNone) return c;
    previous = offset;
  }
  const uint8_t* tags = message.data() + 4 * c.num_tags;
  for (size_t i = 1; i < c.num_tags; ++i) {
    c.before = LoadLE32(tags + 4 * (i - 1));
    c.value = LoadLE32(tags + 4 * i);
    if (c.value == c.before) c.defect = Defect::kDuplicateTag;
    else if (c.value < c.before) c.defect = Defect::kTagsOutOfOrder;
    if (c.defect != Defect::kNone) return c;
  }
  return c;
}

absl::Status Describe(const Check& c, ByteSpan message, size_t max_tags) {
  switch (c.defect) {
    case Defect::kNone:
      return absl::OkStatus();
    case Defect::kShort:
      return absl::InvalidArgumentError(absl::StrCat(
          "message of ", message.size(), " bytes is shorter than 4 bytes"));
    case Defect::kLengthUnaligned:
      return absl::InvalidArgumentError(absl::StrCat(
          "message length ", message.size(), " is not a multiple of 4"));
    case Defect::kTooManyTags:
      return absl::InvalidArgumentError(absl::StrCat(
          "message claims ", c.num_tags, " tags, more than ", max_tags));
    case Defect::kHeaderTooLarge:
      return absl::InvalidArgumentError(absl::StrCat(
          "header for ", c.num_tags, " tags needs ",
          MessageHeaderSize(c.num_tags), " bytes, message has ",
          message.size()));
    case Defect::kOffsetUnaligned:
      return absl::InvalidArgumentError(absl::StrCat(
          "offset ", c.index, " (", c.value, ") is not a multiple of 4"));
    case Defect::kOffsetDecreasing:
      return absl::InvalidArgumentError(
          absl::StrCat("offset ", c.index, " (", c.value, ") is below offset ",
                       c.index - 1, " (", c.before, ")"));
    case Defect::kOffsetPastEnd:
      return absl::InvalidArgumentError(absl::StrCat(
          "offset ", c.index, " (", c.value, ") is past the end of the values (",
          message.size() - MessageHeaderSize(c.num_tags), " bytes)"));
    case Defect::kDuplicateTag:
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate tag ", TagName(c.value)));
    case Defect::kTagsOutOfOrder:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "tags out of order: ", TagName(c.value), " after ", TagName(c.before)));
}

}  // namespace

absl::StatusOr<MessageView> MessageView::Parse(ByteSpan message,
                                               size_t max_tags) {
  const Check c = CheckMessage(message, max_tags);
  if (c.defect != Defect::kNone) return Describe(c, message, max_tags);
  return MessageView(message, c.num_tags);
}

std::optional<MessageView> MessageView::TryParse(ByteSpan message,
                                                 size_t max_tags) {
  const Check c = CheckMessage(message, max_tags);
  if (c.defect != Defect::kNone) return std::nullopt;
  return MessageView(message, c.num_tags);
}

bool IsExactFrame(ByteSpan packet) {
  return packet.size() >= kFrameHeaderSize && HasFrameMagic(packet) &&
         LoadLE32(packet.data() + 8) == packet.size() - kFrameHeaderSize;
}

uint32_t MessageView::tag(size_t i) const {
  return LoadLE32(message_.data() + 4 * num_tags_ + 4 * i);
}

size_t MessageView::ValueOffset(size_t i) const {
  if (i == 0) return 0;
  if (i >= num_tags_) return message_.size() - ValuesStart();
  return LoadLE32(message_.data() + 4 * i);
}

ByteSpan MessageView::value(size_t i) const {
  const size_t start = ValueOffset(i);
  const size_t end = ValueOffset(i + 1);
  return message_.subspan(ValuesStart() + start, end - start);
}

std::optional<ByteSpan> MessageView::Find(uint32_t wanted) const {
  size_t lo = 0, hi = num_tags_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const uint32_t t = tag(mid);
    if (t == wanted) return value(mid);
    if (t < wanted) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return std::nullopt;
}

absl::StatusOr<ByteSpan> MessageView::Get(uint32_t wanted) const {
  auto v = Find(wanted);
  if (!v) {
    return absl::NotFoundError(absl::StrCat("missing tag ", TagName(wanted)));
  }
  return *v;
}

absl::StatusOr<ByteSpan> MessageView::GetFixed(uint32_t wanted,
                                               size_t size) const {
  auto v = Get(wanted);
  if (!v.ok()) return v;
  if (v->size() != size) {
    return absl::InvalidArgumentError(
        absl::StrCat("tag ", TagName(wanted), " is ", v->size(),
                     " bytes, expected ", size));
  }
  return v;
}

absl::StatusOr<uint32_t> MessageView::GetU32(uint32_t wanted) const {
  auto v = GetFixed(wanted, 4);
  if (!v.ok()) return v.status();
  return LoadLE32(v->data());
}

absl::StatusOr<uint64_t> MessageView::GetU64(uint32_t wanted) const {
  auto v = GetFixed(wanted, 8);
  if (!v.ok()) return v.status();
  return LoadLE64(v->data());
}

absl::StatusOr<MessageView> MessageView::GetMessage(uint32_t wanted) const {
  auto v = Get(wanted);
  if (!v.ok()) return v.status();
  auto m = Parse(*v);
  if (!m.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tag ", TagName(wanted), " is not a valid message: ",
        m.status().message()));
  }
  return m;
}

MessageBuilder::MessageBuilder(MutableByteSpan out, size_t num_tags)
    : out_(out), num_tags_(num_tags) {
  if (out_.size() < MessageHeaderSize(num_tags_)) {
    error_ = absl::ResourceExhaustedError("buffer smaller than the header");
    return;
  }
  StoreLE32(out_.data(), static_cast<uint32_t>(num_tags_));
}

absl::StatusOr<uint8_t*> MessageBuilder::Add(uint32_t tag, size_t size) {
  if (!error_.ok()) return error_;
  if (added_ == num_tags_) {
    error_ = absl::FailedPreconditionError(
        absl::StrCat("more than ", num_tags_, " tags added"));
  } else if (added_ > 0 && tag <= last_tag_) {
    error_ = absl::FailedPreconditionError(absl::StrCat(
        "tag ", TagName(tag), " added after ", TagName(last_tag_)));
  } else if (size % 4 != 0) {
    error_ = absl::FailedPreconditionError(absl::StrCat(
        "value of ", TagName(tag), " is ", size, " bytes, not a multiple of 4"));
  } else if (MessageHeaderSize(num_tags_) + values_size_ + size >
             out_.size()) {
    error_ = absl::ResourceExhaustedError(
        absl::StrCat("buffer too small for tag ", TagName(tag)));
  }
  if (!error_.ok()) return error_;
  if (added_ > 0) {
    StoreLE32(out_.data() + 4 * added_, static_cast<uint32_t>(values_size_));
  }
  StoreLE32(out_.data() + 4 * num_tags_ + 4 * added_, tag);
  uint8_t* value = out_.data() + MessageHeaderSize(num_tags_) + values_size_;
  values_size_ += size;
  last_tag_ = tag;
  ++added_;
  return value;
}

absl::Status MessageBuilder::AddBytes(uint32_t tag, ByteSpan value) {
  auto p = Add(tag, value.size());
  if (!p.ok()) return p.status();
  if (!value.empty()) std::memcpy(*p, value.data(), value.size());
  return absl::OkStatus();
}

absl::Status MessageBuilder::AddU32(uint32_t tag, uint32_t value) {
  auto p = Add(tag, 4);
  if (!p.ok()) return p.status();
  StoreLE32(*p, value);
  return absl::OkStatus();
}

absl::Status MessageBuilder::AddU64(uint32_t tag, uint64_t value) {
  auto p = Add(tag, 8);
  if (!p.ok()) return p.status();
  StoreLE64(*p, value);
  return absl::OkStatus();
}

absl::StatusOr<size_t> MessageBuilder::Finish() {
  if (!error_.ok()) return error_;
  if (added_ != num_tags_) {
    return absl::FailedPreconditionError(
        absl::StrCat(added_, " tags added, ", num_tags_, " declared"));
  }
  return MessageHeaderSize(num_tags_) + values_size_;
}

size_t EncodedMessageSize(absl::Span<const size_t> value_sizes) {
  size_t total = MessageHeaderSize(value_sizes.size());
  for (size_t s : value_sizes) total += s;
  return total;
}

}  // namespace roughtime
