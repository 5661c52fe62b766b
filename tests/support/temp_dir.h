// Test support: a scratch directory for one test, private to its user
// (mkdtemp makes it 0700) and removed with everything in it afterwards.
#ifndef ROUGHTIME_TESTS_SUPPORT_TEMP_DIR_H_
#define ROUGHTIME_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace roughtime::testing {

// A fresh directory under $TMPDIR (or /tmp); a failure of the calling test
// when it cannot be made (path() is then empty).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory.
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_SUPPORT_TEMP_DIR_H_
