#include "client/output_clock.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace roughtime::client {
namespace {

using nlohmann::ordered_json;

double Secs(absl::Duration d) { return absl::ToDoubleSeconds(d); }

// Nagios performance data: label=value[unit];warn;crit;min;max.
std::string PerfData(const ClockVerdict& v) {
  std::string out = absl::StrFormat("servers=%d;;%d", v.independent, v.quorum);
  if (v.interval.has_value()) {
    out = absl::StrFormat("offset=%.6fs low=%.6fs high=%.6fs edge=%.6fs %s",
                          Secs(v.offset), Secs(v.interval->low),
                          Secs(v.interval->high), Secs(v.edge_distance), out);
  }
  return out;
}

std::string Details(const Measurement& m, const ClockVerdict& v,
                    const MeasureReportInfo& info) {
  std::string out = absl::StrCat(
      "answers   ", m.answers.size(), " valid from ", v.independent,
      " independent server(s) (quorum ", v.quorum, "), ", m.failures.size(),
      " failed quer", m.failures.size() == 1 ? "y" : "ies", "\n");
  for (const MeasureFailure& f : m.failures) {
    absl::StrAppend(&out, "failed    ", m.servers[f.server].name, " round ",
                    f.round + 1, ": ", f.status.message(), "\n");
  }
  for (const std::string& n : info.notes) {
    absl::StrAppend(&out, "note      ", n, "\n");
  }
  if (!info.report_path.empty()) {
    absl::StrAppend(&out, "malfeasance report written to ", info.report_path,
                    "\n");
  } else if (!info.report_error.empty()) {
    absl::StrAppend(&out, "malfeasance report NOT written: ",
                    info.report_error, "\n");
  }
  return out;
}

ordered_json VerdictJson(const Measurement& m, const ClockVerdict& v,
                         const MeasureReportInfo& info) {
  ordered_json j;
  j["status"] = ClockStateName(v.state);
  j["exit_status"] = static_cast<int>(v.state);
  j["reason"] = v.reason;
  if (v.interval.has_value()) {
    j["offset_seconds"] = Secs(v.offset);
    j["interval"] = {{"low_seconds", Secs(v.interval->low)},
                     {"high_seconds", Secs(v.interval->high)}};
    j["edge_distance_seconds"] = Secs(v.edge_distance);
  } else {
    j["offset_seconds"] = nullptr;
    j["interval"] = nullptr;
    j["edge_distance_seconds"] = nullptr;
  }
  j["independent_servers"] = v.independent;
  j["quorum"] = v.quorum;
  j["answers"] = m.answers.size();
  ordered_json failures = ordered_json::array();
  for (const MeasureFailure& f : m.failures) {
    failures.push_back({{"server", m.servers[f.server].name},
                        {"round", f.round + 1},
                        {"error", std::string(f.status.message())}});
  }
  j["failures"] = failures;
  j["malfeasance"] = v.malfeasance;
  j["report"] = info.report_path.empty() ? ordered_json(nullptr)
                                         : ordered_json(info.report_path);
  if (!info.report_error.empty()) j["report_error"] = info.report_error;
  j["notes"] = info.notes;
  return j;
}

}  // namespace

std::string CheckText(const Measurement& m, const ClockVerdict& v,
                      const MeasureReportInfo& info) {
  return absl::StrCat("ROUGHTIME ", ClockStateName(v.state), " - ", v.reason,
                      " | ", PerfData(v), "\n", Details(m, v, info));
}

std::string CheckJson(const Measurement& m, const ClockVerdict& v,
                      const MeasureReportInfo& info) {
  return VerdictJson(m, v, info).dump(2) + "\n";
}

std::string SyncText(const Measurement& m, const SyncPlan& p,
                     const SyncOutcome& o, const MeasureReportInfo& info) {
  std::string out = absl::StrCat("decision  ", SyncActionName(p.action), ": ",
                                 p.reason, "\n", "clock     ", o.clock, "\n");
  if (o.would_step_to.has_value()) {
    absl::StrAppend(&out, "dry run   would step the clock by ",
                    FormatSeconds(p.step, true), " s to ",
                    FormatRfc3339(*o.would_step_to), " (unix ",
                    FormatUnix(*o.would_step_to), "); nothing changed\n");
  }
  if (o.step.has_value()) {
    absl::StrAppend(&out, "stepped   the clock by ",
                    FormatSeconds(o.step->step, true), " s from ",
                    FormatRfc3339(o.step->from), " to ",
                    FormatRfc3339(o.step->to), "\n");
  }
  if (!o.evidence_path.empty()) {
    absl::StrAppend(&out, "evidence  ", o.evidence_path,
                    " (check it with: roughtime verify-report FILE)\n");
  }
  if (!o.error.empty()) {
    absl::StrAppend(&out, "NOT stepped: ", o.error, "\n");
  }
  return out + Details(m, p.verdict, info);
}

std::string SyncJson(const Measurement& m, const SyncPlan& p,
                     const SyncOutcome& o, const MeasureReportInfo& info) {
  ordered_json j;
  j["action"] = SyncActionName(p.action);
  j["reason"] = p.reason;
  j["dry_run"] = o.dry_run;
  j["clock"] = o.clock;
  j["step_seconds"] = p.action == SyncAction::kStep ||
                              p.action == SyncAction::kRefuseBackwards
                          ? ordered_json(Secs(p.step))
                          : ordered_json(nullptr);
  if (o.would_step_to.has_value()) {
    j["would_step_to"] = FormatRfc3339(*o.would_step_to);
  }
  j["stepped"] = o.step.has_value();
  if (o.step.has_value()) {
    j["stepped_from"] = FormatRfc3339(o.step->from);
    j["stepped_to"] = FormatRfc3339(o.step->to);
    j["stepped_seconds"] = Secs(o.step->step);
  }
  j["evidence"] = o.evidence_path.empty() ? ordered_json(nullptr)
                                          : ordered_json(o.evidence_path);
  if (!o.error.empty()) j["error"] = o.error;
  j["check"] = VerdictJson(m, p.verdict, info);
  return j.dump(2) + "\n";
}

}  // namespace roughtime::client
