#include "server/command_line.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include "absl/strings/string_view.h"

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "server/log.h"

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
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::StrContains(flag->Filename(), "src/server/")) {
      flags.push_back(flag);
    }
  }
  std::sort(flags.begin(), flags.end(), [](const auto* a, const auto* b) {
    return a->Name() < b->Name();
  });
  std::string text = absl::StrCat(absl::ProgramUsageMessage(), "\n\nFlags:\n");
  for (const absl::CommandLineFlag* flag : flags) {
    absl::StrAppend(&text, "  --",
                    absl::StrReplaceAll(flag->Name(), {{"_", "-"}}),
                    " (default: ", flag->DefaultValue(), ")\n      ",
                    flag->Help(), "\n");
  }
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
    out.args.push_back(absl::StrCat("--", name, "=", value));
  }
  return out;
}

ServerConfig ParseCommandLineOrExit(int argc, char** argv) {
  absl::StatusOr<NormalizedArgs> normalized = NormalizeArgs(argc, argv);
  if (!normalized.ok()) {
    Log(normalized.status().message());
    std::exit(2);
  }
  std::vector<char*> args;
  for (std::string& a : normalized->args) args.push_back(a.data());
  args.push_back(nullptr);
  const std::vector<char*> rest = absl::ParseCommandLine(
      static_cast<int>(args.size() - 1), args.data());
  if (rest.size() > 1) {
    Log(absl::StrCat("unexpected argument '", rest[1],
                     "' (roughtimed takes only flags; see --help)"));
    std::exit(2);
  }
  absl::StatusOr<ServerConfig> config =
      ConfigFromFlags(normalized->listen_values);
  if (!config.ok()) {
    Log(config.status().message());
    std::exit(2);
  }
  return *std::move(config);
}

}  // namespace roughtime::server
