// Test support: a private scratch directory per test (temp_dir.h).
#include "support/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "gtest/gtest.h"

namespace roughtime::testing {

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
      "/roughtime-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << pattern << ": " << std::strerror(errno);
    return;
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  // Without exceptions: a file a test made read-only must not abort the
  // program in a destructor.
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace roughtime::testing
