// roughtime: query Roughtime servers (RFC 10049), measure several with
// chained requests, and check malfeasance reports. Usage: --help or
// docs/CLIENT.md.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli_flags.h"
#include "commands.h"
#include "roughtime/crypto.h"
#include "version/version.h"

namespace {

using roughtime::cli::ParsedArgs;

struct Command {
  int (*run)(const std::vector<std::string>&);
  std::set<std::string> flags;
  int usage_status = roughtime::cli::kExitUsage;
};

const std::map<std::string, Command>& Commands() {
  static const std::set<std::string> kRetry = {
      "timeout", "retries", "max_wait", "backoff", "tcp", "tcp_fallback",
      "json", "allow_pre_rfc_contexts"};
  static const auto* commands = new std::map<std::string, Command>{
      {"query",
       {roughtime::cli::RunQuery,
        [] {
          auto s = kRetry;
          s.insert({"key", "server", "servers", "offer_version"});
          return s;
        }()}},
      {"measure",
       {roughtime::cli::RunMeasure,
        [] {
          auto s = kRetry;
          s.insert({"servers", "count", "report"});
          return s;
        }()}},
      {"verify-report",
       {roughtime::cli::RunVerifyReport, {"draft_contexts", "json"}}},
      {"check",
       {roughtime::cli::RunCheck,
        [] {
          auto s = kRetry;
          s.insert({"servers", "report", "quorum", "warn_margin"});
          return s;
        }(),
        roughtime::cli::kCheckUnknown}},
      {"sync",
       {roughtime::cli::RunSync, [] {
          auto s = kRetry;
          s.insert({"servers", "report", "quorum", "dry_run",
                    "allow_backwards", "evidence"});
          return s;
        }()}},
  };
  return *commands;
}

}  // namespace

int main(int argc, char** argv) {
  roughtime::InitCrypto();
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() < 2) {
    roughtime::cli::PrintError(
        "missing command: query, measure, check, sync or verify-report "
        "(see --help)");
    return roughtime::cli::kExitUsage;
  }
  const std::string& name = args[1];
  if (name == "--help" || name == "-h" || name == "help") {
    roughtime::cli::PrintOut(roughtime::cli::HelpText());
    return roughtime::cli::kExitOk;
  }
  // Before a command only: after one, --version V is the protocol version.
  if (name == "--version") {
    roughtime::cli::PrintOut(absl::StrCat("roughtime ", ROUGHTIME_VERSION, "\n"));
    return roughtime::cli::kExitOk;
  }
  auto it = Commands().find(name);
  if (it == Commands().end()) {
    roughtime::cli::PrintError(absl::StrCat(
        "unknown command '", name,
        "': use query, measure, check, sync or verify-report (see --help)"));
    return roughtime::cli::kExitUsage;
  }
  absl::StatusOr<ParsedArgs> parsed =
      roughtime::cli::ParseFlags(args, 2, name, it->second.flags);
  if (!parsed.ok()) {
    roughtime::cli::PrintError(parsed.status().message());
    return it->second.usage_status;
  }
  if (parsed->help) {
    roughtime::cli::PrintOut(roughtime::cli::HelpText());
    return roughtime::cli::kExitOk;
  }
  return it->second.run(parsed->positional);
}
