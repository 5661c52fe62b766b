// The subcommands of roughtime-keygen. Each parses its own arguments (the
// words after the command name), prints its results on stdout and returns
// the exit status: 0 success, 1 failure, 2 usage error. Errors are one line
// on stderr. No command ever prints private key bytes.
#ifndef ROUGHTIME_TOOLS_KEYGEN_COMMANDS_H_
#define ROUGHTIME_TOOLS_KEYGEN_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "roughtime/crypto.h"

namespace roughtime::keygen {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int RunGenerate(const std::vector<std::string>& args);
int RunPublic(const std::vector<std::string>& args);
int RunDelegate(const std::vector<std::string>& args);
int RunInspect(const std::vector<std::string>& args);
int RunServerEntry(const std::vector<std::string>& args);

// "roughtime-keygen: error: MESSAGE" on stderr (newlines in MESSAGE are
// escaped, so it stays one line); returns kExitFailure.
int Fail(absl::string_view message);
int Fail(const absl::Status& status);
// Same for command-line mistakes; returns kExitUsage.
int UsageError(absl::string_view message);

// The usage text of one command, or of the whole tool for "".
std::string UsageText(absl::string_view command);

// "public key (base64)", "(hex)" and, for root keys, "SRV (hex)" lines
// (SRV = H(0xff || key), RFC 10049 §5.1.3), each starting with `prefix`.
void PrintPublicKey(absl::string_view prefix, const PublicKey& key,
                    bool with_srv = true);

}  // namespace roughtime::keygen

#endif  // ROUGHTIME_TOOLS_KEYGEN_COMMANDS_H_
