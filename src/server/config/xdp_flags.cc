#include "server/config/xdp_flags.h"

#include <net/if.h>

#include <algorithm>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

ABSL_FLAG(std::vector<std::string>, xdp, {},
          "Network interface to attach the XDP request sieve to (repeatable, "
          "or comma-separated): UDP to the served ports that cannot be a "
          "request is dropped in the driver and counted by reason "
          "(xdp_drop_* in the stats); all other traffic passes untouched. "
          "Native mode where the driver supports it, generic otherwise. "
          "With --io xdp requests are also served through AF_XDP sockets on "
          "these interfaces. Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_NET_RAW)."
          " Without --io xdp a failure is a warning and the sockets serve "
          "alone. Linux only; see docs/OPERATIONS.md.");
ABSL_FLAG(std::string, xdp_mode, "auto",
          "How --xdp attaches the sieve: auto (native where the driver "
          "supports it, else generic), native or generic.");

namespace roughtime::server::xdp {

absl::string_view AttachModeName(AttachMode mode) {
  switch (mode) {
    case AttachMode::kAuto: return "auto";
    case AttachMode::kNative: return "native";
    case AttachMode::kGeneric: return "generic";
  }
  return "auto";
}

absl::StatusOr<XdpOptions> XdpOptionsFromFlags(IoMode io) {
  XdpOptions options;
  for (const std::string& value : absl::GetFlag(FLAGS_xdp)) {
    for (absl::string_view item :
         absl::StrSplit(value, ',', absl::SkipWhitespace())) {
      const std::string name(absl::StripAsciiWhitespace(item));
      if (name.size() >= IF_NAMESIZE) {
        return absl::InvalidArgumentError(
            absl::StrCat("--xdp: interface name '", name, "' is too long"));
      }
      if (std::find(options.interfaces.begin(), options.interfaces.end(),
                    name) == options.interfaces.end()) {
        options.interfaces.push_back(name);
      }
    }
  }
  const std::string mode = absl::GetFlag(FLAGS_xdp_mode);
  if (mode == "auto") {
    options.mode = AttachMode::kAuto;
  } else if (mode == "native") {
    options.mode = AttachMode::kNative;
  } else if (mode == "generic") {
    options.mode = AttachMode::kGeneric;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad --xdp-mode '", mode, "' (want auto, native or generic)"));
  }
  if (io == IoMode::kXdp && !options.enabled()) {
    return absl::InvalidArgumentError(
        "--io xdp needs --xdp IFACE (the interfaces to serve on)");
  }
  return options;
}

void SetRepeatedXdpFlag(const std::vector<std::string>& values) {
  std::vector<std::string> all;
  for (const std::string& v : values) {
    for (absl::string_view item : absl::StrSplit(v, ',', absl::SkipEmpty())) {
      all.emplace_back(item);
    }
  }
  absl::SetFlag(&FLAGS_xdp, all);
}

}  // namespace roughtime::server::xdp
