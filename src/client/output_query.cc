#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/output.h"
#include "nlohmann/json.hpp"

namespace roughtime::client {

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

std::string FormatUnix(absl::Time t) {
  int64_t micros = absl::ToUnixMicros(t);
  int64_t secs = micros / 1000000;
  int64_t frac = micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  return absl::StrFormat("%d.%06d", secs, frac);
}

std::string FormatSeconds(absl::Duration d, bool sign) {
  int64_t micros = absl::ToInt64Microseconds(d);
  const char* s = micros < 0 ? "-" : (sign ? "+" : "");
  uint64_t m = static_cast<uint64_t>(micros < 0 ? -micros : micros);
  return absl::StrFormat("%s%d.%06d", s, m / 1000000, m % 1000000);
}

std::string DescribeVersion(const VerifiedResponse& v) {
  const VersionSpec& spec = Spec(v.version);
  switch (v.version) {
    case Version::kRfc1:
      return "1 (RFC 10049)";
    case Version::kDraft12:
      return "0x8000000c (drafts 12-19)";
    case Version::kGoogle:
      return "google (Google-Roughtime)";
    default:
      return absl::StrFormat("%s (0x%08x)", spec.name, spec.wire);
  }
}

std::string QueryText(const ServerTarget& target, const QueryOutcome& q) {
  std::string out;
  for (const AttemptRecord& a : q.attempts) {
    if (a.outcome.ok()) continue;
    absl::StrAppend(&out, "attempt ", a.number, " (",
                    TransportName(a.transport), ") failed: ",
                    a.outcome.message(), "\n");
  }
  if (!q.exchange.has_value()) return out;
  const Exchange& e = *q.exchange;
  const VerifiedResponse& v = e.verified;
  absl::StrAppend(&out, "server    ", target.DisplayName(), " (",
                  TransportName(e.transport), ", attempt ",
                  q.attempts.size(), ")\n");
  absl::StrAppend(&out, "version   ", DescribeVersion(v), "\n");
  absl::StrAppend(&out, "midpoint  ", FormatRfc3339(v.midpoint), "  (unix ",
                  FormatUnix(v.midpoint), ")\n");
  absl::StrAppend(&out, "radius    ", FormatSeconds(v.radius, false), " s\n");
  absl::StrAppend(&out, "rtt       ", FormatSeconds(e.rtt, false), " s\n");
  absl::StrAppend(&out, "offset    ", FormatSeconds(e.offset(), true),
                  " s  (server minus local clock at mid round trip)\n");
  if (v.pre_rfc_contexts) {
    absl::StrAppend(&out,
                    "note      signed with the pre-RFC capital-T contexts "
                    "(accepted because of --allow-pre-rfc-contexts)\n");
  }
  return out;
}

std::string QueryJson(const ServerTarget& target, const QueryOutcome& q) {
  nlohmann::ordered_json j;
  j["ok"] = q.status.ok();
  j["server"] = target.DisplayName();
  nlohmann::ordered_json attempts = nlohmann::ordered_json::array();
  for (const AttemptRecord& a : q.attempts) {
    nlohmann::ordered_json r;
    r["attempt"] = a.number;
    r["transport"] = std::string(TransportName(a.transport));
    r["backoff_seconds"] = absl::ToDoubleSeconds(a.backoff_before);
    r["ok"] = a.outcome.ok();
    if (!a.outcome.ok()) r["error"] = std::string(a.outcome.message());
    r["ignored_replies"] = a.ignored_replies;
    attempts.push_back(std::move(r));
  }
  j["attempts"] = std::move(attempts);
  if (!q.status.ok()) {
    j["error"] = std::string(q.status.message());
    return j.dump(2) + "\n";
  }
  const Exchange& e = *q.exchange;
  const VerifiedResponse& v = e.verified;
  j["transport"] = std::string(TransportName(e.transport));
  j["version"] = std::string(VersionName(v.version));
  j["version_wire"] = Spec(v.version).wire;
  j["midpoint"] = FormatRfc3339(v.midpoint);
  j["midpoint_unix_micros"] = absl::ToUnixMicros(v.midpoint);
  j["radius_seconds"] = absl::ToDoubleSeconds(v.radius);
  j["rtt_seconds"] = absl::ToDoubleSeconds(e.rtt);
  j["local_midpoint"] = FormatRfc3339(e.local_midpoint());
  j["offset_seconds"] = absl::ToDoubleSeconds(e.offset());
  j["pre_rfc_contexts"] = v.pre_rfc_contexts;
  return j.dump(2) + "\n";
}

}  // namespace roughtime::client
