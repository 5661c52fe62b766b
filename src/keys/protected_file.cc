#include "keys/protected_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace roughtime::keys {
namespace {

absl::Status ErrnoError(int error, absl::string_view what,
                        const std::string& path) {
  return absl::ErrnoToStatus(error,
                             absl::StrCat("cannot read ", what, " ", path));
}

// Whether `path` is a file directly inside $CREDENTIALS_DIRECTORY, the
// private directory systemd gives a service for LoadCredential= files.
bool InCredentialsDirectory(const std::string& path) {
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || *dir == '\0') return false;
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return false;
  char* parent = realpath(path.substr(0, slash).c_str(), nullptr);
  char* credentials = realpath(dir, nullptr);
  const bool same = parent != nullptr && credentials != nullptr &&
                    std::strcmp(parent, credentials) == 0;
  std::free(parent);
  std::free(credentials);
  return same;
}

// systemd 254 and later deliver credentials as root-owned, read-only 0440
// files and grant the service user read access by an ACL on that private
// directory; nobody can replace them. That one shape is accepted there.
bool IsSystemdCredential(const struct stat& st, const std::string& path) {
  return st.st_uid == 0 && (st.st_mode & 0337) == 0 &&
         InCredentialsDirectory(path);
}

// Any permission for group or others is refused (not only read): a
// group-writable key file can be replaced by someone else's key.
absl::Status CheckOwnerOnly(const struct stat& st, absl::string_view what,
                            const std::string& path) {
  if (S_ISLNK(st.st_mode)) {
    return absl::PermissionDeniedError(
        absl::StrCat("refusing ", what, " ", path,
                     ": it is a symbolic link; give the path of the file "
                     "itself"));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing ", what, " ", path, ": not a regular file"));
  }
  if ((st.st_mode & 077) != 0 && !IsSystemdCredential(st, path)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "refusing ", what, " ", path, ": mode ", FormatMode(st.st_mode),
        " gives group/others access to a private key; fix it with "
        "`chmod 600 ",
        path, "`"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string FormatMode(unsigned mode) {
  return absl::StrFormat("%04o", mode & 07777);
}

absl::Status ReadPrivateFile(const std::string& path, absl::string_view what,
                             std::string* contents) {
  contents->clear();
  struct stat before;
  if (lstat(path.c_str(), &before) != 0) return ErrnoError(errno, what, path);
  if (absl::Status s = CheckOwnerOnly(before, what, path); !s.ok()) return s;

  // O_NOFOLLOW and the inode comparison close the window between lstat and
  // open in which the file could be swapped for a symlink or another file.
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, what, path);
  struct stat after;
  if (fstat(fd, &after) != 0) {
    const int error = errno;
    close(fd);
    return ErrnoError(error, what, path);
  }
  if (after.st_dev != before.st_dev || after.st_ino != before.st_ino) {
    close(fd);
    return absl::AbortedError(absl::StrCat(
        what, " ", path, " was replaced while being opened; try again"));
  }
  if (absl::Status s = CheckOwnerOnly(after, what, path); !s.ok()) {
    close(fd);
    return s;
  }
  if (static_cast<size_t>(after.st_size) > kMaxPrivateFileSize) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, " is too large (", after.st_size,
                     " bytes) to be a key or delegation file"));
  }

  // Read into a buffer sized once, so no reallocation leaves a copy of the
  // key behind in freed memory.
  contents->resize(kMaxPrivateFileSize + 1);
  size_t total = 0;
  while (total < contents->size()) {
    const ssize_t n = read(fd, contents->data() + total,
                           contents->size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      sodium_memzero(contents->data(), contents->size());
      contents->clear();
      return ErrnoError(error, what, path);
    }
    if (n == 0) break;
    total += static_cast<size_t>(n);
  }
  close(fd);
  if (total > kMaxPrivateFileSize) {
    sodium_memzero(contents->data(), contents->size());
    contents->clear();
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", path, " is too large to be a key or delegation file"));
  }
  sodium_memzero(contents->data() + total, contents->size() - total);
  contents->resize(total);  // shrinking keeps the same allocation
  return absl::OkStatus();
}

}  // namespace roughtime::keys
