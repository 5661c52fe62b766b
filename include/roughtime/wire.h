// The Roughtime message encoding (RFC 10049 §4.2) and packet framing (§5).
//
// A message is: uint32 N, N-1 uint32 offsets, N uint32 tags, then the values.
// A packet is "ROUGHTIM", a uint32 message length, then the message. Google
// Roughtime sends bare messages without the frame.
#ifndef ROUGHTIME_WIRE_H_
#define ROUGHTIME_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "roughtime/bytes.h"

namespace roughtime {

inline constexpr uint8_t kFrameMagic[8] = {'R', 'O', 'U', 'G',
                                           'H', 'T', 'I', 'M'};
inline constexpr size_t kFrameHeaderSize = 12;
// Far above anything a real message carries (a request has at most 5 tags, a
// response 7); bounds the work a hostile header can ask for.
inline constexpr size_t kDefaultMaxTags = 64;

// True when the packet starts with "ROUGHTIM" (IETF framing). A Google
// message can never start that way: read as a tag count "ROUG" is absurd.
bool HasFrameMagic(ByteSpan packet);

// Checks the magic and that the length field equals the bytes that follow,
// and returns the message inside.
absl::StatusOr<ByteSpan> UnwrapFrame(ByteSpan packet);

// The allocation-free form of UnwrapFrame's checks.
bool IsExactFrame(ByteSpan packet);

// Writes the 12-byte frame header for a message of `message_size` bytes.
void WriteFrameHeader(uint8_t* out, uint32_t message_size);

// Size of the header of a message with `num_tags` tags (8N bytes, 4 if N=0).
constexpr size_t MessageHeaderSize(size_t num_tags) {
  return num_tags == 0 ? 4 : 8 * num_tags;
}

// A validated, zero-copy view of a message over the caller's buffer. The
// buffer must outlive the view.
class MessageView {
 public:
  MessageView() = default;

  // Enforces every structural rule: length a multiple of 4 and >= 4, tag
  // count within `max_tags`, header within the message, offsets multiples of
  // 4, non-decreasing and within the values, tags strictly ascending (which
  // also forbids duplicates). Unknown tags are accepted.
  static absl::StatusOr<MessageView> Parse(ByteSpan message,
                                           size_t max_tags = kDefaultMaxTags);
  // The same checks without building an error message: never allocates,
  // for the server's hot path where garbage is only counted.
  static std::optional<MessageView> TryParse(
      ByteSpan message, size_t max_tags = kDefaultMaxTags);

  size_t num_tags() const { return num_tags_; }
  uint32_t tag(size_t i) const;
  ByteSpan value(size_t i) const;
  ByteSpan bytes() const { return message_; }

  // The value of `tag`, or nullopt when absent (binary search).
  std::optional<ByteSpan> Find(uint32_t tag) const;
  bool Has(uint32_t tag) const { return Find(tag).has_value(); }

  // Like Find, with an error naming the missing tag.
  absl::StatusOr<ByteSpan> Get(uint32_t tag) const;
  // The value of `tag`, which must be exactly `size` bytes long.
  absl::StatusOr<ByteSpan> GetFixed(uint32_t tag, size_t size) const;
  absl::StatusOr<uint32_t> GetU32(uint32_t tag) const;
  absl::StatusOr<uint64_t> GetU64(uint32_t tag) const;
  // The value of `tag` parsed as a nested message.
  absl::StatusOr<MessageView> GetMessage(uint32_t tag) const;

 private:
  MessageView(ByteSpan message, size_t num_tags)
      : message_(message), num_tags_(num_tags) {}
  size_t ValuesStart() const { return MessageHeaderSize(num_tags_); }
  size_t ValueOffset(size_t i) const;

  ByteSpan message_;
  size_t num_tags_ = 0;
};

// Writes a message into a caller-provided buffer whose size is known in
// advance (see EncodedMessageSize). Tags must be added in strictly ascending
// order, each value length a multiple of 4. Never allocates.
class MessageBuilder {
 public:
  MessageBuilder(MutableByteSpan out, size_t num_tags);

  // Reserves `size` bytes for `tag` and returns where to write them.
  absl::StatusOr<uint8_t*> Add(uint32_t tag, size_t size);
  absl::Status AddBytes(uint32_t tag, ByteSpan value);
  absl::Status AddU32(uint32_t tag, uint32_t value);
  absl::Status AddU64(uint32_t tag, uint64_t value);

  // Checks that exactly `num_tags` were added; returns the message size.
  absl::StatusOr<size_t> Finish();

 private:
  MutableByteSpan out_;
  size_t num_tags_;
  size_t added_ = 0;
  size_t values_size_ = 0;
  uint32_t last_tag_ = 0;
  absl::Status error_;
};

// Size of a message whose values have the given sizes.
size_t EncodedMessageSize(absl::Span<const size_t> value_sizes);
inline size_t EncodedMessageSize(std::initializer_list<size_t> value_sizes) {
  return EncodedMessageSize(absl::MakeConstSpan(value_sizes.begin(),
                                                value_sizes.size()));
}

}  // namespace roughtime

#endif  // ROUGHTIME_WIRE_H_
