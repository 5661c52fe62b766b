// roughtimed's configuration comes in layers, each overriding the one
// before: built-in defaults < configuration file (config_file.h) <
// ROUGHTIMED_* environment variables (config_env.h) < command line
// (command_line.h). Every layer speaks in the server's own absl flags,
// found by reflection, so a flag added to src/server/ is settable from a
// file and the environment without touching this code
// (docs/OPERATIONS.md, "Configuration file and environment").
#ifndef ROUGHTIME_SERVER_CONFIG_CONFIG_LAYERS_H_
#define ROUGHTIME_SERVER_CONFIG_CONFIG_LAYERS_H_

#include <set>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace roughtime::server {

// One value for one flag from a file or the environment.
struct FlagSetting {
  std::string flag;    // absl name, with underscores: "root_key"
  std::string value;   // the flag's text form, as after --flag=
  std::string origin;  // for errors: "FILE:3: key 'root-key'" or
                       // "environment variable ROUGHTIMED_ROOT_KEY"
};

// The kinds of value a flag takes, which decide the TOML types accepted.
enum class FlagKind { kBool, kInteger, kFloat, kString, kList, kDuration,
                      kOther };

// The roughtimed flag named `name` (dashes or underscores), or nullptr when
// there is none. Only flags defined under src/server/ count; absl's own
// flags (--flagfile, --help ...) do not.
absl::CommandLineFlag* FindServerFlag(absl::string_view name);

// Every roughtimed flag (defined under src/server/), sorted by name.
std::vector<absl::CommandLineFlag*> AllServerFlags();

FlagKind KindOf(const absl::CommandLineFlag& flag);

// Flags that select what to do rather than how to serve (--config,
// --check-config): command line only, never in a file or the environment.
bool IsCommandLineOnly(absl::string_view flag_name);

// The flags selecting the key source; they exclude each other, so a layer
// that names one of them replaces the key source of the layers below.
bool IsKeySourceFlag(absl::string_view flag_name);

// Sets the key-source flags not in `named` back to their defaults when
// `named` holds at least one key-source flag.
void ResetOtherKeySources(const std::set<std::string>& named);

// Applies one layer: parses every value into its flag (errors name the
// origin), resets the key sources the layer does not name (see above), and
// replaces `listen_values` with the layer's `listen` values when it has any
// (the listen addresses of a layer replace, never add to, the ones below).
absl::Status ApplyLayer(const std::vector<FlagSetting>& layer,
                        std::vector<std::string>* listen_values);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CONFIG_CONFIG_LAYERS_H_
