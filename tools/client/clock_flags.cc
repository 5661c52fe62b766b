#include "clock_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(int32_t, quorum, 2,
          "check/sync: servers with distinct keys that must answer validly");
ABSL_FLAG(absl::Duration, warn_margin, absl::Milliseconds(500),
          "check: WARNING when the local clock is inside but this close to "
          "an edge");
ABSL_FLAG(bool, dry_run, false, "sync: only print what would be done");
ABSL_FLAG(bool, allow_backwards, false, "sync: allow stepping the clock back");
ABSL_FLAG(std::string, evidence, "",
          "sync: where to write the evidence of a step");
