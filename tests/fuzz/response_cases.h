// The fixed verification settings the response fuzzers use: real request /
// response pairs from the test vectors (one per wire dialect we verify),
// each with the options a client would have used to send that request, and
// the private keys when the vector publishes them (so mutated responses can
// be re-signed and the checks after the signatures are reached).
#ifndef ROUGHTIME_TESTS_FUZZ_RESPONSE_CASES_H_
#define ROUGHTIME_TESTS_FUZZ_RESPONSE_CASES_H_

#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "roughtime/crypto.h"
#include "roughtime/response.h"
#include "roughtime/version.h"

namespace roughtime::fuzz {

struct ResponseCase {
  std::string name;
  RequestFacts request;
  Bytes response;  // a response that verifies with `options`
  PublicKey root_public_key{};
  bool allow_pre_rfc_contexts = false;
  Version version = Version::kRfc1;
  std::optional<Seed> root_seed;    // when the vector publishes it
  std::optional<Seed> online_seed;

  VerifyOptions options() const {
    return OptionsFor(request, root_public_key, allow_pre_rfc_contexts);
  }
};

// Loaded once from VectorsDir(); every case's response verifies (checked at
// load: a case that does not would make the fuzzer meaningless).
const std::vector<ResponseCase>& ResponseCases();

}  // namespace roughtime::fuzz

#endif  // ROUGHTIME_TESTS_FUZZ_RESPONSE_CASES_H_
