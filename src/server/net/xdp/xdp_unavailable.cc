// The XDP entry points of a roughtimed built without XDP support (no
// libbpf, libxdp, clang or bpftool at build time, or not Linux): --xdp is
// refused at start in one line, as the issue asks of any missing support.
#include "absl/strings/str_cat.h"
#include "server/base/log.h"
#include "server/net/xdp/xdp_deployment.h"

namespace roughtime::server::xdp {

bool XdpBuiltIn() { return false; }

absl::StatusOr<std::unique_ptr<XdpDeployment>> XdpDeployment::Start(
    const XdpOptions& options, bool serve, const std::vector<SocketAddress>&,
    size_t, size_t) {
  if (!options.enabled()) return std::unique_ptr<XdpDeployment>();
  const std::string why =
      "this roughtimed was built without XDP support (libbpf-dev, "
      "libxdp-dev, clang and bpftool at build time)";
  if (serve) return absl::UnimplementedError(absl::StrCat("--io xdp: ", why));
  Log(absl::StrCat("warning: --xdp: ", why, "; serving on sockets"));
  return std::unique_ptr<XdpDeployment>();
}

}  // namespace roughtime::server::xdp
