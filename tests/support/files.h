// Test support: writing and reading the files a test sets up or checks,
// with exact modes (0600 unless a test asks for another) whatever the umask.
// Failures are failures of the calling test that name the path.
#ifndef ROUGHTIME_TESTS_SUPPORT_FILES_H_
#define ROUGHTIME_TESTS_SUPPORT_FILES_H_

#include <string>
#include <vector>

#include "roughtime/crypto.h"

namespace roughtime::testing {

// Replaces `path` with a new file holding `contents` with exactly `mode`;
// false (after recording a failure) when it cannot.
bool WriteFile(const std::string& path, const std::string& contents,
               int mode = 0600);
// `seed` as 64 hex digits and a newline: the root key file roughtimed and
// roughtime-keygen read.
bool WriteSeedHexFile(const std::string& path, const Seed& seed,
                      int mode = 0600);
// The whole file; "" (after recording a failure) when it cannot be read.
std::string ReadFile(const std::string& path);
// st_mode & 07777 of `path` itself (links not followed), or -1 when absent.
int FileMode(const std::string& path);
// Sorted names in `dir`, hidden ones included, "." and ".." not.
std::vector<std::string> ListDir(const std::string& dir);

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_SUPPORT_FILES_H_
