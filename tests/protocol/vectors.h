// Loads the shared protocol vectors (../shared/protocol/vectors, passed as
// ROUGHTIME_VECTORS by meson) for the tests.
#ifndef ROUGHTIME_TESTS_PROTOCOL_VECTORS_H_
#define ROUGHTIME_TESTS_PROTOCOL_VECTORS_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"

namespace roughtime::testing {

// The directory of the vectors; fails the calling test when unset/missing.
std::string VectorsDir();
nlohmann::json LoadJson(const std::string& relative_path);
// A file of hex text (whitespace ignored).
Bytes LoadHexFile(const std::string& relative_path);
Bytes Hex(const std::string& hex);
PublicKey PublicKeyFromHex(const std::string& hex);
Seed SeedFromHex(const std::string& hex);
// The VER values of a framed request, in the order sent.
std::vector<uint32_t> OfferedVersions(ByteSpan request_packet);
// The NONC value of a request (framed or Google).
Bytes RequestNonce(ByteSpan request_packet);

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_PROTOCOL_VECTORS_H_
