// A missing, unreadable or malformed vector file is a test failure that
// names the file, never a crash: first the loader itself, then the whole
// vectors_test program run against an empty vector directory.
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"
#include "support/files.h"
#include "support/temp_dir.h"
#include "support/vectors.h"

namespace roughtime::testing {
namespace {

using ::testing::HasSubstr;

// Points ROUGHTIME_VECTORS at a fresh directory for one test.
class VectorLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* saved = std::getenv("ROUGHTIME_VECTORS");
    if (saved != nullptr) saved_ = saved;
    ASSERT_FALSE(temp_.path().empty());
    dir_ = temp_.path();
    setenv("ROUGHTIME_VECTORS", dir_.c_str(), 1);
  }
  void TearDown() override {
    if (saved_) setenv("ROUGHTIME_VECTORS", saved_->c_str(), 1);
  }
  void Write(const std::string& name, const std::string& text) {
    WriteFile(temp_.File(name), text);
  }

  TempDir temp_;  // removed with everything in it after the test
  std::string dir_;
  std::optional<std::string> saved_;
};

// EXPECT_NONFATAL_FAILURE's statement may not use locals: results go here.
std::optional<nlohmann::json> json_result;
std::optional<Bytes> hex_result;

TEST_F(VectorLoaderTest, MissingJsonFailsWithItsPath) {
  const std::string path = dir_ + "/set/missing.json";
  EXPECT_NONFATAL_FAILURE(json_result = LoadJson("set/missing.json"),
                          "cannot open vector file " + path);
  EXPECT_FALSE(json_result.has_value());
}

TEST_F(VectorLoaderTest, MissingHexFailsWithItsPath) {
  const std::string path = dir_ + "/missing.hex";
  EXPECT_NONFATAL_FAILURE(hex_result = LoadHexFile("missing.hex"),
                          "cannot open vector file " + path);
  EXPECT_FALSE(hex_result.has_value());
}

TEST_F(VectorLoaderTest, MalformedFilesFailWithTheirPath) {
  Write("truncated.json", "{\"entries\": [");
  Write("bad.hex", "00 11 zz");
  EXPECT_NONFATAL_FAILURE(json_result = LoadJson("truncated.json"),
                          dir_ + "/truncated.json is not valid JSON");
  EXPECT_FALSE(json_result.has_value());
  EXPECT_NONFATAL_FAILURE(hex_result = LoadHexFile("bad.hex"),
                          dir_ + "/bad.hex is not hex");
  EXPECT_FALSE(hex_result.has_value());
}

TEST_F(VectorLoaderTest, UnreadableFileFailsWithItsPath) {
  if (geteuid() == 0) {
    // root reads a 0000 file anyway; a directory cannot be read as a file.
    ASSERT_EQ(mkdir((dir_ + "/dir.json").c_str(), 0700), 0);
  } else {
    Write("dir.json", "{}");
    ASSERT_EQ(chmod((dir_ + "/dir.json").c_str(), 0), 0);
  }
  EXPECT_NONFATAL_FAILURE(json_result = LoadJson("dir.json"),
                          dir_ + "/dir.json");
  EXPECT_FALSE(json_result.has_value());
}

TEST_F(VectorLoaderTest, PresentFilesLoad) {
  Write("ok.json", "{\"a\": 1}");
  Write("ok.hex", "00 ff\n10");
  auto json = LoadJson("ok.json");
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ((*json)["a"], 1);
  auto hex = LoadHexFile("ok.hex");
  ASSERT_TRUE(hex.has_value());
  EXPECT_EQ(*hex, (Bytes{0x00, 0xff, 0x10}));
}

// The whole vectors_test program against an empty directory: it must exit
// normally with failures (not die by a signal), every test that needs a
// file must name the file, and every test must still have run.
TEST_F(VectorLoaderTest, VectorsTestWithoutVectorsFailsEveryTestCleanly) {
  const char* program = std::getenv("VECTORS_TEST");
  ASSERT_NE(program, nullptr) << "VECTORS_TEST is not set (run through meson)";
  const std::string cmd = "env GTEST_OUTPUT= ROUGHTIME_VECTORS='" + dir_ +
                          "' '" + program + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << "vectors_test died by a signal:\n" << output;
  EXPECT_EQ(WEXITSTATUS(status), 1) << output;
  for (const char* file :
       {"cloudflare/roughtime_google_001.json",
        "cloudflare/roughtime_ietf_draft11_010.json",
        "synthetic-v1/rfc10049_v1_synthetic.json",
        "roughenough-0x8000000c/rfc-request.071039e5.hex",
        "roughenough-0x8000000c/rfc-request.SRV.417aa962.hex",
        "rfc10049-appendix-b/appendix_b.json"}) {
    EXPECT_THAT(output, HasSubstr("cannot open vector file " + dir_ + "/" + file));
  }
  // gtest's summary: every test ran and failed; none was skipped by a crash.
  EXPECT_THAT(output, HasSubstr("[  PASSED  ] 0 tests."));
  EXPECT_THAT(output, HasSubstr("11 FAILED TESTS"));
}

}  // namespace
}  // namespace roughtime::testing
