// Build request -> server-side parse -> batch -> every response verifies for
// its own request and fails for any other, for every version.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "roughtime/certificate.h"
#include "roughtime/request.h"
#include "roughtime/response.h"

namespace roughtime {
namespace {

struct Profile {
  std::string name;
  std::vector<uint32_t> offered;
  bool google;
  bool type;
  size_t message_size;
  Version expected;
};

std::vector<Profile> Profiles() {
  return {
      {"rfc1", {1, 0x8000000c}, false, true, 1024, Version::kRfc1},
      {"draft12_type", {0x8000000c}, false, true, 1024, Version::kDraft12},
      {"draft12_notype", {0x8000000c}, false, false, 1024, Version::kDraft12},
      {"draft11", {0x8000000b, 0x80000008}, false, false, 1012, Version::kDraft11},
      {"draft10", {0x8000000a}, false, false, 1012, Version::kDraft10},
      {"draft09", {0x80000009}, false, false, 1012, Version::kDraft09},
      {"draft08", {0x80000008}, false, false, 1012, Version::kDraft08},
      {"google", {}, true, false, 1024, Version::kGoogle},
  };
}

class RoundTripTest : public ::testing::TestWithParam<size_t> {
 protected:
  RoundTripTest()
      : root_(SigningKey::Generate()),
        identity_(DelegateOnlineKey(root_, {now_s_ - 3600, now_s_ + 3600})) {
    policy_.srv = ComputeSrv(root_.public_key());
  }

  BuiltRequest MakeRequest(const Profile& p) {
    RequestOptions o;
    o.offered_wire_versions = p.offered;
    o.google = p.google;
    o.include_type = p.type;
    o.message_size = p.message_size;
    if (!p.google && p.expected >= Version::kDraft10) {
      o.server_key = root_.public_key();
    }
    auto r = BuildRequest(o);
    EXPECT_TRUE(r.ok()) << r.status();
    return *r;
  }

  VerifyOptions OptionsFor(const Profile& p, const BuiltRequest& r) {
    VerifyOptions o;
    o.root_public_key = root_.public_key();
    o.request_packet = r.packet;
    o.nonce = r.nonce;
    o.offered_wire_versions = p.offered;
    o.google = p.google;
    return o;
  }

  const uint64_t now_s_ = 1800000000;
  SigningKey root_;
  OnlineIdentity identity_;
  RequestPolicy policy_;
};

TEST_P(RoundTripTest, EveryVersionVerifiesOwnRequestOnly) {
  const size_t batch = GetParam();
  const absl::Time now = absl::FromUnixSeconds(now_s_) + absl::Milliseconds(250);
  for (const Profile& p : Profiles()) {
    SCOPED_TRACE(p.name);
    std::vector<BuiltRequest> requests;
    BatchResponder responder(&identity_, VersionSet::All(), 64);
    for (size_t i = 0; i < batch; ++i) {
      requests.push_back(MakeRequest(p));
    }
    for (const auto& r : requests) {
      ParsedRequest parsed;
      ASSERT_EQ(ParseRequest(r.packet, policy_, &parsed), DropReason::kNone);
      ASSERT_EQ(parsed.version, p.expected);
      ASSERT_TRUE(responder.Add(parsed));
    }
    ASSERT_TRUE(responder.Sign(now, absl::Seconds(3)).ok());
    EXPECT_EQ(responder.signatures(), 1u);
    std::vector<Bytes> responses;
    for (size_t i = 0; i < batch; ++i) {
      uint8_t out[kMaxResponseSize];
      auto size = responder.WriteResponse(i, MutableByteSpan(out));
      ASSERT_TRUE(size.ok()) << size.status();
      EXPECT_LE(*size, requests[i].packet.size());
      responses.emplace_back(out, out + *size);
    }
    for (size_t i = 0; i < batch; ++i) {
      auto v = VerifyResponse(responses[i], OptionsFor(p, requests[i]));
      ASSERT_TRUE(v.ok()) << "response " << i << ": " << v.status();
      EXPECT_EQ(v->version, p.expected);
      EXPECT_EQ(v->index, i);
      EXPECT_EQ(v->path_length, MerkleHeight(batch));
      if (p.google) {
        EXPECT_EQ(v->midpoint, now);  // microseconds keep the fraction
        EXPECT_EQ(v->radius, absl::Seconds(3));
      } else {
        EXPECT_EQ(v->midpoint, absl::FromUnixSeconds(now_s_));
        EXPECT_EQ(v->raw_radius, 3u);
      }
      for (size_t j = 0; j < batch; ++j) {
        if (j == i) continue;
        EXPECT_FALSE(VerifyResponse(responses[i], OptionsFor(p, requests[j])).ok())
            << "response " << i << " verified for request " << j;
        // Even with the nonce matching, another request's bytes fail the
        // Merkle proof for versions whose leaf is the whole packet.
        if (Spec(p.expected).leaf_is_packet) {
          VerifyOptions o = OptionsFor(p, requests[j]);
          o.nonce = requests[i].nonce;
          auto r = VerifyResponse(responses[i], o);
          ASSERT_FALSE(r.ok());
          EXPECT_THAT(std::string(r.status().message()),
                      ::testing::HasSubstr("Merkle"));
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(BatchSizes, RoundTripTest,
                         ::testing::Values(1u, 2u, 3u, 7u, 64u));

TEST_F(RoundTripTest, MixedBatchSignsOncePerVersionPresent) {
  BatchResponder responder(&identity_, VersionSet::All(), 64);
  std::vector<std::pair<Profile, BuiltRequest>> all;
  for (const Profile& p : Profiles()) {
    for (int k = 0; k < 3; ++k) all.emplace_back(p, MakeRequest(p));
  }
  for (const auto& [p, r] : all) {
    ParsedRequest parsed;
    ASSERT_EQ(ParseRequest(r.packet, policy_, &parsed), DropReason::kNone);
    ASSERT_TRUE(responder.Add(parsed));
  }
  ASSERT_TRUE(responder.Sign(absl::FromUnixSeconds(now_s_), absl::Seconds(5)).ok());
  // draft12 with and without TYPE share a version: 7 distinct versions.
  EXPECT_EQ(responder.signatures(), 7u);
  for (size_t i = 0; i < all.size(); ++i) {
    uint8_t out[kMaxResponseSize];
    auto size = responder.WriteResponse(i, MutableByteSpan(out));
    ASSERT_TRUE(size.ok());
    auto v = VerifyResponse(ByteSpan(out, *size), OptionsFor(all[i].first, all[i].second));
    EXPECT_TRUE(v.ok()) << all[i].first.name << ": " << v.status();
  }
}

TEST_F(RoundTripTest, ResponseNeverExceedsRequestForAnyAllowedBatch) {
  const size_t max_batch = MaxBatchForRequestSize(VersionSet::All(), kMinRequestSize);
  ASSERT_GE(max_batch, 64u);
  uint32_t wires[kNumVersions];
  const size_t num_vers = VersionSet::All().WireNumbers(wires, kNumVersions);
  for (const VersionSpec& spec : AllVersions()) {
    for (size_t n = 1; n <= max_batch; ++n) {
      ASSERT_LE(ResponseSize(spec.version, MerkleHeight(n), num_vers, true),
                kMinRequestSize)
          << spec.name << " batch " << n;
    }
    // One level more would not fit for at least one version: the bound is
    // tight, not arbitrary.
  }
  bool some_overflow = false;
  for (const VersionSpec& spec : AllVersions()) {
    some_overflow |= ResponseSize(spec.version, MerkleHeight(max_batch) + 1,
                                  num_vers, true) > kMinRequestSize;
  }
  EXPECT_TRUE(some_overflow);

  // And for real: a full batch of minimum-size requests of every version.
  for (const Profile& base : Profiles()) {
    Profile p = base;
    p.message_size = p.google ? 1024 : 1012;  // 1024-byte datagrams
    BatchResponder responder(&identity_, VersionSet::All(), max_batch);
    std::vector<BuiltRequest> requests;
    for (size_t i = 0; i < max_batch; ++i) requests.push_back(MakeRequest(p));
    for (const auto& r : requests) {
      ParsedRequest parsed;
      ASSERT_EQ(ParseRequest(r.packet, policy_, &parsed), DropReason::kNone);
      ASSERT_TRUE(responder.Add(parsed));
    }
    EXPECT_FALSE(responder.Add(ParsedRequest{}));  // full
    ASSERT_TRUE(responder.Sign(absl::FromUnixSeconds(now_s_), absl::Seconds(3)).ok());
    for (size_t i = 0; i < max_batch; i += 7) {
      uint8_t out[kMaxResponseSize];
      auto size = responder.WriteResponse(i, MutableByteSpan(out));
      ASSERT_TRUE(size.ok()) << p.name << ": " << size.status();
      EXPECT_LE(*size, requests[i].packet.size());
      EXPECT_TRUE(VerifyResponse(ByteSpan(out, *size), OptionsFor(p, requests[i])).ok());
    }
  }
}

TEST_F(RoundTripTest, OversizedBatchForTheRequestIsRefusedNotSent) {
  // A batch larger than MaxBatchForRequestSize allows: the writer refuses
  // instead of sending a response bigger than the request (§9.7).
  BatchResponder responder(&identity_, VersionSet::All(), 1024);
  Profile p = Profiles()[7];  // Google: the largest responses
  std::vector<BuiltRequest> requests;
  for (int i = 0; i < 1024; ++i) requests.push_back(MakeRequest(p));
  for (const auto& r : requests) {
    ParsedRequest parsed;
    ASSERT_EQ(ParseRequest(r.packet, policy_, &parsed), DropReason::kNone);
    responder.Add(parsed);
  }
  ASSERT_TRUE(responder.Sign(absl::FromUnixSeconds(now_s_), absl::Seconds(3)).ok());
  uint8_t out[2048];
  auto size = responder.WriteResponse(0, MutableByteSpan(out));
  ASSERT_FALSE(size.ok());
  EXPECT_THAT(std::string(size.status().message()),
              ::testing::HasSubstr("exceeds"));
}

TEST_F(RoundTripTest, ServesOnlyConfiguredVersionsAndNeedsTheirCertificates) {
  const VersionSet rfc_only{Version::kRfc1};
  const OnlineIdentity narrow =
      DelegateOnlineKey(root_, {now_s_ - 10, now_s_ + 10}, rfc_only);
  EXPECT_FALSE(narrow.cert(CertFamily::kRfc1).empty());
  EXPECT_TRUE(narrow.cert(CertFamily::kGoogle).empty());
  // A responder serving more than the identity was delegated for refuses
  // to sign rather than send an unverifiable answer.
  BatchResponder responder(&narrow, VersionSet::All(), 4);
  Profile google = Profiles()[7];
  BuiltRequest r = MakeRequest(google);
  ParsedRequest parsed;
  ASSERT_EQ(ParseRequest(r.packet, policy_, &parsed), DropReason::kNone);
  ASSERT_TRUE(responder.Add(parsed));
  EXPECT_FALSE(responder.Sign(absl::FromUnixSeconds(now_s_), absl::Seconds(3)).ok());
}

// The window bounds MIDP to the microsecond (Google-Roughtime's MIDP and
// MAXT are microseconds): half a second past MAXT is outside it.
TEST_F(RoundTripTest, DelegationWindowIsCheckedToTheMicrosecond) {
  const OnlineIdentity id =
      DelegateOnlineKey(root_, {now_s_ - 10, now_s_ + 10});
  const absl::Time maxt = absl::FromUnixSeconds(now_s_ + 10);
  const absl::Time mint = absl::FromUnixSeconds(now_s_ - 10);
  EXPECT_TRUE(id.ValidAt(mint));
  EXPECT_TRUE(id.ValidAt(maxt));
  EXPECT_FALSE(id.ValidAt(maxt + absl::Microseconds(1)));
  EXPECT_FALSE(id.ValidAt(maxt + absl::Milliseconds(500)));
  EXPECT_FALSE(id.ValidAt(mint - absl::Microseconds(1)));
  EXPECT_FALSE(id.ValidAt(absl::FromUnixSeconds(-1)));
}

}  // namespace
}  // namespace roughtime
