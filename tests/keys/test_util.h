// Helpers for the key tests: scratch directories, files with exact modes,
// and running the real roughtime-keygen / roughtimed binaries as processes.
#ifndef ROUGHTIME_TESTS_KEYS_TEST_UTIL_H_
#define ROUGHTIME_TESTS_KEYS_TEST_UTIL_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace roughtime::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Sorted names in `dir` (hidden ones included, "." and ".." excluded).
std::vector<std::string> ListDir(const std::string& dir);
// Writes `contents` to `path` with exactly `mode` (test set-up only).
void WriteFileWithMode(const std::string& path, const std::string& contents,
                       int mode);
std::string ReadWholeFile(const std::string& path);
// st_mode & 07777, or -1 when the file does not exist.
int FileMode(const std::string& path);

struct ProcessResult {
  int exit_code = -1;      // -1 when killed by a signal or timed out
  bool timed_out = false;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string cwd;                       // empty: the test's own cwd
  std::optional<long> file_size_limit;   // RLIMIT_FSIZE in bytes
  int timeout_ms = 20000;
};

// Runs argv[0] with the arguments, capturing stdout and stderr.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const ProcessOptions& options = {});

// The path in an environment variable set by meson; fails the test (via
// ADD_FAILURE in the caller) when empty.
std::string EnvOrEmpty(const char* name);

// Lines of `text` (without the newlines).
std::vector<std::string> SplitLines(const std::string& text);

// Runs the roughtime-keygen binary named by $ROUGHTIME_KEYGEN.
ProcessResult RunKeygen(const std::vector<std::string>& args,
                        const ProcessOptions& options = {});

// The value after "LABEL: " on the line of `out` that starts with it, or ""
// ("public key (base64)" -> the base64 text).
std::string ValueAfter(const std::string& out, const std::string& label);

// Asserts the CLI error contract: exit status `code`, stderr exactly one
// line "roughtime-keygen: error: ..." containing `fragment`.
void ExpectOneLineError(const ProcessResult& r, int code,
                        const std::string& fragment);

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_KEYS_TEST_UTIL_H_
