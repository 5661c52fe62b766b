// Arbitrary bytes as roughtimed's TOML configuration file (config_file.h)
// and, line by line, as ROUGHTIMED_* environment variables (config_env.h):
// parsing, the type mapping to flags, applying them and building the
// ServerConfig must never crash, whatever the input; errors are expected.
// Checked besides: every accepted setting names a roughtimed flag, and its
// origin points into the file.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "server/config/config_env.h"
#include "server/config/config_file.h"
#include "server/config/config_layers.h"
#include "server/config/server_config.h"

namespace {

using roughtime::server::ApplyLayer;
using roughtime::server::ConfigFromFlags;
using roughtime::server::EnvironmentLayer;
using roughtime::server::FindServerFlag;
using roughtime::server::FlagSetting;

void ApplyAndBuild(const std::vector<FlagSetting>& settings) {
  std::vector<std::string> listen;
  if (ApplyLayer(settings, &listen).ok()) (void)ConfigFromFlags(listen);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::FlagSaver saver;  // every input starts from the built-in defaults
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<std::vector<FlagSetting>> settings =
      roughtime::server::ParseConfigToml(text, "fuzz.toml");
  if (settings.ok()) {
    for (const FlagSetting& s : *settings) {
      if (FindServerFlag(s.flag) == nullptr) std::abort();
      if (!absl::StartsWith(s.origin, "fuzz.toml:")) std::abort();
    }
    ApplyAndBuild(*settings);
  }

  // The same bytes as environment entries: ROUGHTIMED_<line>.
  std::vector<std::string> entries;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    entries.push_back(std::string("ROUGHTIMED_") + std::string(line));
  }
  std::vector<const char*> envp;
  for (const std::string& e : entries) envp.push_back(e.c_str());
  envp.push_back(nullptr);
  absl::StatusOr<EnvironmentLayer> env =
      roughtime::server::ParseEnvironment(envp.data());
  if (env.ok()) ApplyAndBuild(env->settings);
  return 0;
}
