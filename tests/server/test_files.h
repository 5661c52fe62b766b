// Temporary directories and key files for the server tests.
#ifndef ROUGHTIME_TESTS_SERVER_TEST_FILES_H_
#define ROUGHTIME_TESTS_SERVER_TEST_FILES_H_

#include <string>

#include "roughtime/crypto.h"

namespace roughtime::server::testing {

// A fresh directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `seed` as 64 hex digits to `path` with `mode` (the server's
// ReadSeedFile accepts this format); returns false on failure.
bool WriteSeedHexFile(const std::string& path, const Seed& seed, int mode);

// Mode bits (st_mode & 07777) of `path`, or -1.
int FileMode(const std::string& path);

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_TEST_FILES_H_
