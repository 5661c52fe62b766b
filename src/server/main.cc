// roughtimed: the Roughtime UDP server (RFC 10049 and the deployed drafts).
// Composition root only: flags -> configuration -> RunServer.
#include "absl/flags/usage.h"
#include "server/check_config.h"
#include "server/config/command_line.h"
#include "server/server.h"

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Roughtime UDP server (RFC 10049 version 1, drafts 0x80000008.."
      "0x8000000c, Google-Roughtime).\n"
      "  roughtimed [--dev]                      development key in "
      "keys/dev-root.key\n"
      "  roughtimed --root-key FILE [flags]      delegate an online key at "
      "start\n"
      "  roughtimed --delegation FILE [flags]    root key kept offline\n"
      "  roughtimed --version                    print the version and exit\n"
      "  roughtimed --config FILE [flags]        settings from a TOML file\n"
      "  roughtimed --check-config [flags]       validate, print a summary\n"
      "Flags may be written --with-dashes or --with_underscores. "
      "See docs/OPERATIONS.md.");
  const roughtime::server::ParsedConfiguration parsed =
      roughtime::server::ParseCommandLineOrExit(argc, argv);
  if (parsed.check_config) {
    return roughtime::server::RunCheckConfig(parsed.config,
                                             parsed.config_file);
  }
  return roughtime::server::RunServer(parsed.config, argv[0]);
}
