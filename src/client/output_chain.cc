// Output of `measure` and `verify-report`.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/output.h"
#include "nlohmann/json.hpp"

namespace roughtime::client {
namespace {

using nlohmann::ordered_json;

std::string PairList(const std::vector<InconsistentPair>& pairs) {
  return absl::StrJoin(pairs, ", ", [](std::string* out, InconsistentPair p) {
    absl::StrAppend(out, "(", p.earlier, ",", p.later, ")");
  });
}

ordered_json PairsJson(const std::vector<InconsistentPair>& pairs) {
  ordered_json a = ordered_json::array();
  for (const InconsistentPair& p : pairs) a.push_back({p.earlier, p.later});
  return a;
}

std::string AnswerName(const Measurement& m, const MeasuredAnswer& a) {
  return absl::StrCat(m.servers[a.server].name, " round ", a.round + 1);
}

}  // namespace

std::string MeasureText(const Measurement& m, const MeasureReportInfo& info) {
  std::string out;
  for (const std::string& n : info.notes) absl::StrAppend(&out, "note: ", n, "\n");
  for (size_t k = 0; k < m.answers.size(); ++k) {
    const MeasuredAnswer& a = m.answers[k];
    const VerifiedResponse& v = a.exchange.verified;
    absl::StrAppend(&out, "answer ", k, ": ", AnswerName(m, a), "  ",
                    FormatRfc3339(v.midpoint), " ±",
                    FormatSeconds(v.radius, false), " s  offset ",
                    FormatSeconds(a.exchange.offset(), true), " s  version ",
                    DescribeVersion(v), "\n");
  }
  for (const MeasureFailure& f : m.failures) {
    absl::StrAppend(&out, "failed: ", m.servers[f.server].name, " round ",
                    f.round + 1, ": ", f.status.message(), "\n");
  }
  const ConsistencyResult& c = m.consistency;
  if (c.consistent()) {
    absl::StrAppend(&out, "consistent: every pair of the ", m.answers.size(),
                    " answers satisfies MIDP_i - RADI_i <= MIDP_j + RADI_j\n");
  } else {
    absl::StrAppend(&out, "INCONSISTENT: ", c.violations.size(),
                    " pair(s) violate MIDP_i - RADI_i <= MIDP_j + RADI_j: ",
                    PairList(c.violations), "\n");
    for (const InconsistentPair& p : c.violations) {
      absl::StrAppend(&out, "  answer ", p.earlier, " (",
                      AnswerName(m, m.answers[p.earlier]), ") vs answer ",
                      p.later, " (", AnswerName(m, m.answers[p.later]), ")\n");
    }
  }
  if (c.agreed.has_value()) {
    absl::StrAppend(&out, "agreed    ", FormatRfc3339(c.agreed->earliest),
                    " .. ", FormatRfc3339(c.agreed->latest), "\n");
  } else if (!m.answers.empty()) {
    absl::StrAppend(&out, "agreed    (none: the intervals do not overlap)\n");
  }
  if (c.local_offset.has_value()) {
    absl::StrAppend(&out, "offset    ", FormatSeconds(c.local_offset->low, true),
                    " .. ", FormatSeconds(c.local_offset->high, true),
                    " s  (server minus local clock)\n");
  }
  if (!info.report_path.empty()) {
    absl::StrAppend(&out, "malfeasance report written to ", info.report_path,
                    "\n");
  }
  if (!info.report_error.empty()) {
    absl::StrAppend(&out, "malfeasance report NOT written: ",
                    info.report_error, "\n");
  }
  return out;
}

std::string MeasureJson(const Measurement& m, const MeasureReportInfo& info) {
  ordered_json j;
  j["ok"] = m.success();
  j["notes"] = info.notes;
  ordered_json answers = ordered_json::array();
  for (const MeasuredAnswer& a : m.answers) {
    const VerifiedResponse& v = a.exchange.verified;
    ordered_json r;
    r["server"] = m.servers[a.server].name;
    r["round"] = a.round + 1;
    r["transport"] = std::string(TransportName(a.exchange.transport));
    r["version"] = std::string(VersionName(v.version));
    r["midpoint"] = FormatRfc3339(v.midpoint);
    r["midpoint_unix_micros"] = absl::ToUnixMicros(v.midpoint);
    r["radius_seconds"] = absl::ToDoubleSeconds(v.radius);
    r["rtt_seconds"] = absl::ToDoubleSeconds(a.exchange.rtt);
    r["offset_seconds"] = absl::ToDoubleSeconds(a.exchange.offset());
    answers.push_back(std::move(r));
  }
  j["answers"] = std::move(answers);
  ordered_json failures = ordered_json::array();
  for (const MeasureFailure& f : m.failures) {
    failures.push_back({{"server", m.servers[f.server].name},
                        {"round", f.round + 1},
                        {"error", std::string(f.status.message())}});
  }
  j["failures"] = std::move(failures);
  j["consistent"] = m.consistency.consistent();
  j["inconsistent_pairs"] = PairsJson(m.consistency.violations);
  if (m.consistency.agreed.has_value()) {
    j["agreed"] = {{"earliest", FormatRfc3339(m.consistency.agreed->earliest)},
                   {"latest", FormatRfc3339(m.consistency.agreed->latest)}};
  } else {
    j["agreed"] = nullptr;
  }
  if (m.consistency.local_offset.has_value()) {
    j["offset_seconds"] = {
        {"low", absl::ToDoubleSeconds(m.consistency.local_offset->low)},
        {"high", absl::ToDoubleSeconds(m.consistency.local_offset->high)}};
  } else {
    j["offset_seconds"] = nullptr;
  }
  j["report"] = info.report_path.empty() ? ordered_json(nullptr)
                                         : ordered_json(info.report_path);
  if (!info.report_error.empty()) j["report_error"] = info.report_error;
  return j.dump(2) + "\n";
}

std::string ReportVerdictText(const ReportVerdict& v, bool draft_contexts) {
  std::string out;
  for (size_t k = 0; k < v.entries.size(); ++k) {
    const EntryVerdict& e = v.entries[k];
    absl::StrAppend(&out, "entry ", k, ": ");
    if (e.verified.has_value()) {
      absl::StrAppend(&out, "signature valid, version ",
                      DescribeVersion(*e.verified), ", midpoint ",
                      FormatRfc3339(e.verified->midpoint), " ±",
                      FormatSeconds(e.verified->radius, false), " s");
    } else {
      absl::StrAppend(&out, "INVALID response: ", e.response.message());
    }
    if (k > 0) {
      absl::StrAppend(&out, e.chain.ok() ? "; chained nonce ok"
                                         : "; CHAIN BROKEN: ",
                      e.chain.ok() ? "" : e.chain.message());
    }
    absl::StrAppend(&out, "\n");
  }
  if (v.violations.empty()) {
    absl::StrAppend(&out, "pairs: all consistent\n");
  } else {
    absl::StrAppend(&out, "inconsistent pairs (i received before j, "
                          "MIDP_i - RADI_i > MIDP_j + RADI_j): ",
                    PairList(v.violations), "\n");
  }
  if (draft_contexts) {
    absl::StrAppend(&out, "note: version-1 entries were allowed the pre-RFC "
                          "capital-T contexts (--draft-contexts)\n");
  }
  if (!v.all_valid()) {
    absl::StrAppend(&out, "verdict: report INVALID\n");
  } else if (v.proves_inconsistency()) {
    absl::StrAppend(&out, "verdict: valid report; it proves the servers "
                          "contradict each other\n");
  } else {
    absl::StrAppend(&out, "verdict: valid report, but every pair is "
                          "consistent (no malfeasance shown)\n");
  }
  return out;
}

std::string ReportVerdictJson(const ReportVerdict& v, bool draft_contexts) {
  ordered_json j;
  j["valid"] = v.all_valid();
  j["proves_inconsistency"] = v.proves_inconsistency();
  j["draft_contexts"] = draft_contexts;
  ordered_json entries = ordered_json::array();
  for (size_t k = 0; k < v.entries.size(); ++k) {
    const EntryVerdict& e = v.entries[k];
    ordered_json r;
    r["index"] = k;
    r["response_ok"] = e.response.ok();
    if (!e.response.ok()) r["response_error"] = std::string(e.response.message());
    r["chain_ok"] = e.chain.ok();
    if (!e.chain.ok()) r["chain_error"] = std::string(e.chain.message());
    if (e.verified.has_value()) {
      r["version"] = std::string(VersionName(e.verified->version));
      r["midpoint"] = FormatRfc3339(e.verified->midpoint);
      r["radius_seconds"] = absl::ToDoubleSeconds(e.verified->radius);
      r["pre_rfc_contexts"] = e.verified->pre_rfc_contexts;
    }
    entries.push_back(std::move(r));
  }
  j["entries"] = std::move(entries);
  j["inconsistent_pairs"] = PairsJson(v.violations);
  return j.dump(2) + "\n";
}

}  // namespace roughtime::client
