#include "junk_frames.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace roughtime::xdp_testing {
namespace {

// The MAC address of `device` in namespace `ns`, from `ip -o link show`.
Bytes MacOf(const std::string& ns, const std::string& device) {
  const CommandResult r = RunCommand({"ip", "-n", ns, "-o", "link", "show", device});
  Bytes mac(6, 0);
  const size_t at = r.out.find("link/ether ");
  if (at == std::string::npos) return mac;
  unsigned b[6] = {};
  if (std::sscanf(r.out.c_str() + at + 11, "%x:%x:%x:%x:%x:%x", &b[0], &b[1],
                  &b[2], &b[3], &b[4], &b[5]) == 6) {
    for (int i = 0; i < 6; ++i) mac[i] = static_cast<uint8_t>(b[i]);
  }
  return mac;
}

void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

}  // namespace

Bytes BadLengthFrame(const NetnsPair& pair, const std::string& source,
                     const std::string& destination, uint16_t port) {
  constexpr size_t kCarried = 1040, kClaimed = 1100;
  Bytes frame(14 + 20 + 8 + kCarried, 0);
  const Bytes to = MacOf(pair.server_ns(), pair.server_dev());
  const Bytes from = MacOf(pair.bench_ns(), pair.bench_dev());
  std::memcpy(frame.data(), to.data(), 6);
  std::memcpy(frame.data() + 6, from.data(), 6);
  Put16(frame.data() + 12, ETH_P_IP);
  uint8_t* ip = frame.data() + 14;
  ip[0] = 0x45;
  Put16(ip + 2, static_cast<uint16_t>(20 + 8 + kCarried));  // the truth
  ip[8] = 64;
  ip[9] = IPPROTO_UDP;
  inet_pton(AF_INET, source.c_str(), ip + 12);
  inet_pton(AF_INET, destination.c_str(), ip + 16);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  Put16(ip + 10, static_cast<uint16_t>(~sum));
  uint8_t* udp = ip + 20;
  Put16(udp, 40001);
  Put16(udp + 2, port);
  Put16(udp + 4, static_cast<uint16_t>(8 + kClaimed));  // the lie
  std::memcpy(udp + 8, "ROUGHTIM", 8);
  return frame;
}

absl::StatusOr<int> SendFrame(const NetnsPair& pair, const std::string& device,
                              const Bytes& frame) {
  int sent = -1, error = 0;
  pair.RunInBench([&] {
    const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = errno;
      return;
    }
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = static_cast<int>(if_nametoindex(device.c_str()));
    to.sll_halen = 6;
    std::memcpy(to.sll_addr, frame.data(), 6);
    sent = static_cast<int>(sendto(fd, frame.data(), frame.size(), 0,
                                   reinterpret_cast<sockaddr*>(&to),
                                   sizeof(to)));
    if (sent < 0) error = errno;
    close(fd);
  });
  if (sent < 0) {
    return absl::UnavailableError(
        absl::StrCat("packet socket: ", std::strerror(error)));
  }
  return sent;
}

}  // namespace roughtime::xdp_testing
