#include "server/net/bpf_filter.h"

#include <errno.h>
#include <sys/socket.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace roughtime::server {

#ifdef __linux__
namespace {

// The UDP header the socket filter sees in front of the payload.
constexpr uint32_t kUdpHeader = 8;
// "ROUGHTIM" (RFC 10049 §5) as classic BPF loads it: 32-bit loads are
// big-endian (network order), so the bytes read in wire order.
constexpr uint32_t kMagicHigh = 0x524f5547;  // "ROUG"
constexpr uint32_t kMagicLow = 0x4854494d;   // "HTIM"

constexpr sock_filter Stmt(uint16_t code, uint32_t k) {
  return sock_filter{code, 0, 0, k};
}
constexpr sock_filter Jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
  return sock_filter{code, jt, jf, k};
}

}  // namespace

std::vector<sock_filter> RequestFilterProgram(const RequestFilterRules& r) {
  // Jump offsets count instructions skipped after the jump itself. The two
  // exits are the last two instructions: index 12 accepts, 13 drops.
  // A Google message's tag count N is little-endian at payload offset 0, so
  // the big-endian load sees N << 24 when bytes 1..3 are zero.
  const uint32_t min_tags = 1u << 24;
  const uint32_t max_tags = r.max_google_tags << 24;
  return {
      // 0: A = datagram length, UDP header included.
      Stmt(BPF_LD | BPF_W | BPF_LEN, 0),
      // 1: under the minimum request size (amplification rule): drop.
      Jump(BPF_JMP | BPF_JGE | BPF_K, kUdpHeader + r.min_datagram, 0, 11),
      // 2: over the largest request the server takes: drop.
      Jump(BPF_JMP | BPF_JGT | BPF_K, kUdpHeader + r.max_datagram, 10, 0),
      // 3: A = payload bytes 0..3, big-endian.
      Stmt(BPF_LD | BPF_W | BPF_ABS, kUdpHeader),
      // 4: "ROUG"? go on to the second half of the magic, else try Google.
      Jump(BPF_JMP | BPF_JEQ | BPF_K, kMagicHigh, 0, 2),
      // 5: A = payload bytes 4..7.
      Stmt(BPF_LD | BPF_W | BPF_ABS, kUdpHeader + 4),
      // 6: "HTIM": a framed (IETF) request: accept; else drop.
      Jump(BPF_JMP | BPF_JEQ | BPF_K, kMagicLow, 5, 6),
      // 7: Google shape: tag count bytes 1..3 must be zero.
      Jump(BPF_JMP | BPF_JSET | BPF_K, 0x00ffffff, 5, 0),
      // 8: at least one tag.
      Jump(BPF_JMP | BPF_JGE | BPF_K, min_tags, 0, 4),
      // 9: at most max_google_tags tags.
      Jump(BPF_JMP | BPF_JGT | BPF_K, max_tags, 3, 0),
      // 10: A = datagram length again.
      Stmt(BPF_LD | BPF_W | BPF_LEN, 0),
      // 11: a message is a whole number of 4-byte words: else drop.
      Jump(BPF_JMP | BPF_JSET | BPF_K, 3, 1, 0),
      // 12: accept: keep the whole datagram.
      Stmt(BPF_RET | BPF_K, 0xffffffff),
      // 13: drop in the kernel.
      Stmt(BPF_RET | BPF_K, 0),
  };
}

absl::Status AttachRequestFilter(int fd, const RequestFilterRules& rules) {
  std::vector<sock_filter> program = RequestFilterProgram(rules);
  sock_fprog fprog{};
  fprog.len = static_cast<unsigned short>(program.size());
  fprog.filter = program.data();
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) !=
      0) {
    return absl::UnavailableError(absl::StrCat(
        "SO_ATTACH_FILTER: ", std::strerror(errno),
        " (--no-kernel-filter runs without the kernel filter)"));
  }
  return absl::OkStatus();
}

#else  // !__linux__

absl::Status AttachRequestFilter(int, const RequestFilterRules&) {
  return absl::UnimplementedError("no classic BPF socket filters here");
}

#endif

}  // namespace roughtime::server
