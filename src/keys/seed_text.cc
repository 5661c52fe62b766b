#include "keys/seed_text.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "keys/protected_file.h"
#include "roughtime/bytes.h"

namespace roughtime::keys {
namespace {

bool IsPrintableText(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isprint(static_cast<unsigned char>(c)) ||
           absl::ascii_isspace(static_cast<unsigned char>(c));
  });
}

bool IsBase64Char(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' ||
         c == '/' || c == '=' || c == '-' || c == '_';
}

absl::Status Bad(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("key file ", path, " ", problem));
}

absl::StatusOr<Seed> CopySeed(Bytes* decoded) {
  ScopedWipe<Bytes> wipe(decoded);
  Seed seed;
  std::memcpy(seed.data(), decoded->data(), seed.size());
  return seed;
}

}  // namespace

absl::StatusOr<Seed> ParseSeedContents(absl::string_view contents,
                                       absl::string_view path) {
  if (contents.empty()) return Bad(path, "is empty");
  // Exactly 32 bytes that are not all text is a raw seed. A 32-character
  // text file is far more likely a truncated hex or base64 key (random
  // bytes are all printable with probability about 1e-14), so text is
  // always judged as text.
  if (contents.size() == kSeedSize && !IsPrintableText(contents)) {
    Seed seed;
    std::memcpy(seed.data(), contents.data(), seed.size());
    return seed;
  }
  if (!IsPrintableText(contents)) {
    return Bad(path, absl::StrCat("is not a key: it holds ", contents.size(),
                                  " bytes of binary data; a raw seed is "
                                  "exactly 32 bytes"));
  }
  const absl::string_view text = absl::StripAsciiWhitespace(contents);
  if (text.empty()) return Bad(path, "holds only whitespace");
  if (text.front() == '{') {
    return Bad(path,
               "looks like a delegation file (JSON), not a root key");
  }
  const bool all_hex = std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isxdigit(static_cast<unsigned char>(c));
  });
  if (all_hex) {
    if (text.size() < 2 * kSeedSize) {
      return Bad(path, absl::StrCat("is truncated: ", text.size(),
                                    " hex digits, expected 64"));
    }
    if (text.size() > 2 * kSeedSize) {
      return Bad(path, absl::StrCat("has ", text.size(),
                                    " hex digits, expected 64"));
    }
    absl::StatusOr<Bytes> decoded = HexDecode(StdView(text));
    if (!decoded.ok()) return Bad(path, "is not valid hex");
    return CopySeed(&*decoded);
  }
  if (text.size() == 2 * kSeedSize) {
    return Bad(path, "has 64 characters, but they are not all hex digits");
  }
  if (std::all_of(text.begin(), text.end(), IsBase64Char)) {
    absl::StatusOr<Bytes> decoded = Base64Decode(StdView(text));
    if (!decoded.ok()) {
      return Bad(path, absl::StrCat("is not valid base64 (", text.size(),
                                    " characters; a 32-byte key is 44)"));
    }
    ScopedWipe<Bytes> wipe(&*decoded);
    if (decoded->size() != kSeedSize) {
      return Bad(path, absl::StrCat("holds base64 of ", decoded->size(),
                                    " bytes, expected 32",
                                    decoded->size() < kSeedSize
                                        ? " (truncated?)"
                                        : ""));
    }
    Seed seed;
    std::memcpy(seed.data(), decoded->data(), seed.size());
    return seed;
  }
  return Bad(path,
             "is not a key: expected 32 raw bytes, 64 hex digits or base64 "
             "of 32 bytes");
}

}  // namespace roughtime::keys
