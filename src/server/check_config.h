// roughtimed --check-config: everything the server would check at start
// except what needs the network. The configuration was already built
// (file, environment, flags -> ConfigFromFlags); this loads the key material
// like the server does (LoadServingIdentity) without binding a socket, and
// without creating the development key when it is missing.
#ifndef ROUGHTIME_SERVER_CHECK_CONFIG_H_
#define ROUGHTIME_SERVER_CHECK_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/config/server_config.h"

namespace roughtime::server {

// The summary printed on stdout when the configuration is valid: first line
// "configuration OK", then "name: value" lines (config file, key, listen,
// versions, workers). An error (the key does not load) names the file.
absl::StatusOr<std::string> CheckConfiguration(const ServerConfig& config,
                                               const std::string& config_file,
                                               absl::Time now);

// CheckConfiguration with the current time: prints the summary and returns
// 0, or logs the error as one line and returns 2.
int RunCheckConfig(const ServerConfig& config, const std::string& config_file);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CHECK_CONFIG_H_
