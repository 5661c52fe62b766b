// Malfeasance reports: the RFC 10049 Appendix B chain (converted from the
// vector's hex to the §8.4.1 JSON report format) verifies only with the
// drafts' capital-T contexts and shows pairs (0,1) and (0,2) inconsistent;
// report encoding, parsing and the errors for broken reports.
#include <optional>
#include <string>
#include <vector>

#include "client/malfeasance_report.h"
#include "client/report_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "support/files.h"
#include "support/run_program.h"
#include "support/temp_dir.h"
#include "support/vectors.h"

namespace roughtime::testing {
namespace {

using client::InconsistentPair;
using client::ReportEntry;
using ::roughtime::testing::Hex;
using ::roughtime::testing::LoadJson;
using ::testing::HasSubstr;

// A missing or malformed file is a failure (naming it) of the test that
// asked, recorded by the loader.
std::vector<ReportEntry> AppendixB() {
  std::optional<nlohmann::json> doc =
      LoadJson("rfc10049-appendix-b/appendix_b.json");
  if (!doc) return {};
  std::vector<ReportEntry> out;
  for (const auto& e : (*doc)["entries"]) {
    ReportEntry r;
    if (e.contains("rand")) r.rand = Hex(e["rand"]);
    r.public_key = Hex(e["publicKey"]);
    r.request = Hex(e["request"]);
    r.response = Hex(e["response"]);
    out.push_back(std::move(r));
  }
  EXPECT_EQ(out.size(), 3u);
  return out;
}

class ReportTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& contents) {
    WriteFile(dir_.File(name), contents);
    return dir_.File(name);
  }
  ProgramResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), PathFromEnv("ROUGHTIME_CLI"));
    return RunProgram(args);
  }
  TempDir dir_;
};

TEST_F(ReportTest, AppendixBIsValidUnderDraftContextsAndInconsistent) {
  client::ReportVerdict v = client::CheckReport(AppendixB(), true);
  ASSERT_TRUE(v.all_valid()) << v.entries[0].response;
  const std::vector<InconsistentPair> expected = {{0, 1}, {0, 2}};
  EXPECT_EQ(v.violations, expected);
  EXPECT_TRUE(v.proves_inconsistency());
  const int64_t midp[] = {1773685571, 1773599171, 1773599171};
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_TRUE(v.entries[k].verified->pre_rfc_contexts);
    EXPECT_EQ(v.entries[k].verified->version, Version::kRfc1);
    EXPECT_EQ(absl::ToUnixSeconds(v.entries[k].verified->midpoint), midp[k]);
    EXPECT_EQ(v.entries[k].verified->radius, absl::Seconds(3));
  }
}

TEST_F(ReportTest, AppendixBIsRejectedUnderVersion1Rules) {
  client::ReportVerdict v = client::CheckReport(AppendixB(), false);
  EXPECT_FALSE(v.all_valid());
  EXPECT_FALSE(v.proves_inconsistency());
  for (const client::EntryVerdict& e : v.entries) {
    EXPECT_THAT(e.response.message(), HasSubstr("pre-RFC 'RoughTime'"));
    // The chain itself does not depend on the signature contexts.
    EXPECT_TRUE(e.chain.ok()) << e.chain;
  }
}

TEST_F(ReportTest, AppendixBThroughTheCli) {
  const std::string report =
      Write("appendix-b.json", client::EncodeReport(AppendixB()));
  ProgramResult draft = Cli({"verify-report", report, "--draft-contexts"});
  EXPECT_EQ(draft.exit_code, 3) << draft.err;
  EXPECT_THAT(draft.out, HasSubstr("inconsistent pairs"));
  EXPECT_THAT(draft.out, HasSubstr("(0,1), (0,2)\n"));
  EXPECT_THAT(draft.out, HasSubstr("entry 2: signature valid"));
  EXPECT_THAT(draft.out, HasSubstr("chained nonce ok"));

  ProgramResult strict = Cli({"verify-report", report});
  EXPECT_EQ(strict.exit_code, 4);
  EXPECT_EQ(std::count(strict.err.begin(), strict.err.end(), '\n'), 1);
  EXPECT_THAT(strict.err, HasSubstr("report invalid: entry 0: delegation "
                                    "signed with the pre-RFC"));
  EXPECT_THAT(strict.out, HasSubstr("verdict: report INVALID"));

  ProgramResult json =
      Cli({"verify-report", report, "--draft-contexts", "--json"});
  EXPECT_EQ(json.exit_code, 3);
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_TRUE(j["valid"].get<bool>());
  EXPECT_EQ(j["inconsistent_pairs"], nlohmann::json::parse("[[0,1],[0,2]]"));
}

TEST_F(ReportTest, BrokenChainIsFound) {
  std::vector<ReportEntry> entries = AppendixB();
  (*entries[2].rand)[0] ^= 1;
  client::ReportVerdict v = client::CheckReport(entries, true);
  EXPECT_FALSE(v.all_valid());
  EXPECT_TRUE(v.entries[1].chain.ok());
  EXPECT_THAT(v.entries[2].chain.message(), HasSubstr("chain is broken"));
  // Entry 2's own signature still verifies: only the link is wrong.
  EXPECT_TRUE(v.entries[2].response.ok());

  entries = AppendixB();
  entries[1].rand.reset();
  v = client::CheckReport(entries, true);
  EXPECT_THAT(v.entries[1].chain.message(), HasSubstr("no \"rand\""));
}

TEST_F(ReportTest, EncodingIsTheRfcShapeAndRoundTrips) {
  std::vector<ReportEntry> entries = AppendixB();
  const std::string text = client::EncodeReport(entries);
  nlohmann::json j = nlohmann::json::parse(text);
  ASSERT_EQ(j.size(), 1u);
  ASSERT_EQ(j["responses"].size(), 3u);
  EXPECT_FALSE(j["responses"][0].contains("rand"));
  EXPECT_EQ(j["responses"][1]["rand"],
            "v/DirVBRQLGtictYD7mN3px02UlMT4J3haTRomt1NNM=");
  EXPECT_EQ(j["responses"][0]["publicKey"],
            Base64Encode(Hex("1670f22d5ffaf1ea6184b74525b74418276456fa570da55"
                             "ee4f62f44376538e6")));
  // Standard alphabet with padding: 1036 bytes -> 1384 characters.
  EXPECT_EQ(j["responses"][0]["request"].get<std::string>().size(), 1384u);
  absl::StatusOr<std::vector<ReportEntry>> back = client::ParseReport(text);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ((*back)[k].rand, entries[k].rand);
    EXPECT_EQ((*back)[k].request, entries[k].request);
    EXPECT_EQ((*back)[k].response, entries[k].response);
    EXPECT_EQ((*back)[k].public_key, entries[k].public_key);
  }
}

TEST_F(ReportTest, MalformedReportsAreInvalid) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not JSON"},
      {"{}", "no \"responses\" array"},
      {R"({"responses":[]})", "\"responses\" is empty"},
      {R"({"responses":[{"publicKey":"AAAA","request":"AAAA"}]})",
       "responses[0]: no string \"response\""},
      {R"({"responses":[{"publicKey":"AAAA","request":"!!","response":"AAAA"}]})",
       "responses[0].request: not base64"},
  };
  for (const auto& [json, error] : cases) {
    SCOPED_TRACE(json);
    absl::StatusOr<std::vector<ReportEntry>> r = client::ParseReport(json);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.status().message(), HasSubstr(error));
    ProgramResult cli = Cli({"verify-report", Write("bad.json", json)});
    EXPECT_EQ(cli.exit_code, 4);
    EXPECT_THAT(cli.err, HasSubstr(error));
  }
  // Well-formed JSON whose bytes are not a request/response.
  ProgramResult junk =
      Cli({"verify-report", Write("junk.json", R"({"responses":[{"publicKey":
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","request":"AAAA",
      "response":"AAAA"}]})")});
  EXPECT_EQ(junk.exit_code, 4);
  EXPECT_THAT(junk.err, HasSubstr("report invalid: entry 0: request"));
  ProgramResult missing = Cli({"verify-report", dir_.File("none.json")});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_THAT(missing.err, HasSubstr("cannot read the report"));
}

}  // namespace
}  // namespace roughtime::testing
