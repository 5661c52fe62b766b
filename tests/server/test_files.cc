#include "test_files.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "roughtime/bytes.h"

namespace roughtime::server::testing {
namespace {

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  return remove(path);
}

}  // namespace

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
      "/roughtimed-test-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

TempDir::~TempDir() {
  if (!path_.empty()) {
    nftw(path_.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
  }
}

bool WriteSeedHexFile(const std::string& path, const Seed& seed, int mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                      mode);
  if (fd < 0) return false;
  const std::string text = HexEncode(seed) + "\n";
  const bool ok = write(fd, text.data(), text.size()) ==
                  static_cast<ssize_t>(text.size());
  // The umask may have removed bits the test asked for.
  fchmod(fd, static_cast<mode_t>(mode));
  close(fd);
  return ok;
}

int FileMode(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

}  // namespace roughtime::server::testing
