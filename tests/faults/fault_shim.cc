// An LD_PRELOAD library for the fault tests: it wraps the datagram system
// calls of the real roughtimed (sendmmsg, sendmsg, sendto, recvmmsg,
// recvmsg) and, while a control file says so, makes some of them fail with
// a chosen errno instead of reaching the kernel. Everything else passes
// through to the next definition (libc, or a sanitizer's interceptor).
//
// $ROUGHTIME_FAULT_CONTROL names the control file. It is read on every
// wrapped call on a datagram socket (tests send a few hundred packets, so
// the cost does not matter), which lets a test open and close a fault
// window while the server runs. Each line is
//
//   send|recv ERRNO EVERY
//
// e.g. "send ENOBUFS 1" (every send call fails) or "recv ENOMEM 3" (one
// receive call in three fails). A missing or empty file means no faults.
// Stream sockets (the TCP listener's connections) are never touched.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace {

struct Rule {
  int error = 0;    // 0: no fault
  long every = 0;   // fail one call in `every`
};

struct Rules {
  Rule send;
  Rule recv;
};

int ErrnoByName(const char* name) {
  if (std::strcmp(name, "EAGAIN") == 0) return EAGAIN;
  if (std::strcmp(name, "ENOBUFS") == 0) return ENOBUFS;
  if (std::strcmp(name, "ECONNREFUSED") == 0) return ECONNREFUSED;
  if (std::strcmp(name, "ENOMEM") == 0) return ENOMEM;
  if (std::strcmp(name, "EPERM") == 0) return EPERM;
  if (std::strcmp(name, "EHOSTUNREACH") == 0) return EHOSTUNREACH;
  return 0;
}

// Parses the control file with plain system calls only (no allocation, no
// stdio), so the wrapper is safe wherever the server calls it.
Rules ReadRules() {
  Rules rules;
  const char* path = std::getenv("ROUGHTIME_FAULT_CONTROL");
  if (path == nullptr) return rules;
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return rules;
  char text[256];
  const ssize_t n = read(fd, text, sizeof(text) - 1);
  close(fd);
  if (n <= 0) return rules;
  text[n] = '\0';
  char* save = nullptr;
  for (char* line = strtok_r(text, "\n", &save); line != nullptr;
       line = strtok_r(nullptr, "\n", &save)) {
    char* fields_save = nullptr;
    const char* which = strtok_r(line, " ", &fields_save);
    const char* name = strtok_r(nullptr, " ", &fields_save);
    const char* every = strtok_r(nullptr, " ", &fields_save);
    if (which == nullptr || name == nullptr || every == nullptr) continue;
    Rule rule{ErrnoByName(name), std::strtol(every, nullptr, 10)};
    if (rule.error == 0 || rule.every < 1) continue;
    if (std::strcmp(which, "send") == 0) rules.send = rule;
    if (std::strcmp(which, "recv") == 0) rules.recv = rule;
  }
  return rules;
}

bool IsDatagramSocket(int fd) {
  int type = 0;
  socklen_t size = sizeof(type);
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) == 0 &&
         type == SOCK_DGRAM;
}

std::atomic<long> send_calls{0};
std::atomic<long> recv_calls{0};

// The errno to fail this call with, or 0 to let it through.
int Inject(int fd, bool sending) {
  if (!IsDatagramSocket(fd)) return 0;
  const Rules rules = ReadRules();
  const Rule& rule = sending ? rules.send : rules.recv;
  if (rule.error == 0) return 0;
  std::atomic<long>& calls = sending ? send_calls : recv_calls;
  const long n = calls.fetch_add(1, std::memory_order_relaxed);
  return n % rule.every == 0 ? rule.error : 0;
}

template <typename F>
F Next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int sendmmsg(int fd, mmsghdr* msgs, unsigned int n, int flags) {
  static const auto real =
      Next<int (*)(int, mmsghdr*, unsigned int, int)>("sendmmsg");
  if (const int e = Inject(fd, true)) {
    errno = e;
    return -1;
  }
  return real(fd, msgs, n, flags);
}

ssize_t sendmsg(int fd, const msghdr* msg, int flags) {
  static const auto real =
      Next<ssize_t (*)(int, const msghdr*, int)>("sendmsg");
  if (const int e = Inject(fd, true)) {
    errno = e;
    return -1;
  }
  return real(fd, msg, flags);
}

ssize_t sendto(int fd, const void* buf, size_t len, int flags,
               const sockaddr* to, socklen_t to_len) {
  static const auto real =
      Next<ssize_t (*)(int, const void*, size_t, int, const sockaddr*,
                       socklen_t)>("sendto");
  if (const int e = Inject(fd, true)) {
    errno = e;
    return -1;
  }
  return real(fd, buf, len, flags, to, to_len);
}

int recvmmsg(int fd, mmsghdr* msgs, unsigned int n, int flags,
             struct timespec* timeout) {
  static const auto real =
      Next<int (*)(int, mmsghdr*, unsigned int, int, struct timespec*)>(
          "recvmmsg");
  if (const int e = Inject(fd, false)) {
    errno = e;
    return -1;
  }
  return real(fd, msgs, n, flags, timeout);
}

ssize_t recvmsg(int fd, msghdr* msg, int flags) {
  static const auto real = Next<ssize_t (*)(int, msghdr*, int)>("recvmsg");
  if (const int e = Inject(fd, false)) {
    errno = e;
    return -1;
  }
  return real(fd, msg, flags);
}

}  // extern "C"
