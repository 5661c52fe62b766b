// Roughtime tags (RFC 10049 §4.1.3, §12.3). A tag is four bytes on the wire;
// as a number it is the little-endian uint32 of those bytes, so the first
// character is the least significant byte. Messages sort tags by that number.
#ifndef ROUGHTIME_TAGS_H_
#define ROUGHTIME_TAGS_H_

#include <cstdint>
#include <string>

namespace roughtime {

constexpr uint32_t MakeTag(char a, char b, char c, char d) {
  return static_cast<uint32_t>(static_cast<uint8_t>(a)) |
         static_cast<uint32_t>(static_cast<uint8_t>(b)) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(c)) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(d)) << 24;
}

inline constexpr uint32_t kTagSig = MakeTag('S', 'I', 'G', 0);
inline constexpr uint32_t kTagVer = MakeTag('V', 'E', 'R', 0);
inline constexpr uint32_t kTagSrv = MakeTag('S', 'R', 'V', 0);
inline constexpr uint32_t kTagNonc = MakeTag('N', 'O', 'N', 'C');
inline constexpr uint32_t kTagDele = MakeTag('D', 'E', 'L', 'E');
inline constexpr uint32_t kTagType = MakeTag('T', 'Y', 'P', 'E');
inline constexpr uint32_t kTagPath = MakeTag('P', 'A', 'T', 'H');
inline constexpr uint32_t kTagRadi = MakeTag('R', 'A', 'D', 'I');
inline constexpr uint32_t kTagPubk = MakeTag('P', 'U', 'B', 'K');
inline constexpr uint32_t kTagMidp = MakeTag('M', 'I', 'D', 'P');
inline constexpr uint32_t kTagSrep = MakeTag('S', 'R', 'E', 'P');
inline constexpr uint32_t kTagVers = MakeTag('V', 'E', 'R', 'S');
inline constexpr uint32_t kTagMint = MakeTag('M', 'I', 'N', 'T');
inline constexpr uint32_t kTagRoot = MakeTag('R', 'O', 'O', 'T');
inline constexpr uint32_t kTagCert = MakeTag('C', 'E', 'R', 'T');
inline constexpr uint32_t kTagMaxt = MakeTag('M', 'A', 'X', 'T');
inline constexpr uint32_t kTagIndx = MakeTag('I', 'N', 'D', 'X');
inline constexpr uint32_t kTagZzzz = MakeTag('Z', 'Z', 'Z', 'Z');
// Google-Roughtime request padding.
inline constexpr uint32_t kTagPadGoogle = MakeTag('P', 'A', 'D', '\xff');

static_assert(kTagSig == 0x00474953);
static_assert(kTagNonc == 0x434e4f4e);
static_assert(kTagZzzz == 0x5a5a5a5a);
static_assert(kTagPadGoogle == 0xff444150);

// "NONC", "SIG", or "0x12345678" when the bytes are not printable.
std::string TagName(uint32_t tag);

}  // namespace roughtime

#endif  // ROUGHTIME_TAGS_H_
