// Byte spans, little-endian integers and text encodings (hex, base64) used by
// every layer. Roughtime puts all integers on the wire in little-endian order
// (RFC 10049 §4).
#ifndef ROUGHTIME_BYTES_H_
#define ROUGHTIME_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace roughtime {

using ByteSpan = absl::Span<const uint8_t>;
using MutableByteSpan = absl::Span<uint8_t>;
using Bytes = std::vector<uint8_t>;

inline uint32_t LoadLE32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

inline uint64_t LoadLE64(const uint8_t* p) {
  return static_cast<uint64_t>(LoadLE32(p)) |
         static_cast<uint64_t>(LoadLE32(p + 4)) << 32;
}

inline void StoreLE32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

inline void StoreLE64(uint8_t* p, uint64_t v) {
  StoreLE32(p, static_cast<uint32_t>(v));
  StoreLE32(p + 4, static_cast<uint32_t>(v >> 32));
}

// Debian's abseil has its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW
// is 0), which absl::StrCat and absl::Status need; std::string_view does not
// convert implicitly.
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline ByteSpan AsBytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

inline std::string_view AsChars(ByteSpan b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// Lower-case hex, no separators.
std::string HexEncode(ByteSpan data);
// Accepts upper or lower case; surrounding whitespace is ignored.
absl::StatusOr<Bytes> HexDecode(std::string_view text);

// RFC 4648 standard alphabet with padding (what server lists and malfeasance
// reports use, RFC 10049 §8.3-§8.4).
std::string Base64Encode(ByteSpan data);
// Accepts the standard alphabet with or without padding, and the URL-safe
// alphabet; surrounding whitespace is ignored.
absl::StatusOr<Bytes> Base64Decode(std::string_view text);

// Decodes a key given as 64 hex digits or as base64 of exactly `size` bytes.
absl::StatusOr<Bytes> DecodeKeyText(std::string_view text, size_t size);

// Constant-time comparison of equal-length buffers (false if lengths differ).
bool ConstantTimeEquals(ByteSpan a, ByteSpan b);

}  // namespace roughtime

#endif  // ROUGHTIME_BYTES_H_
