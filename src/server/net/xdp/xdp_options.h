// What --xdp and --xdp-mode ask for (xdp_flags.cc), in a header that needs
// no BPF library, so the configuration compiles in every build.
#ifndef ROUGHTIME_SERVER_NET_XDP_XDP_OPTIONS_H_
#define ROUGHTIME_SERVER_NET_XDP_XDP_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace roughtime::server::xdp {

// --xdp-mode: native runs in the driver before any allocation; generic in
// the kernel's receive path after the socket buffer is made (any driver,
// far less saved); auto tries native first.
enum class AttachMode : uint8_t { kAuto, kNative, kGeneric };
absl::string_view AttachModeName(AttachMode mode);

struct XdpOptions {
  std::vector<std::string> interfaces;  // --xdp, in order, no duplicates
  AttachMode mode = AttachMode::kAuto;
  bool enabled() const { return !interfaces.empty(); }
};

// Whether this roughtimed was built with XDP support (libbpf, libxdp,
// clang and bpftool at build time).
bool XdpBuiltIn();

}  // namespace roughtime::server::xdp

#endif  // ROUGHTIME_SERVER_NET_XDP_XDP_OPTIONS_H_
