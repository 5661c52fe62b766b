// Low-level helpers for files that hold private key material: reading them
// only when nobody but the owner can get at them, and wiping the bytes that
// passed through memory. Used by keyfile.cc and the key tool; not part of
// the public API (include/roughtime/keyfile.h).
#ifndef ROUGHTIME_KEYS_PRIVATE_FILE_H_
#define ROUGHTIME_KEYS_PRIVATE_FILE_H_

#include <sodium.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace roughtime::keys {

// Largest private file we read. Key files are under 100 bytes and
// delegation files under 2 KiB; anything bigger is not ours.
inline constexpr size_t kMaxPrivateFileSize = 64 * 1024;

// Debian's abseil is built with its own absl::string_view (not an alias of
// std::string_view), so std::string_view values are converted explicitly
// before they meet StrCat and friends.
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view StdView(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

// Overwrites a buffer's bytes when it goes out of scope, so a seed does not
// linger in freed heap memory. Works for std::string, std::vector and
// std::array (anything with data() and size()).
template <typename Buffer>
class ScopedWipe {
 public:
  explicit ScopedWipe(Buffer* buffer) : buffer_(buffer) {}
  ScopedWipe(const ScopedWipe&) = delete;
  ScopedWipe& operator=(const ScopedWipe&) = delete;
  ~ScopedWipe() {
    sodium_memzero(buffer_->data(), buffer_->size() * sizeof(*buffer_->data()));
  }

 private:
  Buffer* buffer_;
};

// Reads the whole of `path` into `contents`, refusing anything that is not
// a regular file owned-access-only: a symbolic link (it could point the
// server at a file another user controls), or a file with any group/other
// permission bit (the message names the mode and the `chmod 600` fix).
// One exception: a root-owned read-only file (0440 or 0400) directly in
// $CREDENTIALS_DIRECTORY, which is how systemd >= 254 passes LoadCredential=
// files to a service.
// `what` names the file in messages ("key file", "delegation file").
// The caller wipes `contents`.
absl::Status ReadPrivateFile(const std::string& path, absl::string_view what,
                             std::string* contents);

// "0644" for st_mode & 07777.
std::string FormatMode(unsigned mode);

}  // namespace roughtime::keys

#endif  // ROUGHTIME_KEYS_PRIVATE_FILE_H_
