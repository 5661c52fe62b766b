#include "cli_flags.h"

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

ABSL_FLAG(std::string, key, "",
          "the server's long-term public key (64 hex digits or base64)");
ABSL_FLAG(std::string, server, "", "the name of a server in --servers");
ABSL_FLAG(std::string, servers, "", "a server list (RFC 10049 §8.3 JSON)");
ABSL_FLAG(std::string, offer_version, "",
          "offer only this version (--version): google, draft-08..draft-11, "
          "0x8000000c, 1");
ABSL_FLAG(bool, tcp, false, "use TCP instead of UDP");
ABSL_FLAG(bool, tcp_fallback, true,
          "try TCP once when every UDP attempt failed");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(1),
          "how long one attempt waits for its answer");
ABSL_FLAG(int32_t, retries, 2, "attempts after the first (UDP, or TCP with "
          "--tcp)");
ABSL_FLAG(absl::Duration, max_wait, absl::Seconds(10),
          "give up on a server after this long, retries included");
ABSL_FLAG(absl::Duration, backoff, absl::Seconds(1),
          "first wait between attempts; it grows 1.5x per failure (§5)");
ABSL_FLAG(bool, json, false, "print JSON instead of text");
ABSL_FLAG(bool, allow_pre_rfc_contexts, false,
          "accept version-1 answers signed with the pre-RFC 'RoughTime' "
          "contexts");
ABSL_FLAG(int32_t, count, 0, "measure: query this many servers picked at "
          "random (0: all)");
ABSL_FLAG(std::string, report, "",
          "measure: where to write a malfeasance report");
ABSL_FLAG(bool, draft_contexts, false,
          "verify-report: allow version-1 entries the pre-RFC contexts");

namespace roughtime::cli {
namespace {

// Names users type that differ from the flag's identifier.
std::string Canonical(std::string name) {
  name = absl::StrReplaceAll(name, {{"-", "_"}});
  if (name == "version") return "offer_version";
  return name;
}

absl::Status Usage(const std::string& command, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(command, ": ", what));
}

bool IsNumber(absl::string_view v) {
  return !v.empty() &&
         v.find_first_not_of("0123456789.") == absl::string_view::npos;
}

}  // namespace

absl::StatusOr<ParsedArgs> ParseFlags(const std::vector<std::string>& args,
                                      size_t first,
                                      const std::string& command,
                                      const std::set<std::string>& allowed) {
  ParsedArgs out;
  bool flags_done = false;
  for (size_t i = first; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      out.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    if (body == "help" || body == "h") {
      out.help = true;
      continue;
    }
    std::optional<std::string> value;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    std::string name = Canonical(body);
    bool negated = false;
    if (!allowed.count(name) && absl::StartsWith(name, "no")) {
      std::string positive = name.substr(absl::StartsWith(name, "no_") ? 3 : 2);
      if (allowed.count(positive)) {
        name = positive;
        negated = true;
      }
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (!allowed.count(name) || flag == nullptr) {
      return Usage(command, absl::StrCat("unknown flag '", arg,
                                         "' (see roughtime ", command,
                                         " --help)"));
    }
    const std::string shown = absl::StrCat("--", body);
    if (flag->IsOfType<bool>()) {
      if (negated && value.has_value()) {
        return Usage(command, absl::StrCat(shown, " takes no value"));
      }
      if (!value.has_value()) value = negated ? "false" : "true";
    } else {
      if (negated) {
        return Usage(command, absl::StrCat("unknown flag '", arg, "'"));
      }
      if (!value.has_value()) {
        if (i + 1 >= args.size()) {
          return Usage(command, absl::StrCat(shown, " needs a value"));
        }
        value = args[++i];
      }
      if (flag->IsOfType<absl::Duration>() && IsNumber(*value)) {
        *value += "s";  // a bare number means seconds
      }
    }
    std::string error;
    if (!flag->ParseFrom(*value, &error)) {
      return Usage(command,
                   absl::StrCat(shown, ": invalid value '", *value, "'"));
    }
  }
  return out;
}

}  // namespace roughtime::cli
