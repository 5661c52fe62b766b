#include "roughtime/bytes.h"

#include <sodium.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace roughtime {
namespace {

std::string_view StripWhitespace(std::string_view text) {
  const absl::string_view stripped = absl::StripAsciiWhitespace(AbslView(text));
  return std::string_view(stripped.data(), stripped.size());
}

}  // namespace

std::string HexEncode(ByteSpan data) {
  std::string out(data.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data.data(), data.size());
  out.pop_back();  // sodium writes a NUL terminator
  return out;
}

absl::StatusOr<Bytes> HexDecode(std::string_view text) {
  text = StripWhitespace(text);
  if (text.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("hex text has an odd number of digits (", text.size(),
                     ")"));
  }
  Bytes out(text.size() / 2);
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(),
                     nullptr, &written, &end) != 0 ||
      written != out.size() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError("text is not valid hex");
  }
  return out;
}

std::string Base64Encode(ByteSpan data) {
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(data.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(),
                    variant);
  out.resize(out.size() - 1);  // NUL terminator
  return out;
}

absl::StatusOr<Bytes> Base64Decode(std::string_view text) {
  text = StripWhitespace(text);
  const bool url_safe = text.find_first_of("-_") != std::string_view::npos;
  const bool padded = !text.empty() && text.back() == '=';
  int variant;
  if (url_safe) {
    variant = padded ? sodium_base64_VARIANT_URLSAFE
                     : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  } else {
    variant = padded ? sodium_base64_VARIANT_ORIGINAL
                     : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  }
  Bytes out(text.size() * 3 / 4 + 3);
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(),
                        nullptr, &written, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return absl::InvalidArgumentError("text is not valid base64");
  }
  out.resize(written);
  return out;
}

absl::StatusOr<Bytes> DecodeKeyText(std::string_view text, size_t size) {
  text = StripWhitespace(text);
  if (text.size() == size * 2) {
    auto hex = HexDecode(text);
    if (hex.ok()) return hex;
  }
  auto b64 = Base64Decode(text);
  if (b64.ok() && b64->size() == size) return b64;
  return absl::InvalidArgumentError(
      absl::StrCat("key must be ", size * 2, " hex digits or base64 of ", size,
                   " bytes"));
}

bool ConstantTimeEquals(ByteSpan a, ByteSpan b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace roughtime
