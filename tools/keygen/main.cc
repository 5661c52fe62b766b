// roughtime-keygen: root keys, delegations and server-list entries for
// Roughtime (RFC 10049). See UsageText() and docs/KEYS.md.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "roughtime/crypto.h"
#include "version/version.h"

int main(int argc, char** argv) {
  using namespace roughtime::keygen;  // NOLINT(build/namespaces)
  roughtime::InitCrypto();
  if (argc < 2) {
    return UsageError(
        "missing command (generate, public, delegate, inspect, server-entry)");
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--version" || command == "version") {
    std::cout << "roughtime-keygen " << ROUGHTIME_VERSION << "\n";
    return kExitOk;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << UsageText(args.empty() ? "" : args[0]);
    return kExitOk;
  }
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      std::cout << UsageText(command);
      return kExitOk;
    }
  }
  if (command == "generate") return RunGenerate(args);
  if (command == "public") return RunPublic(args);
  if (command == "delegate") return RunDelegate(args);
  if (command == "inspect") return RunInspect(args);
  if (command == "server-entry") return RunServerEntry(args);
  return UsageError(absl::StrCat("unknown command \"", command, "\""));
}
