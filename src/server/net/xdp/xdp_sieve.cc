#include "server/net/xdp/xdp_sieve.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/base/log.h"
#include "server/net/xdp/request_sieve.skel.h"

namespace roughtime::server::xdp {
namespace {

// libbpf's warnings (a verifier log, a missing kernel feature) go to our
// log with a prefix; its debug and info chatter does not.
int PrintLibbpf(enum libbpf_print_level level, const char* format,
                va_list args) {
  if (level != LIBBPF_WARN) return 0;
  char text[1024];
  std::vsnprintf(text, sizeof(text), format, args);
  Log(absl::StrCat("xdp: libbpf: ",
                   absl::StripTrailingAsciiWhitespace(text)));
  return 0;
}

std::string Describe(int error) {
  std::string why = std::strerror(error);
  if (error == EPERM || error == EACCES) {
    absl::StrAppend(&why, " (needs root, or CAP_BPF, CAP_NET_ADMIN and "
                          "CAP_NET_RAW)");
  } else if (error == EBUSY || error == EEXIST) {
    absl::StrAppend(&why, " (another XDP program is attached; xdp-loader "
                          "status shows it)");
  }
  return why;
}

int AttachLink(int program_fd, int ifindex, uint32_t flags) {
  LIBBPF_OPTS(bpf_link_create_opts, options, .flags = flags);
  const int fd = bpf_link_create(program_fd, ifindex, BPF_XDP, &options);
  return fd < 0 ? -errno : fd;
}

}  // namespace

absl::StatusOr<std::unique_ptr<XdpSieve>> XdpSieve::Attach(
    const std::string& interface, const std::vector<uint16_t>& ports,
    AttachMode mode) {
  libbpf_set_print(PrintLibbpf);
  std::unique_ptr<XdpSieve> sieve(new XdpSieve());
  sieve->interface_ = interface;
  sieve->ifindex_ = static_cast<int>(if_nametoindex(interface.c_str()));
  if (sieve->ifindex_ == 0) {
    return absl::NotFoundError(
        absl::StrCat("no interface ", interface, ": ", std::strerror(errno)));
  }
  sieve->skeleton_ = roughtime_xdp__open_and_load();
  if (sieve->skeleton_ == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cannot load the XDP program: ", Describe(errno)));
  }
  const uint8_t yes = 1;
  for (uint16_t port : ports) {
    const uint16_t key = htons(port);
    if (bpf_map__update_elem(sieve->skeleton_->maps.served_ports, &key,
                             sizeof(key), &yes, sizeof(yes), BPF_ANY) != 0) {
      return absl::UnavailableError(absl::StrCat(
          "cannot configure the XDP program: ", Describe(errno)));
    }
  }
  const int program =
      bpf_program__fd(sieve->skeleton_->progs.roughtime_request_sieve);
  int link = -EOPNOTSUPP;
  if (mode != AttachMode::kGeneric) {
    link = AttachLink(program, sieve->ifindex_, XDP_FLAGS_DRV_MODE);
    sieve->native_ = link >= 0;
    if (link < 0) {
      sieve->native_error_ = Describe(-link);
      if (mode == AttachMode::kNative) {
        return absl::UnavailableError(absl::StrCat(
            "cannot attach the XDP program to ", interface,
            " in native mode: ", sieve->native_error_));
      }
    }
  }
  // Generic mode works on any driver.
  if (link < 0) link = AttachLink(program, sieve->ifindex_, XDP_FLAGS_SKB_MODE);
  if (link < 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot attach the XDP program to ", interface, ": ",
        Describe(-link)));
  }
  sieve->link_fd_ = link;
  return sieve;
}

XdpSieve::~XdpSieve() {
  // Closing the link's only descriptor detaches the program.
  if (link_fd_ >= 0) close(link_fd_);
  if (skeleton_ != nullptr) roughtime_xdp__destroy(skeleton_);
}

absl::Status XdpSieve::AddSocket(uint32_t queue, int fd) {
  if (queue >= SIEVE_MAX_QUEUES) {
    return absl::OutOfRangeError(absl::StrCat(
        interface_, " queue ", queue, " is past the program's ",
        SIEVE_MAX_QUEUES, " queues"));
  }
  if (bpf_map__update_elem(skeleton_->maps.xsks, &queue, sizeof(queue), &fd,
                           sizeof(fd), BPF_ANY) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot register the AF_XDP socket of ", interface_, " queue ",
        queue, ": ", Describe(errno)));
  }
  return absl::OkStatus();
}

SieveCounters XdpSieve::Counters() const {
  SieveCounters total{};
  const int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return total;
  std::vector<uint64_t> values(static_cast<size_t>(cpus));
  for (uint32_t key = 0; key < SIEVE_COUNTER_COUNT; ++key) {
    if (bpf_map__lookup_elem(skeleton_->maps.counters, &key, sizeof(key),
                             values.data(), values.size() * sizeof(uint64_t),
                             0) != 0) {
      continue;
    }
    for (uint64_t v : values) total[key] += v;
  }
  return total;
}

uint32_t ReceiveQueueCount(const std::string& interface) {
  ethtool_channels channels{};
  channels.cmd = ETHTOOL_GCHANNELS;
  ifreq request{};
  std::snprintf(request.ifr_name, sizeof(request.ifr_name), "%s",
                interface.c_str());
  request.ifr_data = reinterpret_cast<char*>(&channels);
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  uint32_t queues = 1;
  if (fd >= 0) {
    if (ioctl(fd, SIOCETHTOOL, &request) == 0) {
      queues = std::max({1u, channels.rx_count, channels.combined_count});
    }
    close(fd);
  }
  return queues;
}

}  // namespace roughtime::server::xdp
