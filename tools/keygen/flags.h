// The options of roughtime-keygen's subcommands (see usage.cc). Which
// command accepts which flag is decided in main.cc.
#ifndef ROUGHTIME_TOOLS_KEYGEN_FLAGS_H_
#define ROUGHTIME_TOOLS_KEYGEN_FLAGS_H_

#include <string>
#include <vector>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(bool, force);
ABSL_DECLARE_FLAG(std::string, root);
ABSL_DECLARE_FLAG(std::string, not_before);
ABSL_DECLARE_FLAG(std::string, not_after);
ABSL_DECLARE_FLAG(bool, allow_long_window);
ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(std::vector<std::string>, address);
ABSL_DECLARE_FLAG(std::vector<std::string>, tcp_address);
ABSL_DECLARE_FLAG(std::string, key);
ABSL_DECLARE_FLAG(std::string, public_key);

#endif  // ROUGHTIME_TOOLS_KEYGEN_FLAGS_H_
