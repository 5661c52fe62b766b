// Test support: loads the protocol test vectors (tests/vectors, passed as
// ROUGHTIME_VECTORS by meson) for the protocol and client tests.
#ifndef ROUGHTIME_TESTS_SUPPORT_VECTORS_H_
#define ROUGHTIME_TESTS_SUPPORT_VECTORS_H_

#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"

namespace roughtime::testing {

// The directory of the vectors; fails the calling test when unset.
std::string VectorsDir();
// A vector file, relative to VectorsDir(). When the file is missing,
// unreadable or malformed, these record a failure of the calling test that
// names the file's full path and return nullopt: callers ASSERT on the
// result, so a missing vector fails the tests that need it and nothing else
// (no exception or crash takes the rest of the program down).
std::optional<nlohmann::json> LoadJson(const std::string& relative_path);
// A file of hex text (whitespace ignored).
std::optional<Bytes> LoadHexFile(const std::string& relative_path);
Bytes Hex(const std::string& hex);
PublicKey PublicKeyFromHex(const std::string& hex);
Seed SeedFromHex(const std::string& hex);
// The VER values of a framed request, in the order sent.
std::vector<uint32_t> OfferedVersions(ByteSpan request_packet);
// The NONC value of a request (framed or Google).
Bytes RequestNonce(ByteSpan request_packet);

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_SUPPORT_VECTORS_H_
