// Test support: runs roughtime-keygen (path from $ROUGHTIME_KEYGEN) and reads
// what it prints, for the key tests and the server tests that need a
// delegation of their own.
#ifndef ROUGHTIME_TESTS_SUPPORT_KEYGEN_H_
#define ROUGHTIME_TESTS_SUPPORT_KEYGEN_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "support/run_program.h"
#include "support/temp_dir.h"

namespace roughtime::testing {

// `roughtime-keygen args...`.
ProgramResult RunKeygen(const std::vector<std::string>& args,
                        const RunOptions& options = {});

// The value after "LABEL: " on the line of `out` that starts with it, or ""
// ("public key (base64)" -> the base64 text).
std::string ValueAfter(const std::string& out, const std::string& label);

// Asserts the tool's error contract: exit status `code`, stderr exactly one
// line "roughtime-keygen: error: ..." containing `fragment`.
void ExpectOneLineError(const ProgramResult& r, int code,
                        const std::string& fragment);

// The start of the keygen tests that need a root key: one made by
// `roughtime-keygen generate` in a scratch directory, and the public key the
// tool printed for it.
class GeneratedRootKeyTest : public ::testing::Test {
 protected:
  void SetUp() override;

  TempDir dir_;
  std::string root_ = dir_.File("root.key");
  std::string root_public_b64_, root_public_hex_;
};

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_SUPPORT_KEYGEN_H_
