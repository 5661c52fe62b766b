// roughtime-xdp-flood: a junk flood for tools/xdp-lab.sh that a single
// generator CPU can make fast enough to saturate a server CPU, which
// datagrams sent through UDP sockets (roughtime-bench --junk-size) cannot:
// the kernel repeats one prepared frame through an XDP_TX program
// (flood_tx.bpf.c) out of a veth into its peer. Like roughtime-bench it
// only targets the lab: a documentation address (192.0.2.0/24,
// 2001:db8::/32) reached from inside a named network namespace of its own
// (loopback_address.h), out of an interface that carries a documentation
// address. Bounded by --duration and --count; prints one JSON line.
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "loopback_address.h"
#include "server/net/xdp/frame_codec.h"
#include "flood_tx.skel.h"

namespace {

constexpr char kUsage[] =
    "usage: roughtime-xdp-flood --interface DEV --dst-mac MAC --server "
    "ADDR:PORT\n"
    "         [--kind short|foreign] [--duration S] [--count N]\n"
    "  short: 100-byte datagrams starting \"ROUGHTIM\" (undersized);\n"
    "  foreign: 1024-byte datagrams that are not Roughtime.\n"
    "Needs root (BPF). Only lab targets (see roughtime-bench --help).\n";

int Fail(const std::string& why) {
  std::fprintf(stderr, "roughtime-xdp-flood: %s\n", why.c_str());
  return 2;
}

bool ParseMac(const std::string& text, uint8_t* mac) {
  unsigned b[6];
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2],
                  &b[3], &b[4], &b[5]) != 6) {
    return false;
  }
  for (int i = 0; i < 6; ++i) mac[i] = static_cast<uint8_t>(b[i]);
  return true;
}

// The first address of `family` on `device` that is a lab address
// (documentation range) and its MAC; false when it has none.
bool LabSource(const std::string& device, int family, sockaddr_storage* out,
               uint8_t* mac) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || device != a->ifa_name) continue;
    if (a->ifa_addr->sa_family == AF_PACKET) {
      // sockaddr_ll: the hardware address follows its fixed fields.
      std::memcpy(mac, reinterpret_cast<const uint8_t*>(a->ifa_addr) + 12, 6);
    }
    if (a->ifa_addr->sa_family != family || found) continue;
    sockaddr_storage s{};
    std::memcpy(&s, a->ifa_addr,
                family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    const uint8_t* b =
        family == AF_INET
            ? reinterpret_cast<const uint8_t*>(
                  &reinterpret_cast<sockaddr_in*>(&s)->sin_addr)
            : reinterpret_cast<sockaddr_in6*>(&s)->sin6_addr.s6_addr;
    const bool documentation =
        family == AF_INET ? (b[0] == 192 && b[1] == 0 && b[2] == 2)
                          : (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d &&
                             b[3] == 0xb8);
    if (documentation) {
      *out = s;
      found = true;
    }
  }
  freeifaddrs(list);
  return found;
}

}  // namespace

int main(int argc, char** argv) {
  std::string device, mac_text, server, kind = "short";
  double duration = 5;
  uint64_t count = 100'000'000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= argc) return Fail(absl::StrCat(a, " needs a value\n", kUsage));
    const std::string v = argv[++i];
    if (a == "--interface") {
      device = v;
    } else if (a == "--dst-mac") {
      mac_text = v;
    } else if (a == "--server") {
      server = v;
    } else if (a == "--kind") {
      kind = v;
    } else if (a == "--duration") {
      if (!absl::SimpleAtod(v, &duration) || duration <= 0 || duration > 600) {
        return Fail("--duration must be 0..600 s");
      }
    } else if (a == "--count") {
      if (!absl::SimpleAtoi(v, &count) || count == 0) return Fail("bad --count");
    } else {
      return Fail(absl::StrCat("unknown option ", a, "\n", kUsage));
    }
  }
  if (device.empty() || mac_text.empty() || server.empty()) return Fail(kUsage);
  if (kind != "short" && kind != "foreign") return Fail("--kind short|foreign");

  // Only the lab: a documentation target from inside its own namespace.
  absl::StatusOr<roughtime::loadgen::LoopbackAddress> target =
      roughtime::loadgen::ParseLoopbackAddress(server, false);
  if (!target.ok()) return Fail(std::string(target.status().message()));
  if (!roughtime::loadgen::IsNamespaceLabAddress(target->storage)) {
    return Fail(absl::StrCat("refusing target ", server,
                             ": only lab addresses, from inside a lab "
                             "namespace"));
  }
  const int family = target->family();
  roughtime::server::RequestSlot slot;  // the frame to send, as a "reply"
  if (!LabSource(device, family, &slot.peer, slot.frame.local_mac)) {
    return Fail(absl::StrCat(device, " has no documentation address"));
  }
  if (!ParseMac(mac_text, slot.frame.peer_mac)) return Fail("bad --dst-mac");
  // WriteReplyFrame sends from `local` to `peer`: here from us to the
  // server, so "local" is our address and "peer" the target.
  const sockaddr_storage source = slot.peer;
  slot.peer = target->storage;
  slot.local.family = family;
  if (family == AF_INET) {
    slot.local.v4 = reinterpret_cast<const sockaddr_in*>(&source)->sin_addr;
  } else {
    slot.local.v6 = reinterpret_cast<const sockaddr_in6*>(&source)->sin6_addr;
  }
  slot.frame.local_port = 40000;
  std::vector<uint8_t> payload(kind == "short" ? 100 : 1024, 0);
  if (kind == "short") {
    std::memcpy(payload.data(), "ROUGHTIM", 8);
  } else {
    std::memset(payload.data(), 0xff, 8);  // neither framed nor Google
  }
  std::vector<uint8_t> frame(2048);
  frame.resize(roughtime::server::xdp::WriteReplyFrame(
      slot, roughtime::ByteSpan(payload.data(), payload.size()), frame.data()));

  const int ifindex = static_cast<int>(if_nametoindex(device.c_str()));
  if (ifindex == 0) return Fail(absl::StrCat("no interface ", device));
  flood_tx* skeleton = flood_tx__open_and_load();
  if (skeleton == nullptr) {
    return Fail(absl::StrCat("cannot load the XDP program: ",
                             std::strerror(errno), " (needs root)"));
  }
  const int program = bpf_program__fd(skeleton->progs.flood_tx);
  xdp_md context{};
  context.ingress_ifindex = static_cast<uint32_t>(ifindex);
  context.data_end = static_cast<uint32_t>(frame.size());  // the kernel checks
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(duration);
  uint64_t sent = 0;
  int error = 0;
  while (sent < count && absl::Now() < end) {
    // Small enough rounds that --duration holds to a few milliseconds.
    const int repeat = static_cast<int>(std::min<uint64_t>(count - sent, 20000));
    LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame.data(),
                .data_size_in = static_cast<uint32_t>(frame.size()),
                .ctx_in = &context, .ctx_size_in = sizeof(context),
                .repeat = repeat, .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
                .batch_size = 64);
    if (bpf_prog_test_run_opts(program, &run) != 0) {
      error = errno;
      break;
    }
    sent += static_cast<uint64_t>(repeat);
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  flood_tx__destroy(skeleton);
  if (error != 0) {
    return Fail(absl::StrCat("BPF_PROG_RUN (live frames): ",
                             std::strerror(error), " (kernel 5.18+)"));
  }
  std::printf("{\"sent\": %llu, \"seconds\": %.3f, \"frame_bytes\": %zu}\n",
              static_cast<unsigned long long>(sent), seconds, frame.size());
  return 0;
}
