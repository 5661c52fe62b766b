// Test support: writing and reading test files with exact modes (files.h).
#include "support/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "roughtime/bytes.h"

namespace roughtime::testing {

bool WriteFile(const std::string& path, const std::string& contents,
               int mode) {
  // A new inode every time, so the mode below is the only one it ever had.
  unlink(path.c_str());
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                      0600);
  if (fd < 0) {
    ADD_FAILURE() << "cannot create " << path << ": " << std::strerror(errno);
    return false;
  }
  bool ok = true;
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      ADD_FAILURE() << "cannot write " << path << ": " << std::strerror(errno);
      ok = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  // fchmod, not the open mode: the umask must not take bits a test asked for.
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    ADD_FAILURE() << "cannot chmod " << path << ": " << std::strerror(errno);
    ok = false;
  }
  close(fd);
  return ok;
}

bool WriteSeedHexFile(const std::string& path, const Seed& seed, int mode) {
  return WriteFile(path, HexEncode(seed) + "\n", mode);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path << ": " << std::strerror(errno);
    return "";
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int FileMode(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace roughtime::testing
