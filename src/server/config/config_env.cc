#include "server/config/config_env.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace roughtime::server {
namespace {

// Environment names are upper case; the flag's absl name is lower case with
// underscores. Anything but A-Z, 0-9 and _ after the prefix is no flag.
bool IsUpperName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c) && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<EnvironmentLayer> ParseEnvironment(const char* const* envp) {
  EnvironmentLayer layer;
  for (; envp != nullptr && *envp != nullptr; ++envp) {
    const absl::string_view entry = *envp;
    if (!absl::StartsWith(entry, kEnvPrefix)) continue;
    const size_t eq = entry.find('=');
    const absl::string_view variable = entry.substr(0, eq);
    const std::string value(
        eq == absl::string_view::npos ? "" : entry.substr(eq + 1));
    if (variable == kConfigEnvVar) {
      layer.config_file = value;
      continue;
    }
    const absl::string_view suffix = variable.substr(sizeof(kEnvPrefix) - 1);
    absl::CommandLineFlag* flag =
        IsUpperName(suffix) ? FindServerFlag(absl::AsciiStrToLower(suffix))
                            : nullptr;
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "environment variable ", variable,
          " names no roughtimed flag (see --help; unset it)"));
    }
    if (IsCommandLineOnly(flag->Name())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "environment variable ", variable, ": --",
          absl::StrReplaceAll(flag->Name(), {{"_", "-"}}),
          " can only be given on the command line"));
    }
    layer.settings.push_back(
        FlagSetting{std::string(flag->Name()), value,
                    absl::StrCat("environment variable ", variable)});
  }
  return layer;
}

}  // namespace roughtime::server
