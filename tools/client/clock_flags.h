// Flags of `roughtime check` and `roughtime sync`.
#ifndef ROUGHTIME_TOOLS_CLIENT_CLOCK_FLAGS_H_
#define ROUGHTIME_TOOLS_CLIENT_CLOCK_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(int32_t, quorum);
ABSL_DECLARE_FLAG(absl::Duration, warn_margin);
ABSL_DECLARE_FLAG(bool, dry_run);
ABSL_DECLARE_FLAG(bool, allow_backwards);
ABSL_DECLARE_FLAG(std::string, evidence);

#endif  // ROUGHTIME_TOOLS_CLIENT_CLOCK_FLAGS_H_
