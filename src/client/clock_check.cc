#include "client/clock_check.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "client/output.h"

namespace roughtime::client {

const char* ClockStateName(ClockState s) {
  switch (s) {
    case ClockState::kInside:
      return "OK";
    case ClockState::kNearEdge:
      return "WARNING";
    case ClockState::kOutside:
      return "CRITICAL";
    case ClockState::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

size_t CountIndependentServers(const Measurement& m) {
  std::set<PublicKey> keys;
  for (const MeasuredAnswer& a : m.answers) {
    keys.insert(m.servers[a.server].public_key);
  }
  return keys.size();
}

ClockVerdict JudgeClock(const Measurement& m, const ClockCheckOptions& opt) {
  ClockVerdict v;
  v.quorum = opt.quorum;
  v.independent = CountIndependentServers(m);
  const ConsistencyResult& c = m.consistency;
  if (c.local_offset.has_value()) {
    v.interval = c.local_offset;
    v.offset = (c.local_offset->low + c.local_offset->high) / 2;
    v.edge_distance = std::min(-c.local_offset->low, c.local_offset->high);
  }
  // Order matters: contradicting answers mean some server lies, so there
  // is no interval to trust (§8.2) whatever the count.
  if (!c.consistent()) {
    v.malfeasance = true;
    v.interval.reset();
    v.reason = absl::StrCat(c.violations.size(),
                            " pair(s) of valid answers contradict each other "
                            "(malfeasance); no agreed time");
    return v;
  }
  if (v.independent < opt.quorum) {
    v.reason = absl::StrCat("only ", v.independent,
                            " independent server(s) answered validly; "
                            "quorum is ", opt.quorum);
    return v;
  }
  if (!v.interval.has_value()) {
    v.reason = "the answers do not overlap in one interval";
    return v;
  }
  const std::string where = absl::StrCat(
      "offset ", FormatSeconds(v.offset, true), " s, agreed ",
      FormatSeconds(v.interval->low, true), " .. ",
      FormatSeconds(v.interval->high, true), " s");
  if (v.edge_distance < absl::ZeroDuration()) {
    v.state = ClockState::kOutside;
    v.reason = absl::StrCat("local clock outside the agreed interval by ",
                            FormatSeconds(-v.edge_distance, false), " s: ",
                            where);
  } else if (v.edge_distance < opt.warn_margin) {
    v.state = ClockState::kNearEdge;
    v.reason = absl::StrCat("local clock inside but ",
                            FormatSeconds(v.edge_distance, false),
                            " s from an edge (margin ",
                            FormatSeconds(opt.warn_margin, false), " s): ",
                            where);
  } else {
    v.state = ClockState::kInside;
    v.reason = absl::StrCat("local clock inside the agreed interval: ", where);
  }
  return v;
}

}  // namespace roughtime::client
