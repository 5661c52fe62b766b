#include "server/config/command_line.h"

#include <unistd.h>

#include <algorithm>
#include <set>
#include <cstdio>
#include <cstdlib>
#include "absl/strings/string_view.h"

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "server/base/log.h"
#include "server/config/config_env.h"
#include "server/config/config_file.h"
#include "server/config/config_layers.h"
#include "server/config/xdp_flags.h"
#include "version/version.h"

ABSL_FLAG(std::string, config, "",
          "TOML configuration file whose keys are these flags (default: "
          "$ROUGHTIMED_CONFIG; none). Precedence: file < ROUGHTIMED_* "
          "environment variables < command line. See docs/OPERATIONS.md.");
ABSL_FLAG(bool, check_config, false,
          "Check the whole configuration (file, environment, flags) and that "
          "the key material loads, print a summary on stdout and exit: 0 when "
          "valid, 2 otherwise. Binds nothing and creates no key.");

namespace roughtime::server {
namespace {

// Flags absl handles itself (flag files).
bool IsAbslBuiltin(absl::string_view name) {
  return name == "flagfile" || name == "fromenv" || name == "tryfromenv" ||
         name == "undefok";
}

bool IsHelpFlag(absl::string_view name) {
  return name == "help" || name == "h" || name == "helpfull" ||
         name == "helpshort" || name == "?";
}

// The usage message and every roughtimed flag, spelled with dashes, on
// stdout (absl's own --help exits 1 and shows underscores).
void PrintHelp() {
  std::string text = absl::StrCat(absl::ProgramUsageMessage(), "\n\nFlags:\n");
  for (const absl::CommandLineFlag* flag : AllServerFlags()) {
    absl::StrAppend(&text, "  --",
                    absl::StrReplaceAll(flag->Name(), {{"_", "-"}}),
                    " (default: ", flag->DefaultValue(), ")\n      ",
                    flag->Help(), "\n");
  }
  absl::StrAppend(
      &text,
      "\nEvery flag but --config and --check-config may also be set in the "
      "TOML file\n(key root-key = \"...\") or as an environment variable "
      "(ROUGHTIMED_ROOT_KEY=...);\nthe command line overrides the "
      "environment, which overrides the file.\n");
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

absl::StatusOr<NormalizedArgs> NormalizeArgs(int argc, char** argv) {
  NormalizedArgs out;
  out.args.push_back(argc > 0 ? argv[0] : "roughtimed");
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      out.args.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      out.args.emplace_back(arg);
      continue;
    }
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const size_t eq = arg.find('=');
    std::string name =
        absl::StrReplaceAll(arg.substr(0, eq), {{"-", "_"}});
    if (IsHelpFlag(name)) {
      PrintHelp();
      std::exit(0);
    }
    if (name == "version") {  // packaging (issue #12): one line, exit 0
      std::printf("roughtimed %s\n", ROUGHTIME_VERSION);
      std::exit(0);
    }
    if (IsAbslBuiltin(name)) {
      out.args.push_back(absl::StrCat("--", arg));
      continue;
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    bool negated = false;
    // --noflag (absl's spelling) and --no-flag (--no-kernel-filter).
    const size_t no_prefix = absl::StartsWith(name, "no_") ? 3 : 2;
    if (flag == nullptr && absl::StartsWith(name, "no")) {
      flag = absl::FindCommandLineFlag(name.substr(no_prefix));
      negated = flag != nullptr && flag->IsOfType<bool>();
      if (!negated) flag = nullptr;
    }
    if (flag == nullptr || flag->IsRetired()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown flag --", arg.substr(0, eq), " (see --help)"));
    }
    std::string value;
    if (eq != absl::string_view::npos) {
      if (negated) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes no value"));
      }
      value = std::string(arg.substr(eq + 1));
    } else if (negated) {
      value = "false";
      name = name.substr(no_prefix);
    } else if (flag->IsOfType<bool>()) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", arg, " is missing its value"));
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad value '", value, "' for --", name, ": ", error));
    }
    if (name == "listen") out.listen_values.push_back(value);
    if (name == "xdp") out.xdp_values.push_back(value);
    out.args.push_back(absl::StrCat("--", name, "=", value));
  }
  return out;
}

absl::StatusOr<ParsedConfiguration> ParseConfiguration(
    int argc, char** argv, const char* const* envp) {
  absl::StatusOr<NormalizedArgs> normalized = NormalizeArgs(argc, argv);
  if (!normalized.ok()) return normalized.status();
  absl::StatusOr<EnvironmentLayer> environment = ParseEnvironment(envp);
  if (!environment.ok()) return environment.status();

  ParsedConfiguration parsed;
  parsed.config_file = absl::GetFlag(FLAGS_config);
  if (parsed.config_file.empty() && environment->config_file.has_value()) {
    parsed.config_file = *environment->config_file;
  }
  // Layers from the bottom up; NormalizeArgs already set the command-line
  // flags, so absl parses them again after the file and the environment.
  std::vector<std::string> listen_values;
  if (!parsed.config_file.empty()) {
    absl::StatusOr<std::vector<FlagSetting>> file =
        ReadConfigFile(parsed.config_file);
    if (!file.ok()) return file.status();
    if (absl::Status s = ApplyLayer(*file, &listen_values); !s.ok()) return s;
  }
  if (absl::Status s = ApplyLayer(environment->settings, &listen_values);
      !s.ok()) {
    return s;
  }
  std::vector<char*> args;
  std::set<std::string> named;
  for (std::string& a : normalized->args) {
    args.push_back(a.data());
    if (absl::StartsWith(a, "--")) named.insert(a.substr(2, a.find('=') - 2));
  }
  args.push_back(nullptr);
  const std::vector<char*> rest = absl::ParseCommandLine(
      static_cast<int>(args.size() - 1), args.data());
  if (rest.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", rest[1],
                     "' (roughtimed takes only flags; see --help)"));
  }
  ResetOtherKeySources(named);
  if (normalized->xdp_values.size() > 1) {
    xdp::SetRepeatedXdpFlag(normalized->xdp_values);
  }
  if (!normalized->listen_values.empty()) {
    listen_values = normalized->listen_values;
  }
  absl::StatusOr<ServerConfig> config = ConfigFromFlags(listen_values);
  if (!config.ok()) return config.status();
  parsed.config = *std::move(config);
  parsed.check_config = absl::GetFlag(FLAGS_check_config);
  return parsed;
}

ParsedConfiguration ParseCommandLineOrExit(int argc, char** argv) {
  absl::StatusOr<ParsedConfiguration> parsed =
      ParseConfiguration(argc, argv, environ);
  if (!parsed.ok()) {
    Log(parsed.status().message());
    std::exit(2);
  }
  return *std::move(parsed);
}

}  // namespace roughtime::server
