// roughtimed's XDP flags (--xdp, --xdp-mode), defined apart from
// server_config.cc so the XDP code keeps its own folder.
#ifndef ROUGHTIME_SERVER_NET_XDP_XDP_FLAGS_H_
#define ROUGHTIME_SERVER_NET_XDP_XDP_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/net/datagram_io.h"
#include "server/net/xdp/xdp_options.h"

namespace roughtime::server::xdp {

// The options from the parsed flags; `io` is the --io chosen (xdp needs an
// interface). Errors are usage errors naming the flag.
absl::StatusOr<XdpOptions> XdpOptionsFromFlags(IoMode io);

// --xdp may be given several times; absl keeps only the last value, so the
// command line hands every occurrence here first (command_line.cc).
void SetRepeatedXdpFlag(const std::vector<std::string>& values);

}  // namespace roughtime::server::xdp

#endif  // ROUGHTIME_SERVER_NET_XDP_XDP_FLAGS_H_
