// Every vector in tests/vectors is checked here: third-party
// captures verify with our verifier, and our builder reproduces the
// synthetic version-1 set byte for byte.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "roughtime/certificate.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"
#include "support/vectors.h"

namespace roughtime::testing {
namespace {

using ::testing::HasSubstr;

VerifyOptions OptionsFor(const PublicKey& root, const Bytes& request,
                         bool google) {
  VerifyOptions o;
  o.root_public_key = root;
  o.request_packet = request;
  o.google = google;
  if (!google) o.offered_wire_versions = OfferedVersions(request);
  return o;
}

// Cloudflare's generator: fixed seeds, MINT 0, MAXT 100, MIDP 50, RADI 5
// (seconds; microseconds for Google).
class CloudflareVectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CloudflareVectorTest, EveryReplyVerifiesForItsOwnRequestOnly) {
  const auto loaded = LoadJson("cloudflare/" + GetParam() + ".json");
  ASSERT_TRUE(loaded.has_value());
  const nlohmann::json& json = *loaded;
  const bool google = GetParam().find("google") != std::string::npos;
  const SigningKey root = SigningKey::FromSeed(
      SeedFromHex(json["root_key"].get<std::string>()));
  ASSERT_EQ(HexEncode(root.public_key()),
            "1ce90cc9d5476809f9088f52018d9a8e5b8449951e2468e13de00d0234d50d14");
  const auto& requests = json["request"];
  const auto& replies = json["replies"];
  ASSERT_EQ(requests.size(), replies.size());
  ASSERT_GE(requests.size(), 1u);
  for (size_t i = 0; i < requests.size(); ++i) {
    const Bytes request = Hex(requests[i].get<std::string>());
    const Bytes reply = Hex(replies[i].get<std::string>());
    const Bytes nonce = RequestNonce(request);
    VerifyOptions o = OptionsFor(root.public_key(), request, google);
    o.nonce = nonce;
    auto verified = VerifyResponse(reply, o);
    ASSERT_TRUE(verified.ok()) << GetParam() << " #" << i << ": "
                               << verified.status();
    EXPECT_EQ(verified->index, i);
    EXPECT_EQ(verified->raw_radius, google ? 5000000u : 5u);
    EXPECT_EQ(verified->raw_midpoint, google ? 50000000u : 50u);
    EXPECT_EQ(verified->path_length, requests.size() == 1 ? 0u : 4u);
    EXPECT_EQ(HexEncode(verified->online_key),
              "81d19b7ff58d408302a83f24da533dde16b71f80f8c1b8ce2798ae1571de3779");
    // The same reply must fail for another request of the batch (the
    // nonce no longer matches; with the nonce forced, the Merkle proof).
    if (requests.size() > 1) {
      const Bytes other = Hex(requests[(i + 1) % requests.size()].get<std::string>());
      VerifyOptions wrong = OptionsFor(root.public_key(), other, google);
      const Bytes other_nonce = RequestNonce(other);
      wrong.nonce = other_nonce;
      EXPECT_FALSE(VerifyResponse(reply, wrong).ok());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllFiles, CloudflareVectorTest,
    ::testing::Values("roughtime_google_001", "roughtime_google_010",
                      "roughtime_ietf_draft08_001", "roughtime_ietf_draft08_010",
                      "roughtime_ietf_draft11_001",
                      "roughtime_ietf_draft11_010"));

TEST(CloudflareVectorTest, Draft11RepliesNameDraft11AndDraft08NameDraft08) {
  for (const auto& [file, version] :
       {std::pair{"roughtime_ietf_draft08_001", Version::kDraft08},
        std::pair{"roughtime_ietf_draft11_001", Version::kDraft11}}) {
    const auto loaded = LoadJson(std::string("cloudflare/") + file + ".json");
    ASSERT_TRUE(loaded.has_value());
    const nlohmann::json& json = *loaded;
    const Bytes request = Hex(json["request"][0].get<std::string>());
    const SigningKey root = SigningKey::FromSeed(
        SeedFromHex(json["root_key"].get<std::string>()));
    VerifyOptions o = OptionsFor(root.public_key(), request, false);
    const Bytes nonce = RequestNonce(request);
    o.nonce = nonce;
    auto v = VerifyResponse(Hex(json["replies"][0].get<std::string>()), o);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->version, version);
  }
}

TEST(SyntheticV1Test, BuilderReproducesSingleAndBatchOfFourByteForByte) {
  const auto loaded = LoadJson("synthetic-v1/rfc10049_v1_synthetic.json");
  ASSERT_TRUE(loaded.has_value());
  const nlohmann::json& json = *loaded;
  const SigningKey root =
      SigningKey::FromSeed(SeedFromHex(json["root_seed"].get<std::string>()));
  const SigningKey online =
      SigningKey::FromSeed(SeedFromHex(json["online_seed"].get<std::string>()));
  ASSERT_EQ(HexEncode(root.public_key()), json["root_public_key"]);
  ASSERT_EQ(HexEncode(ComputeSrv(root.public_key())), json["srv"]);
  const DelegationWindow window{json["mint"].get<uint64_t>(),
                                json["maxt"].get<uint64_t>()};
  const VersionSet served{Version::kRfc1};
  const OnlineIdentity identity =
      DelegateOnlineKey(root, online, window, served);
  EXPECT_EQ(HexEncode(identity.cert(CertFamily::kRfc1)), json["cert_hex"]);

  RequestPolicy policy;
  policy.served = served;
  policy.srv = ComputeSrv(root.public_key());
  const absl::Time now = absl::FromUnixSeconds(json["midp"].get<int64_t>());
  const absl::Duration radius = absl::Seconds(json["radi"].get<int64_t>());

  struct Case {
    std::vector<std::string> requests, responses;
    std::string root;
  };
  std::vector<Case> cases;
  cases.push_back({{json["single"]["request"].get<std::string>()},
                   {json["single"]["response"].get<std::string>()},
                   json["single"]["root"].get<std::string>()});
  cases.push_back(
      {json["batch4"]["requests"].get<std::vector<std::string>>(),
       json["batch4"]["responses"].get<std::vector<std::string>>(),
       json["batch4"]["root"].get<std::string>()});
  for (const Case& c : cases) {
    std::vector<Bytes> packets;
    for (const auto& r : c.requests) packets.push_back(Hex(r));
    BatchResponder responder(&identity, served, 64);
    for (const Bytes& p : packets) {
      ParsedRequest parsed;
      ASSERT_EQ(ParseRequest(p, policy, &parsed), DropReason::kNone);
      ASSERT_TRUE(responder.Add(parsed));
    }
    ASSERT_TRUE(responder.Sign(now, radius).ok());
    EXPECT_EQ(responder.signatures(), 1u);
    for (size_t i = 0; i < packets.size(); ++i) {
      uint8_t out[kMaxResponseSize];
      auto size = responder.WriteResponse(i, MutableByteSpan(out));
      ASSERT_TRUE(size.ok()) << size.status();
      EXPECT_EQ(HexEncode(ByteSpan(out, *size)), c.responses[i])
          << "response " << i << " of a batch of " << packets.size();
      VerifyOptions o;
      o.root_public_key = root.public_key();
      o.request_packet = packets[i];
      const Bytes nonce = RequestNonce(packets[i]);
      o.nonce = nonce;
      auto v = VerifyResponse(ByteSpan(out, *size), o);
      ASSERT_TRUE(v.ok()) << v.status();
      EXPECT_EQ(v->version, Version::kRfc1);
      EXPECT_FALSE(v->pre_rfc_contexts);
    }
  }
}

TEST(RoughenoughCaptureTest, DraftTwelveResponseVerifies) {
  const auto request_file =
      LoadHexFile("roughenough-0x8000000c/rfc-request.071039e5.hex");
  const auto response_file =
      LoadHexFile("roughenough-0x8000000c/rfc-response.071039e5.hex");
  ASSERT_TRUE(request_file.has_value() && response_file.has_value());
  const Bytes& request = *request_file;
  const Bytes& response = *response_file;
  ASSERT_EQ(request.size(), 1024u);
  ASSERT_EQ(response.size(), 420u);
  auto key = Base64Decode("AW5uAoTSTDfG5NfY1bTh08GUnOqlRb+HVhbJ3ODJvsE=");
  ASSERT_TRUE(key.ok());
  VerifyOptions o;
  std::copy(key->begin(), key->end(), o.root_public_key.begin());
  o.request_packet = request;
  const Bytes nonce = RequestNonce(request);
  o.nonce = nonce;
  o.offered_wire_versions = OfferedVersions(request);
  ASSERT_THAT(o.offered_wire_versions, ::testing::ElementsAre(0x8000000cu));
  auto v = VerifyResponse(response, o);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->version, Version::kDraft12);
  EXPECT_EQ(v->raw_radius, 5u);
  EXPECT_EQ(v->raw_midpoint, 1747944450u);
  EXPECT_EQ(v->raw_mint, 0u);
  EXPECT_EQ(v->raw_maxt, 0xffffffffffffffffu);
  EXPECT_THAT(v->vers, ::testing::ElementsAre(0u, 0x8000000cu));

  // Our server-side parser accepts roughenough's 1024-byte packet.
  RequestPolicy policy;
  ParsedRequest parsed;
  EXPECT_EQ(ParseRequest(request, policy, &parsed), DropReason::kNone);
  EXPECT_EQ(parsed.version, Version::kDraft12);
  EXPECT_TRUE(parsed.has_type);  // it carries TYPE=0
}

TEST(RoughenoughCaptureTest, OtherFixturesParse) {
  const auto srv_file =
      LoadHexFile("roughenough-0x8000000c/rfc-request.SRV.417aa962.hex");
  const auto golden_file =
      LoadHexFile("roughenough-0x8000000c/golden-response.phase8.hex");
  ASSERT_TRUE(srv_file.has_value() && golden_file.has_value());
  const Bytes& srv_request = *srv_file;
  ASSERT_GE(srv_request.size(), 12u + 8 * 5 + 36);
  RequestPolicy policy;  // our SRV differs from the one in the capture
  ParsedRequest parsed;
  EXPECT_EQ(ParseRequest(srv_request, policy, &parsed), DropReason::kWrongSrv);
  policy.srv = {};
  std::copy(srv_request.begin() + 12 + 8 * 5 + 4, srv_request.begin() + 12 + 8 * 5 + 36,
            policy.srv.begin());
  EXPECT_EQ(ParseRequest(srv_request, policy, &parsed), DropReason::kNone);

  const Bytes& golden = *golden_file;
  auto frame = UnwrapFrame(golden);
  ASSERT_TRUE(frame.ok()) << frame.status();
  auto top = MessageView::Parse(*frame);
  ASSERT_TRUE(top.ok()) << top.status();
  auto path = top->Get(kTagPath);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->size(), 64u);
  EXPECT_EQ(*top->GetU32(kTagIndx), 7u);
  auto srep = top->GetMessage(kTagSrep);
  ASSERT_TRUE(srep.ok());
  EXPECT_EQ(*srep->GetU64(kTagMidp), 0x1122334455667788u);
  // Its signatures are fake (0x33...), so full verification must fail.
  VerifyOptions o;
  o.offered_wire_versions = {1, 0x8000000c};
  const Bytes nonce(32, 0x44);
  o.nonce = nonce;
  EXPECT_FALSE(VerifyResponse(golden, o).ok());
}

// RFC 10049 Appendix B: three chained version-1 exchanges whose signatures
// were made with the pre-RFC capital-T contexts. They must be rejected under
// version-1 rules (lower-case contexts) and verify only when the pre-RFC
// contexts are explicitly allowed. docs/PROTOCOL.md records the inconsistency.
TEST(AppendixBTest, VerifiesOnlyUnderCapitalTContexts) {
  const auto loaded = LoadJson("rfc10049-appendix-b/appendix_b.json");
  ASSERT_TRUE(loaded.has_value());
  const nlohmann::json& json = *loaded;
  const auto& entries = json["entries"];
  ASSERT_EQ(entries.size(), 3u);
  const uint64_t midps[] = {1773685571, 1773599171, 1773599171};
  for (size_t i = 0; i < entries.size(); ++i) {
    const Bytes request = Hex(entries[i]["request"].get<std::string>());
    const Bytes response = Hex(entries[i]["response"].get<std::string>());
    VerifyOptions o;
    o.root_public_key =
        PublicKeyFromHex(entries[i]["publicKey"].get<std::string>());
    o.request_packet = request;
    const Bytes nonce = RequestNonce(request);
    o.nonce = nonce;
    o.offered_wire_versions = OfferedVersions(request);
    auto strict = VerifyResponse(response, o);
    ASSERT_FALSE(strict.ok());
    EXPECT_THAT(std::string(strict.status().message()),
                HasSubstr("pre-RFC 'RoughTime'"));
    o.allow_pre_rfc_contexts = true;
    auto lenient = VerifyResponse(response, o);
    ASSERT_TRUE(lenient.ok()) << lenient.status();
    EXPECT_TRUE(lenient->pre_rfc_contexts);
    EXPECT_EQ(lenient->version, Version::kRfc1);
    EXPECT_EQ(lenient->raw_midpoint, midps[i]);
    EXPECT_EQ(lenient->raw_radius, 3u);
  }
}

}  // namespace
}  // namespace roughtime::testing
