#include "args.h"

#include <algorithm>
#include <set>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace roughtime::keygen {
namespace {

std::set<std::string>& GivenFlags() {
  static auto* given = new std::set<std::string>();
  return *given;
}

bool Contains(absl::Span<const absl::string_view> list, absl::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

absl::Status Usage(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

}  // namespace

bool FlagWasGiven(absl::string_view dashed_name) {
  return GivenFlags().count(std::string(dashed_name)) > 0;
}

absl::Status ParseCommandArgs(const std::vector<std::string>& args,
                              absl::Span<const absl::string_view> allowed,
                              absl::Span<const absl::string_view> repeatable,
                              std::vector<std::string>* positional) {
  std::vector<std::string> accumulated_names;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positional->insert(positional->end(), args.begin() + i + 1, args.end());
      break;
    }
    if (!absl::StartsWith(arg, "--") || arg.size() == 2) {
      if (absl::StartsWith(arg, "-") && arg.size() > 1) {
        return Usage(absl::StrCat("unknown option ", arg,
                                  " (options start with --)"));
      }
      positional->push_back(arg);
      continue;
    }
    const size_t eq = arg.find('=');
    const std::string name =
        arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (!Contains(allowed, name)) {
      return Usage(absl::StrCat("unknown option --", name, " for this command"));
    }
    absl::CommandLineFlag* flag =
        absl::FindCommandLineFlag(absl::StrReplaceAll(name, {{"-", "_"}}));
    if (flag == nullptr) {
      return absl::InternalError(absl::StrCat("option --", name,
                                              " has no flag definition"));
    }
    const bool is_bool = flag->IsOfType<bool>();
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (is_bool) {
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Usage(absl::StrCat("option --", name, " needs a value"));
    }
    if (!is_bool && value.empty()) {
      return Usage(absl::StrCat("option --", name, " needs a non-empty value"));
    }
    const bool repeats = Contains(repeatable, name);
    if (GivenFlags().count(name) > 0 && !repeats) {
      return Usage(absl::StrCat("option --", name, " given more than once"));
    }
    if (repeats) {
      // Vector flags parse comma-separated lists; a repeated flag appends.
      if (absl::StrContains(value, ",")) {
        return Usage(absl::StrCat("option --", name,
                                  " takes one value; repeat it for more"));
      }
      if (GivenFlags().count(name) > 0) {
        value = absl::StrCat(flag->CurrentValue(), ",", value);
      }
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return Usage(absl::StrCat("bad value for --", name, ": ", error));
    }
    GivenFlags().insert(name);
  }
  return absl::OkStatus();
}

}  // namespace roughtime::keygen
