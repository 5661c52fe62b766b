// The version table and negotiation (RFC 10049 §5.1.1 and the deployed
// clients listed in docs/PROTOCOL.md).
#include <vector>

#include "gtest/gtest.h"
#include "roughtime/request.h"
#include "roughtime/version.h"

namespace roughtime {
namespace {

Bytes VerList(std::initializer_list<uint32_t> versions) {
  Bytes out(4 * versions.size());
  size_t i = 0;
  for (uint32_t v : versions) StoreLE32(out.data() + 4 * i++, v);
  return out;
}

DropReason Negotiate(std::initializer_list<uint32_t> offered, bool has_type,
                     Version* chosen,
                     VersionSet served = VersionSet::All()) {
  const Bytes ver = VerList(offered);
  return NegotiateVersion(ver, has_type, served, chosen);
}

TEST(VersionTableTest, FactsPerVersion) {
  EXPECT_EQ(Spec(Version::kRfc1).wire, 1u);
  EXPECT_EQ(Spec(Version::kRfc1).response_context, kRfcResponseContext);
  EXPECT_EQ(DelegationContext(CertFamily::kRfc1), kRfcDelegationContext);
  EXPECT_EQ(Spec(Version::kDraft12).wire, 0x8000000cu);
  EXPECT_EQ(Spec(Version::kDraft12).response_context, kDraftResponseContext);
  EXPECT_EQ(DelegationContext(CertFamily::kDraft12), kDraftDelegationContext);
  EXPECT_EQ(DelegationContext(CertFamily::kDraft08To11),
            kLegacyDelegationContext);
  EXPECT_EQ(Spec(Version::kGoogle).nonce_size, 64u);
  EXPECT_EQ(Spec(Version::kGoogle).hash_size, 64u);
  EXPECT_FALSE(Spec(Version::kGoogle).framed);
  EXPECT_EQ(FamilyTimeUnit(CertFamily::kGoogle), TimeUnit::kMicroseconds);
  EXPECT_FALSE(Spec(Version::kDraft11).leaf_is_packet);
  EXPECT_TRUE(Spec(Version::kDraft12).leaf_is_packet);
  EXPECT_TRUE(Spec(Version::kDraft08).response_top_level_ver);
  EXPECT_FALSE(Spec(Version::kRfc1).response_top_level_ver);
  // The contexts differ in exactly one byte: 't' versus 'T' (§5.2.1).
  EXPECT_EQ(kRfcResponseContext.size(), 32u);
  EXPECT_EQ(kRfcDelegationContext.size(), 34u);
  EXPECT_EQ(kLegacyDelegationContext.size(), 36u);
  EXPECT_EQ(kRfcResponseContext.back(), '\0');
  int differences = 0;
  for (size_t i = 0; i < kRfcResponseContext.size(); ++i) {
    differences += kRfcResponseContext[i] != kDraftResponseContext[i];
  }
  EXPECT_EQ(differences, 1);
  for (const VersionSpec& s : AllVersions()) {
    EXPECT_EQ(&Spec(s.version), &s);
    if (s.framed) EXPECT_EQ(VersionFromWire(s.wire), s.version);
  }
}

TEST(VersionTableTest, ParsesNames) {
  EXPECT_EQ(*ParseVersionName("google"), Version::kGoogle);
  EXPECT_EQ(*ParseVersionName("draft-08"), Version::kDraft08);
  EXPECT_EQ(*ParseVersionName("draft-11"), Version::kDraft11);
  EXPECT_EQ(*ParseVersionName("0x8000000c"), Version::kDraft12);
  EXPECT_EQ(*ParseVersionName("0x8000000B"), Version::kDraft11);
  EXPECT_EQ(*ParseVersionName("1"), Version::kRfc1);
  EXPECT_EQ(*ParseVersionName("2147483660"), Version::kDraft12);
  EXPECT_FALSE(ParseVersionName("draft-07").ok());
  EXPECT_FALSE(ParseVersionName("0xc0000000").ok());
  EXPECT_FALSE(ParseVersionName("").ok());
}

TEST(VersionSetTest, WireNumbersAreAscendingAndFamiliesFollow) {
  uint32_t wires[kNumVersions];
  const size_t n = VersionSet::All().WireNumbers(wires, kNumVersions);
  ASSERT_EQ(n, 6u);  // Google has no number
  EXPECT_EQ(wires[0], 1u);
  EXPECT_EQ(wires[5], 0x8000000cu);
  for (size_t i = 1; i < n; ++i) EXPECT_LT(wires[i - 1], wires[i]);
  const VersionSet rfc_only{Version::kRfc1};
  EXPECT_TRUE(rfc_only.NeedsFamily(CertFamily::kRfc1));
  EXPECT_FALSE(rfc_only.NeedsFamily(CertFamily::kGoogle));
  EXPECT_TRUE(VersionSet{Version::kDraft09}.NeedsFamily(CertFamily::kDraft08To11));
}

TEST(NegotiationTest, DeployedClientsGetTheExpectedVersion) {
  Version v;
  // Our default offer and pyroughtime with TYPE.
  ASSERT_EQ(Negotiate({1, 0x8000000c}, true, &v), DropReason::kNone);
  EXPECT_EQ(v, Version::kRfc1);
  ASSERT_EQ(Negotiate({0x8000000c}, true, &v), DropReason::kNone);
  EXPECT_EQ(v, Version::kDraft12);
  // craggy and older pyroughtime: 0x8000000c without TYPE.
  ASSERT_EQ(Negotiate({0x8000000c}, false, &v), DropReason::kNone);
  EXPECT_EQ(v, Version::kDraft12);
  // Cloudflare's IETF mode: descending [draft-11, draft-08].
  ASSERT_EQ(Negotiate({0x8000000b, 0x80000008}, false, &v), DropReason::kNone);
  EXPECT_EQ(v, Version::kDraft11);
  ASSERT_EQ(Negotiate({0x80000008}, false, &v), DropReason::kNone);
  EXPECT_EQ(v, Version::kDraft08);
  // tannerryan: 0x80000001 ... 0x8000000c.
  ASSERT_EQ(Negotiate({0x80000001, 0x80000002, 0x80000003, 0x80000004,
                       0x80000005, 0x80000006, 0x80000007, 0x80000008,
                       0x80000009, 0x8000000a, 0x8000000b, 0x8000000c},
                      true, &v),
            DropReason::kNone);
  EXPECT_EQ(v, Version::kDraft12);
  // roughly: 1 and 0x80000007 ... 0x8000000f: version 1.
  ASSERT_EQ(Negotiate({1, 0x80000007, 0x80000008, 0x80000009, 0x8000000a,
                       0x8000000b, 0x8000000c, 0x8000000d, 0x8000000e,
                       0x8000000f},
                      true, &v),
            DropReason::kNone);
  EXPECT_EQ(v, Version::kRfc1);
}

TEST(NegotiationTest, RefusesWithTheRightReason) {
  Version v;
  EXPECT_EQ(Negotiate({}, true, &v), DropReason::kBadVersionList);
  const Bytes odd = {1, 0, 0};
  EXPECT_EQ(NegotiateVersion(odd, true, VersionSet::All(), &v),
            DropReason::kBadVersionList);
  Bytes too_many(4 * 33);
  for (size_t i = 0; i < 33; ++i) StoreLE32(too_many.data() + 4 * i, i + 1);
  EXPECT_EQ(NegotiateVersion(too_many, true, VersionSet::All(), &v),
            DropReason::kBadVersionList);
  // Unknown, experimental and private-use numbers only.
  EXPECT_EQ(Negotiate({2, 0x80000007, 0xc0000000}, true, &v),
            DropReason::kNoCommonVersion);
  // Version 1 requires an ascending list and TYPE.
  EXPECT_EQ(Negotiate({0x8000000c, 1}, true, &v), DropReason::kUnsortedVersions);
  EXPECT_EQ(Negotiate({1, 1}, true, &v), DropReason::kUnsortedVersions);
  EXPECT_EQ(Negotiate({1}, false, &v), DropReason::kMissingType);
  // Not served.
  EXPECT_EQ(Negotiate({1}, true, &v, VersionSet{Version::kDraft12}),
            DropReason::kNoCommonVersion);
}

TEST(NegotiationTest, FallsBackWhenThePreferredVersionIsExcluded) {
  Version v;
  // No TYPE: version 1 is out, 0x8000000c remains.
  ASSERT_EQ(Negotiate({1, 0x8000000c}, false, &v), DropReason::kNone);
  EXPECT_EQ(v, Version::kDraft12);
  // Unsorted: only the drafts that did not require order remain.
  ASSERT_EQ(Negotiate({0x8000000c, 0x8000000b}, true, &v), DropReason::kNone);
  EXPECT_EQ(v, Version::kDraft11);
}

}  // namespace
}  // namespace roughtime
