// The optional TOML configuration file of roughtimed (--config FILE or
// $ROUGHTIMED_CONFIG). Its keys are the command-line flags, spelled with
// dashes or underscores, at the top level (no tables):
//
//   delegation = "/etc/roughtimed/online.delegation"
//   listen = ["0.0.0.0:2002", "[::]:2002"]   # or one string, "a,b"
//   versions = "1,draft-11"
//   tcp = false                              # booleans are true/false
//   workers = 4                              # integers are integers
//   grease-rate = 0.01                       # floats take 0.01 or 1
//   stats-interval = "5m"                    # durations are strings
//
// Each value must have the flag's type (docs/OPERATIONS.md); any problem is
// an error naming the file, the line and the key. The file must be ASCII
// (config_file.cc says why).
#ifndef ROUGHTIME_SERVER_CONFIG_CONFIG_FILE_H_
#define ROUGHTIME_SERVER_CONFIG_CONFIG_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/config_layers.h"

namespace roughtime::server {

// Files larger than this are refused (a configuration is a few hundred
// bytes; this bounds what a wrong path could make us read).
inline constexpr size_t kMaxConfigFileSize = 1 << 20;

// Parses `text` as the contents of the file `path` (used in messages) into
// one setting per key, in the order of the file. Checks that every key is a
// roughtimed flag and every value has the flag's type; the values
// themselves are parsed when the settings are applied (ApplyLayer).
absl::StatusOr<std::vector<FlagSetting>> ParseConfigToml(
    std::string_view text, const std::string& path);

// Reads the file at `path` and parses it (ParseConfigToml).
absl::StatusOr<std::vector<FlagSetting>> ReadConfigFile(
    const std::string& path);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CONFIG_CONFIG_FILE_H_
