// Parsing the contents of a root key file (docs/KEYS.md): 32 raw bytes, 64
// hex digits or base64 of 32 bytes, with surrounding whitespace ignored.
#ifndef ROUGHTIME_KEYS_SEED_TEXT_H_
#define ROUGHTIME_KEYS_SEED_TEXT_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "roughtime/crypto.h"

namespace roughtime::keys {

// `path` only names the file in error messages, which say precisely what is
// wrong (empty, truncated hex, wrong base64 length, not a key at all) and
// never quote the contents.
absl::StatusOr<Seed> ParseSeedContents(absl::string_view contents,
                                       absl::string_view path);

}  // namespace roughtime::keys

#endif  // ROUGHTIME_KEYS_SEED_TEXT_H_
