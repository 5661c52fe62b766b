// Test support: running roughtime-keygen and reading its output (keygen.h).
#include "support/keygen.h"

#include "gtest/gtest.h"

namespace roughtime::testing {

ProgramResult RunKeygen(const std::vector<std::string>& args,
                        const RunOptions& options) {
  const std::string keygen = PathFromEnv("ROUGHTIME_KEYGEN");
  if (keygen.empty()) return {};
  std::vector<std::string> argv = {keygen};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, options);
}

std::string ValueAfter(const std::string& out, const std::string& label) {
  const std::string prefix = label + ":";
  for (const std::string& line : SplitLines(out)) {
    if (line.rfind(prefix, 0) != 0) continue;
    const size_t start = line.find_first_not_of(' ', prefix.size());
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

void ExpectOneLineError(const ProgramResult& r, int code,
                        const std::string& fragment) {
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, code) << "stderr: " << r.err;
  const std::vector<std::string> lines = SplitLines(r.err);
  ASSERT_EQ(lines.size(), 1u) << "stderr: " << r.err;
  EXPECT_EQ(lines[0].rfind("roughtime-keygen: error: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(fragment), std::string::npos)
      << "expected \"" << fragment << "\" in: " << lines[0];
}

void GeneratedRootKeyTest::SetUp() {
  const ProgramResult r = RunKeygen({"generate", "--out", root_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  root_public_b64_ = ValueAfter(r.out, "public key (base64)");
  root_public_hex_ = ValueAfter(r.out, "public key (hex)");
}

}  // namespace roughtime::testing
