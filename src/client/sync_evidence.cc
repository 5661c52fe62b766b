#include "client/sync_evidence.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "client/malfeasance_report.h"
#include "client/output.h"
#include "nlohmann/json.hpp"

namespace roughtime::client {

std::string EvidenceJson(const Measurement& m, const SyncPlan& plan,
                         const StepRecord& step) {
  nlohmann::ordered_json doc =
      nlohmann::ordered_json::parse(EncodeReport(m.ToReport()));
  nlohmann::ordered_json s;
  s["from"] = FormatRfc3339(step.from);
  s["to"] = FormatRfc3339(step.to);
  s["fromUnix"] = FormatUnix(step.from);
  s["toUnix"] = FormatUnix(step.to);
  s["stepSeconds"] = FormatSeconds(step.step, true);
  s["measuredAt"] = FormatRfc3339(plan.anchor.local);
  if (plan.verdict.interval.has_value()) {
    s["offsetLowSeconds"] = FormatSeconds(plan.verdict.interval->low, true);
    s["offsetHighSeconds"] = FormatSeconds(plan.verdict.interval->high, true);
  }
  s["independentServers"] = plan.verdict.independent;
  s["quorum"] = plan.verdict.quorum;
  doc["roughtimeSync"] = s;
  return doc.dump(2) + "\n";
}

std::string DefaultEvidencePath(absl::Time now) {
  const std::string name =
      absl::StrCat("sync-evidence-", absl::ToUnixSeconds(now), ".json");
  const char* state = std::getenv("STATE_DIRECTORY");
  if (state != nullptr && *state != '\0') {
    std::string dir(state);
    dir = dir.substr(0, dir.find(':'));
    return absl::StrCat(dir, "/", name);
  }
  return absl::StrCat("./roughtime-", name);
}

}  // namespace roughtime::client
