// The /metrics text and the /healthz verdict, checked by parsing the page
// line by line the way a Prometheus scraper would: every line is a comment
// (# HELP / # TYPE) or a sample "name{labels} value"; every sample belongs
// to a family declared before it; every counter of stats.h is there;
// histogram buckets are cumulative, monotone, end in +Inf and _count equals
// the +Inf bucket. Counter values are distinct primes so a misplaced index
// shows.
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config/metrics_flags.h"
#include "server/metrics/metrics_format.h"
#include "server/base/metrics_histograms.h"
#include "server/base/stats.h"

namespace roughtime::server {
namespace {

struct Sample {
  std::string name;
  std::string labels;  // inside the braces, as written
  double value = 0;
};

struct ParsedPage {
  std::map<std::string, std::string> types;  // family -> type
  std::set<std::string> helps;
  std::vector<Sample> samples;
  std::vector<std::string> errors;

  const Sample* Find(const std::string& name,
                     const std::string& labels = "") const {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return &s;
    }
    return nullptr;
  }
  double Value(const std::string& name, const std::string& labels = "") const {
    const Sample* s = Find(name, labels);
    return s == nullptr ? std::nan("") : s->value;
  }
};

bool ValidName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == ':')) {
      return false;
    }
  }
  return true;
}

// name="value",name="value" with \\, \" and \n the only escapes.
bool ValidLabels(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t eq = text.find('=', i);
    if (eq == std::string::npos || !ValidName(text.substr(i, eq - i))) {
      return false;
    }
    i = eq + 1;
    if (i >= text.size() || text[i] != '"') return false;
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\') {
        if (++i >= text.size() || std::string("\\\"n").find(text[i]) ==
                                      std::string::npos) {
          return false;
        }
      }
    }
    if (i >= text.size()) return false;  // unterminated
    ++i;  // closing quote
    if (i == text.size()) return true;
    if (text[i] != ',') return false;
    ++i;
  }
  return false;  // empty, or a trailing comma
}

// The family a sample belongs to: histogram samples drop their suffix.
std::string FamilyOf(const ParsedPage& page, const std::string& name) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (name.size() > s.size() &&
        name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      auto it = page.types.find(base);
      if (it != page.types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

ParsedPage Parse(const std::string& text) {
  ParsedPage page;
  if (text.empty() || text.back() != '\n') page.errors.push_back("no final newline");
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const std::string l(line);
    if (l.rfind("# HELP ", 0) == 0) {
      std::vector<std::string> parts = absl::StrSplit(l, absl::MaxSplits(' ', 3));
      if (parts.size() < 4 || !ValidName(parts[2])) page.errors.push_back(l);
      else page.helps.insert(parts[2]);
      continue;
    }
    if (l.rfind("# TYPE ", 0) == 0) {
      std::vector<std::string> parts = absl::StrSplit(l, ' ');
      static const std::set<std::string> kTypes = {"counter", "gauge",
                                                   "histogram"};
      if (parts.size() != 4 || !ValidName(parts[2]) ||
          kTypes.count(parts[3]) == 0 || page.types.count(parts[2]) != 0) {
        page.errors.push_back(l);
      } else {
        page.types[parts[2]] = parts[3];
      }
      continue;
    }
    if (l[0] == '#') {
      page.errors.push_back(l);
      continue;
    }
    Sample s;
    const size_t brace = l.find('{');
    const size_t space = l.rfind(' ');
    if (space == std::string::npos) {
      page.errors.push_back(l);
      continue;
    }
    if (brace != std::string::npos && brace < space) {
      const size_t close = l.find('}', brace);
      if (close == std::string::npos || close + 1 != space) {
        page.errors.push_back(l);
        continue;
      }
      s.name = l.substr(0, brace);
      s.labels = l.substr(brace + 1, close - brace - 1);
      if (!ValidLabels(s.labels)) page.errors.push_back(l);
    } else {
      s.name = l.substr(0, space);
    }
    const std::string value = l.substr(space + 1);
    if (!ValidName(s.name) ||
        !(absl::SimpleAtod(value, &s.value) || value == "+Inf")) {
      page.errors.push_back(l);
      continue;
    }
    const std::string family = FamilyOf(page, s.name);
    if (page.types.count(family) == 0 || page.helps.count(family) == 0) {
      page.errors.push_back("sample before its HELP/TYPE: " + l);
    }
    const auto type = page.types.find(family);
    const bool total = s.name.size() > 6 &&
                       s.name.compare(s.name.size() - 6, 6, "_total") == 0;
    if (type != page.types.end() && type->second == "counter" && !total) {
      page.errors.push_back("counter not named *_total: " + l);
    }
    page.samples.push_back(s);
  }
  return page;
}

// A state with every counter a different prime and a known histogram.
MetricsState Filled() {
  MetricsState state;
  uint64_t p = 2;
  auto next_prime = [&p] {
    for (++p;; ++p) {
      bool prime = true;
      for (uint64_t d = 2; d * d <= p; ++d) prime = prime && p % d != 0;
      if (prime) return p;
    }
  };
  for (size_t i = 0; i < stat::kCount; ++i) state.stats[i] = next_prime();
  for (size_t b = 0; b < kNumLatencyBuckets; ++b) {
    state.histograms.latency_buckets[b] = b + 1;
  }
  state.histograms.latency_sum_ns = 1500000000;  // 1.5 s
  state.histograms.batch_size_sum = 4242;
  state.workers = 3;
  state.start = absl::FromUnixSeconds(1800000000);
  state.now = state.start + absl::Seconds(90);
  state.version = "9.9.9";
  state.served_versions = "Google,1";
  state.signing.have_identity = true;
  state.signing.mint_seconds = 1800000000 - 100;
  state.signing.maxt_seconds = 1800000000 + 1000;
  state.signing.radius = absl::Seconds(5);
  state.signing.kernel_clock_known = true;
  state.signing.kernel_synchronized = true;
  state.signing.kernel_max_error = absl::Milliseconds(250);
  return state;
}

void ExpectHistogram(const ParsedPage& page, const std::string& family,
                     double expected_count) {
  SCOPED_TRACE(family);
  EXPECT_EQ(page.types.at(family), "histogram");
  std::vector<double> les;
  std::vector<double> counts;
  for (const Sample& s : page.samples) {
    if (s.name != family + "_bucket") continue;
    ASSERT_EQ(s.labels.rfind("le=\"", 0), 0u) << s.labels;
    const std::string le = s.labels.substr(4, s.labels.size() - 5);
    double bound = 0;
    if (le == "+Inf") {
      bound = INFINITY;
    } else {
      ASSERT_TRUE(absl::SimpleAtod(le, &bound)) << le;
    }
    les.push_back(bound);
    counts.push_back(s.value);
  }
  ASSERT_GE(les.size(), 2u);
  EXPECT_TRUE(std::isinf(les.back())) << "last bucket must be +Inf";
  for (size_t i = 1; i < les.size(); ++i) {
    EXPECT_LT(les[i - 1], les[i]) << "bounds not increasing at " << i;
    EXPECT_LE(counts[i - 1], counts[i]) << "not cumulative at " << i;
  }
  EXPECT_EQ(page.Value(family + "_count"), counts.back());
  EXPECT_EQ(counts.back(), expected_count);
  EXPECT_NE(page.Find(family + "_sum"), nullptr);
}

TEST(MetricsFormatTest, PageParsesAndEveryFamilyHasHelpAndType) {
  const ParsedPage page = Parse(FormatMetrics(Filled()));
  EXPECT_THAT(page.errors, ::testing::IsEmpty());
  EXPECT_GT(page.samples.size(), 60u);
  for (const auto& [family, type] : page.types) {
    EXPECT_EQ(family.rfind("roughtimed_", 0), 0u) << family;
    EXPECT_EQ(page.helps.count(family), 1u) << family;
  }
}

TEST(MetricsFormatTest, EveryCounterOfTheIndexSpaceIsExported) {
  const MetricsState state = Filled();
  const ParsedPage page = Parse(FormatMetrics(state));
  // Every index of stats.h shows its own value somewhere on the page, under
  // a name derived from StatName (plain counters) or a label (ranges).
  for (size_t i = 0; i < stat::kCount; ++i) {
    const std::string name = StatName(i);
    SCOPED_TRACE(name);
    std::string metric, labels;
    if (i == stat::kMaxBatch) {
      metric = "roughtimed_max_batch";
    } else if (i >= stat::kDropBase && i < stat::kVersionBase) {
      if (i == stat::kDropBase) continue;  // DropReason::kNone is not a drop
      metric = "roughtimed_dropped_total";
      labels = absl::StrCat("reason=\"", name.substr(5), "\"");
    } else if (i >= stat::kVersionBase && i < stat::kBatchHistBase) {
      metric = "roughtimed_responses_by_version_total";
      labels = absl::StrCat("version=\"", name.substr(4), "\"");
    } else if (i >= stat::kBatchHistBase && i < stat::kFlushBase) {
      continue;  // the batch_size histogram, checked below
    } else if (i >= stat::kFlushBase && i < stat::kTcpBase) {
      metric = "roughtimed_flushes_total";
      labels = absl::StrCat("reason=\"", name.substr(6), "\"");
    } else {
      metric = absl::StrCat("roughtimed_", name, "_total");
      EXPECT_EQ(page.types.count(metric), 1u);
      EXPECT_EQ(page.types.at(metric), "counter");
    }
    EXPECT_EQ(page.Value(metric, labels), static_cast<double>(state.stats[i]))
        << metric << "{" << labels << "}";
  }
  EXPECT_EQ(page.Value("roughtimed_unanswered_total"),
            static_cast<double>(TotalDropped(state.stats)));
}

TEST(MetricsFormatTest, BatchSizeHistogramIsCumulativeOverStatsBuckets) {
  const MetricsState state = Filled();
  const ParsedPage page = Parse(FormatMetrics(state));
  double total = 0;
  for (size_t b = 0; b < kNumBatchBuckets; ++b) {
    total += state.stats[stat::kBatchHistBase + b];
  }
  ExpectHistogram(page, "roughtimed_batch_size", total);
  // Bucket 2-3 ends at le="3" and includes bucket 1.
  EXPECT_EQ(page.Value("roughtimed_batch_size_bucket", "le=\"3\""),
            static_cast<double>(state.stats[stat::kBatchHistBase] +
                                state.stats[stat::kBatchHistBase + 1]));
  EXPECT_EQ(page.Value("roughtimed_batch_size_sum"), 4242);
}

TEST(MetricsFormatTest, LatencyHistogramInSeconds) {
  const ParsedPage page = Parse(FormatMetrics(Filled()));
  // Buckets hold 1, 2, ..., 15: count 120.
  ExpectHistogram(page, "roughtimed_response_latency_seconds", 120);
  EXPECT_EQ(page.Value("roughtimed_response_latency_seconds_bucket",
                       "le=\"2.5e-05\""), 1);
  EXPECT_EQ(page.Value("roughtimed_response_latency_seconds_bucket",
                       "le=\"0.001\""), 1 + 2 + 3 + 4 + 5 + 6);
  EXPECT_DOUBLE_EQ(page.Value("roughtimed_response_latency_seconds_sum"), 1.5);
}

TEST(MetricsFormatTest, LatencyBucketsMatchTheirBounds) {
  EXPECT_EQ(LatencyBucket(absl::Microseconds(-3)), 0u);
  EXPECT_EQ(LatencyBucket(absl::Microseconds(25)), 0u);
  EXPECT_EQ(LatencyBucket(absl::Microseconds(26)), 1u);
  EXPECT_EQ(LatencyBucket(absl::Milliseconds(1)), 5u);
  EXPECT_EQ(LatencyBucket(absl::Seconds(1)), kLatencyBoundsUs.size() - 1);
  EXPECT_EQ(LatencyBucket(absl::Seconds(2)), kLatencyBoundsUs.size());
  ServiceHistograms h;
  h.RecordLatency(absl::Microseconds(30));
  h.RecordLatency(absl::Milliseconds(3));
  h.AddBatchSize(7);
  const HistogramsSnapshot s = h.Snapshot();
  EXPECT_EQ(s.latency_count(), 2u);
  EXPECT_EQ(s.latency_buckets[1], 1u);
  EXPECT_EQ(s.latency_buckets[7], 1u);
  EXPECT_EQ(s.latency_sum_ns, 3030000u);
  EXPECT_EQ(s.batch_size_sum, 7u);
}

TEST(MetricsFormatTest, KeyClockAndBuildGauges) {
  const ParsedPage page = Parse(FormatMetrics(Filled()));
  EXPECT_EQ(page.Value("roughtimed_delegation_mint_seconds"), 1800000000 - 100);
  EXPECT_EQ(page.Value("roughtimed_delegation_maxt_seconds"), 1800000000 + 1000);
  // now = start + 90 s: MAXT is 910 s away.
  EXPECT_EQ(page.Value("roughtimed_delegation_expiry_seconds"), 910);
  EXPECT_EQ(page.Value("roughtimed_uptime_seconds"), 90);
  EXPECT_EQ(page.Value("roughtimed_start_time_seconds"), 1800000000);
  EXPECT_EQ(page.Value("roughtimed_workers"), 3);
  EXPECT_EQ(page.Value("roughtimed_radius_seconds"), 5);
  EXPECT_EQ(page.Value("roughtimed_clock_synchronized"), 1);
  EXPECT_EQ(page.Value("roughtimed_clock_max_error_seconds"), 0.25);
  EXPECT_EQ(page.Value("roughtimed_clock_signing"), 1);
  EXPECT_EQ(page.Value("roughtimed_healthy"), 1);
  EXPECT_EQ(page.Value("roughtimed_build_info",
                       "version=\"9.9.9\",served_versions=\"Google,1\""), 1);
}

TEST(MetricsFormatTest, HealthFollowsTheDelegationWindowAndClockGate) {
  SigningState s = Filled().signing;
  const absl::Time inside = absl::FromUnixSeconds(1800000000);
  EXPECT_TRUE(EvaluateHealth(s, inside).healthy);
  EXPECT_EQ(EvaluateHealth(s, inside).text, "ok");

  const HealthVerdict expired =
      EvaluateHealth(s, absl::FromUnixSeconds(s.maxt_seconds + 1));
  EXPECT_FALSE(expired.healthy);
  EXPECT_THAT(expired.text, ::testing::HasSubstr("expired"));
  EXPECT_THAT(expired.text, ::testing::HasSubstr(absl::StrCat(s.maxt_seconds)));

  const HealthVerdict early =
      EvaluateHealth(s, absl::FromUnixSeconds(s.mint_seconds - 1));
  EXPECT_FALSE(early.healthy);
  EXPECT_THAT(early.text, ::testing::HasSubstr("no identity valid now"));

  s.clock_allows_signing = false;
  const HealthVerdict refused = EvaluateHealth(s, inside);
  EXPECT_FALSE(refused.healthy);
  EXPECT_THAT(refused.text, ::testing::HasSubstr("unsynchronised"));
  s.clock_allows_signing = true;

  // An offline delegation inside its warning period is still healthy.
  s.offline_delegation = true;
  s.warn_before = absl::Seconds(2000);
  const HealthVerdict expiring = EvaluateHealth(s, inside);
  EXPECT_TRUE(expiring.healthy);
  EXPECT_THAT(expiring.text, ::testing::StartsWith("expiring:"));
  s.warn_before = absl::Seconds(10);
  EXPECT_EQ(EvaluateHealth(s, inside).text, "ok");

  s.have_identity = false;
  EXPECT_FALSE(EvaluateHealth(s, inside).healthy);
  // No line break inside a verdict: /healthz answers one line.
  for (const HealthVerdict& v : {expired, early, refused, expiring}) {
    EXPECT_EQ(v.text.find('\n'), std::string::npos) << v.text;
  }
}

TEST(MetricsFormatTest, UnhealthyStateShowsOnThePage) {
  MetricsState state = Filled();
  state.now = absl::FromUnixSeconds(state.signing.maxt_seconds + 30);
  const ParsedPage page = Parse(FormatMetrics(state));
  EXPECT_THAT(page.errors, ::testing::IsEmpty());
  EXPECT_EQ(page.Value("roughtimed_healthy"), 0);
  EXPECT_EQ(page.Value("roughtimed_delegation_expiry_seconds"), -30);
}

TEST(MetricsListenFlagTest, ParsesHostAndPortOrOff) {
  absl::StatusOr<std::optional<SocketAddress>> off = ParseMetricsListen("");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->has_value());

  absl::StatusOr<std::optional<SocketAddress>> v4 =
      ParseMetricsListen("127.0.0.1:9202");
  ASSERT_TRUE(v4.ok()) << v4.status();
  ASSERT_TRUE(v4->has_value());
  EXPECT_EQ((*v4)->ToString(), "127.0.0.1:9202");
  EXPECT_TRUE((*v4)->is_loopback());

  absl::StatusOr<std::optional<SocketAddress>> v6 = ParseMetricsListen("[::1]:0");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ((*v6)->port(), 0);
  EXPECT_EQ((*v6)->family(), AF_INET6);

  for (const char* bad : {"127.0.0.1", "[::1]", "localhost:9202",
                          "127.0.0.1:70000", "127.0.0.1:x"}) {
    absl::StatusOr<std::optional<SocketAddress>> r = ParseMetricsListen(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_THAT(std::string(r.status().message()),
                  ::testing::HasSubstr("--metrics-listen"))
          << bad;
    }
  }
}

}  // namespace
}  // namespace roughtime::server
