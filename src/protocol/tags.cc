#include "roughtime/tags.h"

#include "absl/strings/str_format.h"

namespace roughtime {

std::string TagName(uint32_t tag) {
  std::string name;
  for (int i = 0; i < 4; ++i) {
    const auto c = static_cast<unsigned char>(tag >> (8 * i));
    if (c == 0) {
      // Zero padding may only follow the letters (§4.1.3).
      for (int j = i + 1; j < 4; ++j) {
        if ((tag >> (8 * j)) & 0xff) return absl::StrFormat("0x%08x", tag);
      }
      break;
    }
    if (c == 0xff && i == 3) {
      name += "\\xff";  // Google's PAD\xff
      break;
    }
    if (c < 0x20 || c > 0x7e) return absl::StrFormat("0x%08x", tag);
    name += static_cast<char>(c);
  }
  if (name.empty()) return absl::StrFormat("0x%08x", tag);
  return name;
}

}  // namespace roughtime
