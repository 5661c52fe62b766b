// Building requests (client) and judging them (server): every drop has its
// own reason (RFC 10049 §5.1, §5.2, §9.7).
#include <cstring>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime {
namespace {

class RequestTest : public ::testing::Test {
 protected:
  RequestTest() : key_(SigningKey::Generate()) {
    policy_.srv = ComputeSrv(key_.public_key());
  }

  Bytes Build(RequestOptions o) {
    auto r = BuildRequest(o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->packet : Bytes{};
  }

  DropReason Parse(const Bytes& packet) {
    return ParseRequest(packet, policy_, &parsed_);
  }

  // Re-encodes a framed request with one tag's value replaced, keeping the
  // message size (the padding absorbs the difference).
  Bytes WithTags(std::vector<std::pair<uint32_t, Bytes>> tags,
                 size_t message_size = 1024) {
    size_t used = MessageHeaderSize(tags.size() + 1);
    for (auto& [t, v] : tags) used += v.size();
    Bytes packet(kFrameHeaderSize + message_size);
    WriteFrameHeader(packet.data(), message_size);
    MessageBuilder b(MutableByteSpan(packet).subspan(kFrameHeaderSize),
                     tags.size() + 1);
    for (auto& [t, v] : tags) EXPECT_TRUE(b.AddBytes(t, v).ok());
    EXPECT_TRUE(b.Add(kTagZzzz, message_size - used).ok());
    EXPECT_TRUE(b.Finish().ok());
    return packet;
  }

  static Bytes U32s(std::initializer_list<uint32_t> vs) {
    Bytes out(4 * vs.size());
    size_t i = 0;
    for (uint32_t v : vs) StoreLE32(out.data() + 4 * i++, v);
    return out;
  }

  SigningKey key_;
  RequestPolicy policy_;
  ParsedRequest parsed_;
};

TEST_F(RequestTest, DefaultRequestHasTheRfcLayout) {
  RequestOptions o;
  o.server_key = key_.public_key();
  o.nonce = Bytes(32, 0xab);
  const Bytes p = Build(o);
  ASSERT_EQ(p.size(), 1036u);  // 1024-byte message in a frame (§5.1)
  auto message = UnwrapFrame(p);
  ASSERT_TRUE(message.ok());
  auto m = MessageView::Parse(*message);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->num_tags(), 5u);
  const uint32_t order[] = {kTagVer, kTagSrv, kTagNonc, kTagType, kTagZzzz};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(m->tag(i), order[i]);
  EXPECT_EQ(HexEncode(*m->Get(kTagVer)), "010000000c000080");
  EXPECT_EQ(*m->GetU32(kTagType), 0u);
  EXPECT_EQ(Bytes(m->Get(kTagSrv)->begin(), m->Get(kTagSrv)->end()),
            Bytes(policy_.srv.begin(), policy_.srv.end()));
  // A named span: ranging over *m->Get(...) would read a destroyed
  // StatusOr (stack-use-after-scope, found by tools/sanitize.sh).
  const ByteSpan zzzz = *m->Get(kTagZzzz);
  for (uint8_t b : zzzz) ASSERT_EQ(b, 0);

  ASSERT_EQ(Parse(p), DropReason::kNone);
  EXPECT_EQ(parsed_.version, Version::kRfc1);
  EXPECT_TRUE(parsed_.has_type);
  EXPECT_EQ(Bytes(parsed_.nonce.begin(), parsed_.nonce.end()), o.nonce);
  EXPECT_EQ(parsed_.packet.data(), p.data());
}

TEST_F(RequestTest, GoogleRequestIsAnUnframed1024ByteMessage) {
  RequestOptions o;
  o.google = true;
  const Bytes p = Build(o);
  ASSERT_EQ(p.size(), 1024u);
  EXPECT_FALSE(HasFrameMagic(p));
  auto m = MessageView::Parse(p);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Get(kTagNonc)->size(), 64u);
  EXPECT_TRUE(m->Has(kTagPadGoogle));
  ASSERT_EQ(Parse(p), DropReason::kNone);
  EXPECT_EQ(parsed_.version, Version::kGoogle);
}

TEST_F(RequestTest, BuilderRejectsImpossibleOptions) {
  RequestOptions o;
  o.offered_wire_versions = {};
  EXPECT_FALSE(BuildRequest(o).ok());
  o.offered_wire_versions = {1};
  o.nonce = Bytes(31);
  EXPECT_FALSE(BuildRequest(o).ok());
  o.nonce.clear();
  o.message_size = 40;
  EXPECT_FALSE(BuildRequest(o).ok());
  o.message_size = 1022;
  EXPECT_FALSE(BuildRequest(o).ok());
}

TEST_F(RequestTest, SizeLimits) {
  RequestOptions o;
  o.message_size = 1012;  // Cloudflare/roughenough: 1024-byte packet
  EXPECT_EQ(Parse(Build(o)), DropReason::kNone);
  o.message_size = 1008;  // a 1020-byte packet
  EXPECT_EQ(Parse(Build(o)), DropReason::kTooShort);
  o.message_size = 1500;
  EXPECT_EQ(Parse(Build(o)), DropReason::kTooLong);
  EXPECT_EQ(Parse(Bytes{}), DropReason::kTooShort);
}

TEST_F(RequestTest, EachMalformationHasItsReason) {
  const Bytes nonce(32, 7);
  const Bytes ver = U32s({1, 0x8000000c});
  const Bytes type0 = U32s({0});
  const Bytes srv(policy_.srv.begin(), policy_.srv.end());
  // A valid baseline made by hand, to be sure the helpers are right.
  EXPECT_EQ(Parse(WithTags({{kTagVer, ver}, {kTagSrv, srv}, {kTagNonc, nonce},
                            {kTagType, type0}})),
            DropReason::kNone);

  Bytes bad_frame = WithTags({{kTagVer, ver}, {kTagNonc, nonce}, {kTagType, type0}});
  StoreLE32(bad_frame.data() + 8, 1020);
  EXPECT_EQ(Parse(bad_frame), DropReason::kBadFrame);

  Bytes bad_offsets = WithTags({{kTagVer, ver}, {kTagNonc, nonce}, {kTagType, type0}});
  StoreLE32(bad_offsets.data() + kFrameHeaderSize + 4, 6);  // misaligned
  EXPECT_EQ(Parse(bad_offsets), DropReason::kMalformed);

  EXPECT_EQ(Parse(WithTags({{kTagVer, ver}, {kTagType, type0}})),
            DropReason::kMissingNonce);
  EXPECT_EQ(Parse(WithTags({{kTagVer, ver}, {kTagNonc, Bytes(64)}, {kTagType, type0}})),
            DropReason::kBadNonceLength);
  EXPECT_EQ(Parse(WithTags({{kTagNonc, nonce}, {kTagType, type0}})),
            DropReason::kMissingVersion);
  EXPECT_EQ(Parse(WithTags({{kTagVer, {}}, {kTagNonc, nonce}, {kTagType, type0}})),
            DropReason::kBadVersionList);
  EXPECT_EQ(Parse(WithTags({{kTagVer, U32s({0x8000000c, 1})}, {kTagNonc, nonce},
                            {kTagType, type0}})),
            DropReason::kUnsortedVersions);
  EXPECT_EQ(Parse(WithTags({{kTagVer, U32s({0xc0000001})}, {kTagNonc, nonce},
                            {kTagType, type0}})),
            DropReason::kNoCommonVersion);
  EXPECT_EQ(Parse(WithTags({{kTagVer, U32s({1})}, {kTagNonc, nonce}})),
            DropReason::kMissingType);
  EXPECT_EQ(Parse(WithTags({{kTagVer, ver}, {kTagNonc, nonce}, {kTagType, U32s({1})}})),
            DropReason::kBadType);
  EXPECT_EQ(Parse(WithTags({{kTagVer, ver}, {kTagNonc, nonce}, {kTagType, Bytes(8)}})),
            DropReason::kBadType);
  EXPECT_EQ(Parse(WithTags({{kTagVer, ver}, {kTagSrv, Bytes(16)}, {kTagNonc, nonce},
                            {kTagType, type0}})),
            DropReason::kBadSrv);
  Bytes other_srv = srv;
  other_srv[31] ^= 1;
  EXPECT_EQ(Parse(WithTags({{kTagVer, ver}, {kTagSrv, other_srv}, {kTagNonc, nonce},
                            {kTagType, type0}})),
            DropReason::kWrongSrv);
}

TEST_F(RequestTest, GoogleRequestsNeedA64ByteNonceAndBeingServed) {
  Bytes p(1024);
  MessageBuilder b(MutableByteSpan(p), 2);
  ASSERT_TRUE(b.AddBytes(kTagNonc, Bytes(32, 1)).ok());
  ASSERT_TRUE(b.Add(kTagPadGoogle, 1024 - 16 - 32).ok());
  ASSERT_TRUE(b.Finish().ok());
  EXPECT_EQ(Parse(p), DropReason::kBadNonceLength);

  RequestOptions o;
  o.google = true;
  policy_.served = VersionSet{Version::kRfc1};
  EXPECT_EQ(Parse(Build(o)), DropReason::kNoCommonVersion);
}

TEST_F(RequestTest, EveryDropReasonHasADistinctName) {
  std::set<std::string_view> names;
  for (int r = 0; r < static_cast<int>(DropReason::kCount); ++r) {
    names.insert(DropReasonName(static_cast<DropReason>(r)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(DropReason::kCount));
  EXPECT_TRUE(DropReasonStatus(DropReason::kNone).ok());
  EXPECT_EQ(DropReasonStatus(DropReason::kWrongSrv).message(),
            "request dropped: wrong_srv");
}

TEST_F(RequestTest, RandomGarbageNeverParsesAsARequestOrCrashes) {
  Bytes p(1100);
  for (int i = 0; i < 2000; ++i) {
    RandomBytes(MutableByteSpan(p));
    if (i % 2 == 0) std::memcpy(p.data(), kFrameMagic, 8);
    if (i % 4 == 0) StoreLE32(p.data() + 8, 1100 - 12);
    EXPECT_NE(Parse(p), DropReason::kNone);
  }
}

}  // namespace
}  // namespace roughtime
