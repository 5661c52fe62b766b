// Turns argv into a ServerConfig the way the project's CLIs behave: flags
// may be spelled with dashes (--root-key) or underscores (--root_key), every
// --listen occurrence counts, and any usage error is ONE line on stderr and
// exit status 2 (absl's own parser would print more and exit 1).
// The same flags may come from a TOML file (--config, config_file.h) and
// ROUGHTIMED_* environment variables (config_env.h); precedence is
// defaults < file < environment < command line (config_layers.h).
#ifndef ROUGHTIME_SERVER_CONFIG_COMMAND_LINE_H_
#define ROUGHTIME_SERVER_CONFIG_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/server_config.h"

namespace roughtime::server {

struct NormalizedArgs {
  std::vector<std::string> args;           // argv[0], then --name=value ...
  std::vector<std::string> listen_values;  // every --listen value, in order
  std::vector<std::string> xdp_values;     // every --xdp value, in order
};

// Checks that every flag exists and that its value parses, and rewrites
// each as --name_with_underscores=value. --help (or -h) prints the usage and
// every flag on stdout and exits 0.
absl::StatusOr<NormalizedArgs> NormalizeArgs(int argc, char** argv);

struct ParsedConfiguration {
  ServerConfig config;
  std::string config_file;    // the file read, empty when none
  bool check_config = false;  // --check-config: validate, do not serve
};

// NormalizeArgs, the configuration file and the environment `envp` (like
// `environ`), absl parsing, ConfigFromFlags. Sets the process's flags.
absl::StatusOr<ParsedConfiguration> ParseConfiguration(
    int argc, char** argv, const char* const* envp);

// ParseConfiguration with `environ`. Exits with status 2 after one line on
// stderr on any usage or configuration error.
ParsedConfiguration ParseCommandLineOrExit(int argc, char** argv);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CONFIG_COMMAND_LINE_H_
