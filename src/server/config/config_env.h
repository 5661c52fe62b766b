// ROUGHTIMED_* environment variables, for containers and systemd units:
// ROUGHTIMED_<FLAG NAME IN UPPER CASE, DASHES AS UNDERSCORES>=value sets
// that flag (ROUGHTIMED_ROOT_KEY=/keys/root.key, ROUGHTIMED_LISTEN=
// "0.0.0.0:2002,[::]:2002", ROUGHTIMED_TCP=false), with the value written as
// on the command line after --flag=. ROUGHTIMED_CONFIG names the
// configuration file. Any other ROUGHTIMED_* variable is an error, so a
// misspelt variable is never silently ignored.
#ifndef ROUGHTIME_SERVER_CONFIG_CONFIG_ENV_H_
#define ROUGHTIME_SERVER_CONFIG_CONFIG_ENV_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/config_layers.h"

namespace roughtime::server {

inline constexpr char kEnvPrefix[] = "ROUGHTIMED_";
inline constexpr char kConfigEnvVar[] = "ROUGHTIMED_CONFIG";

struct EnvironmentLayer {
  std::vector<FlagSetting> settings;     // in the order of `environ`
  std::optional<std::string> config_file;  // $ROUGHTIMED_CONFIG
};

// Reads the ROUGHTIMED_* entries of `envp` (NAME=value strings ending with
// a null pointer, like `environ`). Errors name the variable.
absl::StatusOr<EnvironmentLayer> ParseEnvironment(const char* const* envp);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CONFIG_CONFIG_ENV_H_
