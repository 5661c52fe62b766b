// Key and delegation files (include/roughtime/keyfile.h, docs/KEYS.md).
// The root key signs delegations (RFC 10049 §5.2.5) and must never leak, so
// every private file is written atomically with mode 0600 and refused on
// reading when others could have read or replaced it.
#include "roughtime/keyfile.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "keys/delegation_format.h"
#include "keys/protected_file.h"
#include "keys/seed_text.h"

namespace roughtime {
namespace {

using keys::ScopedWipe;

// Removes the temporary file unless it was renamed into place, so a failure
// at any step leaves the directory as it was.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (fd_ >= 0) close(fd_);
    if (!path_.empty()) unlink(path_.c_str());
  }
  void set_fd(int fd) { fd_ = fd; }
  // Closes the descriptor, reporting errors (a failed close can mean the
  // data never reached the disk).
  int Close() {
    const int rc = close(fd_);
    fd_ = -1;
    return rc;
  }
  void Release() { path_.clear(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

absl::Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, "write");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// The rename is durable only once the directory entry is on disk.
absl::Status SyncDirectory(const std::string& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open directory ",
                                                   dir, " to sync it"));
  }
  const int rc = fsync(fd);
  const int error = errno;
  close(fd);
  // Some file systems cannot sync a directory; that is not our failure.
  if (rc != 0 && error != EINVAL) {
    return absl::ErrnoToStatus(error, absl::StrCat("cannot sync directory ",
                                                   dir));
  }
  return absl::OkStatus();
}

// Moves `tmp` to `path` without ever replacing an existing file:
// renameat2(RENAME_NOREPLACE), or link()+unlink() where the file system
// does not support it. Both fail with EEXIST atomically. Sets `renamed`
// when the temporary name is gone (after link() it still has to be removed).
int MoveNoReplace(const std::string& tmp, const std::string& path,
                  bool* renamed) {
  *renamed = false;
  if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(),
                RENAME_NOREPLACE) == 0) {
    *renamed = true;
    return 0;
  }
  if (errno != EINVAL && errno != ENOSYS) return -1;
  return link(tmp.c_str(), path.c_str());
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view contents, int mode,
                                 bool overwrite) {
  if (path.empty()) return absl::InvalidArgumentError("empty output path");
  if ((mode & ~0777) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid file mode ", keys::FormatMode(mode)));
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const std::string base =
      slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty() || base == "." || base == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("output path ", path, " names a directory, not a file"));
  }
  struct stat st;
  if (!overwrite && lstat(path.c_str(), &st) == 0) {
    return absl::AlreadyExistsError(
        absl::StrCat(path, " already exists; not overwriting it"));
  }

  // The temporary file lives in the same directory so that rename() is
  // atomic; O_EXCL makes sure we never write through someone else's file.
  int fd = -1;
  std::string tmp;
  for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
    uint8_t random[8];
    RandomBytes(MutableByteSpan(random, sizeof(random)));
    tmp = absl::StrCat(dir, "/.", base, ".tmp-", HexEncode(random));
    fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              mode);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("cannot create ", path, " in directory ", dir));
  }
  TempFileGuard guard(tmp);
  guard.set_fd(fd);
  const auto fail = [&](absl::string_view step) {
    return absl::ErrnoToStatus(errno,
                               absl::StrCat("cannot write ", path, ": ", step));
  };
  // The umask must not widen or narrow what was asked for.
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) return fail("chmod");
  if (absl::Status s = WriteAll(fd, contents); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("cannot write ", path, ": ",
                                               s.message()));
  }
  if (fsync(fd) != 0) return fail("fsync");
  if (guard.Close() != 0) return fail("close");

  if (overwrite) {
    if (rename(tmp.c_str(), path.c_str()) != 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot replace ", path));
    }
    guard.Release();
  } else {
    bool renamed = false;
    if (MoveNoReplace(tmp, path, &renamed) != 0) {
      if (errno == EEXIST) {
        return absl::AlreadyExistsError(
            absl::StrCat(path, " already exists; not overwriting it"));
      }
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot create ", path));
    }
    if (renamed) guard.Release();  // else the guard unlinks the extra name
  }
  return SyncDirectory(dir);
}

absl::StatusOr<Seed> ReadSeedFile(const std::string& path) {
  std::string contents;
  ScopedWipe<std::string> wipe(&contents);
  if (absl::Status s = keys::ReadPrivateFile(path, "key file", &contents);
      !s.ok()) {
    return s;
  }
  return keys::ParseSeedContents(contents, path);
}

absl::Status WriteSeedFile(const std::string& path, const Seed& seed,
                           bool overwrite) {
  std::string text = HexEncode(seed);
  text.push_back('\n');
  ScopedWipe<std::string> wipe(&text);
  return WriteFileAtomically(path, text, 0600, overwrite);
}

absl::StatusOr<OnlineIdentity> ReadDelegationFile(const std::string& path) {
  std::string text;
  ScopedWipe<std::string> wipe(&text);
  if (absl::Status s = keys::ReadPrivateFile(path, "delegation file", &text);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<keys::DelegationContents> contents =
      keys::ParseDelegationText(text, path);
  if (!contents.ok()) return contents.status();
  if (absl::Status s = keys::VerifyDelegation(*contents); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("delegation file ", path, ": ",
                                               s.message()));
  }
  OnlineIdentity identity{SigningKey::FromSeed(contents->online_seed),
                          contents->root_public_key, contents->window, {}};
  for (size_t i = 0; i < kNumCertFamilies; ++i) {
    if (contents->certs[i]) identity.certs[i] = *contents->certs[i];
  }
  return identity;
}

absl::Status WriteDelegationFile(const std::string& path,
                                 const OnlineIdentity& identity,
                                 bool overwrite) {
  keys::DelegationContents contents;
  contents.online_seed = identity.online_key.seed();
  contents.online_public_key = identity.online_key.public_key();
  contents.root_public_key = identity.root_public_key;
  contents.window = identity.window;
  for (size_t i = 0; i < kNumCertFamilies; ++i) {
    if (!identity.certs[i].empty()) contents.certs[i] = identity.certs[i];
  }
  // Never write a file the server would refuse to load.
  if (absl::Status s = keys::VerifyDelegation(contents); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("not writing delegation ", path,
                                               ": ", s.message()));
  }
  std::string text = keys::EncodeDelegationText(contents);
  ScopedWipe<std::string> wipe(&text);
  return WriteFileAtomically(path, text, 0600, overwrite);
}

}  // namespace roughtime
