// Shared helpers of the libFuzzer targets (docs/FUZZING.md): the shared
// protocol vectors, a fixed server identity, and the facts of a request a
// client would verify its answer against.
#ifndef ROUGHTIME_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define ROUGHTIME_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/response.h"

namespace roughtime::fuzz {

// ROUGHTIME_VECTORS, else the directory meson baked in at configure time.
std::string VectorsDir();
nlohmann::json LoadJson(const std::string& relative_path);
Bytes LoadHexFile(const std::string& relative_path);
Bytes HexOrDie(const std::string& hex);  // only for trusted vector text

// The synthetic-v1 vector keys (root seed 00..1f, online seed 20..3f), with
// a delegation valid from MINT 1700000000 to MAXT 1900000000; every version
// is served.
const OnlineIdentity& FixedIdentity();
inline constexpr int64_t kFixedMidpoint = 1800000000;

// What a client knows about a request it sent: enough to fill
// VerifyOptions. nullopt when the packet is not a parseable request.
struct RequestFacts {
  Bytes packet;
  Bytes nonce;
  std::vector<uint32_t> offered;  // VER values in wire order
  bool google = false;
};
std::optional<RequestFacts> FactsOfRequest(ByteSpan packet);

// VerifyOptions for `facts` (which must outlive the options).
VerifyOptions OptionsFor(const RequestFacts& facts, const PublicKey& root,
                         bool allow_pre_rfc_contexts);

// Aborts with a message: the fuzzer reports it as a crash. For broken
// invariants only (never for bad input, which must be an error status).
[[noreturn]] void InvariantFailed(const std::string& what);

}  // namespace roughtime::fuzz

#endif  // ROUGHTIME_TESTS_FUZZ_FUZZ_SUPPORT_H_
