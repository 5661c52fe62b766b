// A short run of tools/soak.sh against the real roughtimed and
// roughtime-bench (20 s, keys rotating every 5 s, SIGHUP when supported),
// so the suite exercises the script's accounting: it must pass, account
// for every request, and see the rotations it asked for. The long run is
// in docs/PERFORMANCE.md ("Soak").
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace {

std::string Env(const char* name) {
  const char* v = getenv(name);
  return v == nullptr ? "" : v;
}

// The key=value fields of the "soak: result=..." line of `output`.
std::map<std::string, std::string> ResultFields(const std::string& output) {
  std::map<std::string, std::string> fields;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!absl::StartsWith(line, "soak: result=")) continue;
    for (absl::string_view word : absl::StrSplit(line, ' ')) {
      std::pair<std::string, std::string> kv =
          absl::StrSplit(word, absl::MaxSplits('=', 1));
      if (!kv.second.empty()) fields[kv.first] = kv.second;
    }
  }
  return fields;
}

uint64_t Number(const std::map<std::string, std::string>& f,
                const std::string& key) {
  uint64_t n = 0;
  const auto it = f.find(key);
  EXPECT_TRUE(it != f.end() && absl::SimpleAtoi(it->second, &n)) << key;
  return n;
}

TEST(SoakScriptTest, ShortSoakAccountsForEveryRequest) {
  const std::string script = Env("ROUGHTIME_SOAK_SCRIPT");
  const std::string server = Env("ROUGHTIMED");
  const std::string bench = Env("ROUGHTIME_BENCH");
  ASSERT_FALSE(script.empty() || server.empty() || bench.empty())
      << "run through meson test";
  // A sanitizer build keeps freed memory in quarantine, which shows as RSS
  // growth that is not a leak; LeakSanitizer checks leaks there instead.
  const bool sanitized = !Env("ASAN_OPTIONS").empty();
  const std::string command = absl::StrCat(
      "bash ", script, " --seconds 20 --lifetime 8s --rotate-before 3s",
      " --workers 1 --concurrency 16 --sample-every 2",
      " --rss-tolerance-kb ", sanitized ? 262144 : 4096,
      " --roughtimed ", server, " --bench ", bench, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, n);
  }
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;

  const auto f = ResultFields(output);
  ASSERT_FALSE(f.empty()) << output;
  EXPECT_EQ(f.at("result"), "PASS") << output;
  const uint64_t sent = Number(f, "sent");
  EXPECT_GT(sent, 1000u) << output;
  EXPECT_EQ(Number(f, "unexplained"), 0u) << output;
  EXPECT_EQ(Number(f, "verify_failed"), 0u) << output;
  EXPECT_GT(Number(f, "verified"), 0u) << output;
  // 20 s with a new key every 5 s: at least two switches.
  EXPECT_GE(Number(f, "key_switches"), 2u) << output;
  // Every request sent is either answered or in one of the counted
  // categories (the script's identity, checked here from its fields).
  EXPECT_EQ(Number(f, "answered") + Number(f, "lost"), sent) << output;
  EXPECT_EQ(Number(f, "server_requests"),
            Number(f, "server_responses") + Number(f, "send_errors"))
      << output;
  ::testing::Test::RecordProperty("sent", std::to_string(sent));
}

}  // namespace
