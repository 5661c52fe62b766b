// A client must reject every damaged or dishonest response with its precise
// reason (RFC 10049 §5.4).
#include <cstring>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "roughtime/certificate.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kNow = 1800000000;

class NegativeTest : public ::testing::Test {
 protected:
  NegativeTest()
      : root_(SigningKey::Generate()),
        identity_(DelegateOnlineKey(root_, {kNow - 100, kNow + 100})) {
    policy_.srv = ComputeSrv(root_.public_key());
  }

  // Builds requests with `offered`, answers them in one batch, and returns
  // the response to request `which`.
  Bytes Answer(std::vector<uint32_t> offered, size_t batch = 4,
               size_t which = 1, uint64_t at = kNow,
               const OnlineIdentity* id = nullptr, bool google = false) {
    requests_.clear();
    BatchResponder responder(id ? id : &identity_, VersionSet::All(), 64);
    for (size_t i = 0; i < batch; ++i) {
      RequestOptions o;
      o.offered_wire_versions = offered;
      o.google = google;
      o.server_key = root_.public_key();
      auto r = BuildRequest(o);
      EXPECT_TRUE(r.ok());
      requests_.push_back(*r);
    }
    for (const auto& r : requests_) {
      ParsedRequest parsed;
      EXPECT_EQ(ParseRequest(r.packet, policy_, &parsed), DropReason::kNone);
      responder.Add(parsed);
    }
    EXPECT_TRUE(responder.Sign(absl::FromUnixSeconds(at), absl::Seconds(3)).ok());
    uint8_t out[kMaxResponseSize];
    auto size = responder.WriteResponse(which, MutableByteSpan(out));
    EXPECT_TRUE(size.ok());
    which_ = which;
    offered_ = offered;
    google_ = google;
    return Bytes(out, out + *size);
  }

  VerifyOptions Options() {
    VerifyOptions o;
    o.root_public_key = root_.public_key();
    o.request_packet = requests_[which_].packet;
    o.nonce = requests_[which_].nonce;
    o.offered_wire_versions = offered_;
    o.google = google_;
    return o;
  }

  std::string Error(const Bytes& response) { return Error(response, Options()); }
  std::string Error(const Bytes& response, const VerifyOptions& o) {
    auto v = VerifyResponse(response, o);
    EXPECT_FALSE(v.ok()) << "response unexpectedly verified";
    return v.ok() ? "" : std::string(v.status().message());
  }

  // Where a tag's value lies inside a (framed) response, and inside SREP.
  static std::pair<size_t, size_t> Locate(const Bytes& response, uint32_t tag,
                                          bool framed = true) {
    const size_t base = framed ? kFrameHeaderSize : 0;
    auto m = MessageView::Parse(ByteSpan(response).subspan(base));
    auto v = m->Find(tag);
    return {static_cast<size_t>(v->data() - response.data()), v->size()};
  }

  // Rewrites SREP in place with `edit` and re-signs it with the online key,
  // producing a response whose signatures are valid but whose content lies.
  Bytes ResignSrep(Bytes response, const std::function<void(uint8_t*, size_t)>& edit,
                   std::string_view context = kRfcResponseContext) {
    auto [srep_at, srep_size] = Locate(response, kTagSrep);
    edit(response.data() + srep_at, srep_size);
    auto [sig_at, sig_size] = Locate(response, kTagSig);
    identity_.online_key.SignInto(context, ByteSpan(response.data() + srep_at, srep_size),
                                  response.data() + sig_at);
    return response;
  }

  SigningKey root_;
  OnlineIdentity identity_;
  RequestPolicy policy_;
  std::vector<BuiltRequest> requests_;
  std::vector<uint32_t> offered_;
  size_t which_ = 0;
  bool google_ = false;
};

TEST_F(NegativeTest, BaselineVerifies) {
  const Bytes r = Answer({1, 0x8000000c});
  auto v = VerifyResponse(r, Options());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->index, 1u);
}

TEST_F(NegativeTest, EverySingleBitFlipIsRejected) {
  for (const auto& offered : std::vector<std::vector<uint32_t>>{
           {1, 0x8000000c}, {0x8000000c}, {0x8000000b}, {0x80000008}}) {
    const Bytes good = Answer(offered);
    ASSERT_TRUE(VerifyResponse(good, Options()).ok());
    for (size_t byte = 0; byte < good.size(); ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        // 0x8000000c answers without TYPE are valid (drafts 12 and 13), so
        // turning TYPE's tag into an unknown tag is not an error there.
        if (offered == std::vector<uint32_t>{0x8000000c} && byte >= 48 &&
            byte < 52) {
          continue;
        }
        Bytes bad = good;
        bad[byte] ^= static_cast<uint8_t>(1 << bit);
        ASSERT_FALSE(VerifyResponse(bad, Options()).ok())
            << "flip of byte " << byte << " bit " << bit << " went unnoticed";
      }
    }
  }
}

TEST_F(NegativeTest, EachBrokenFieldHasItsReason) {
  const Bytes good = Answer({1, 0x8000000c});
  auto flip = [&](uint32_t tag, size_t offset = 0) {
    Bytes bad = good;
    bad[Locate(bad, tag).first + offset] ^= 1;
    return bad;
  };
  EXPECT_THAT(Error(flip(kTagSig)), HasSubstr("response signature"));
  EXPECT_THAT(Error(flip(kTagNonc)), HasSubstr("NONC does not match"));
  EXPECT_THAT(Error(flip(kTagPath, 5)), HasSubstr("Merkle"));
  EXPECT_THAT(Error(flip(kTagIndx)), HasSubstr("Merkle"));
  Bytes far = good;
  StoreLE32(far.data() + Locate(far, kTagIndx).first, 4);  // batch of 4: 2 hashes
  EXPECT_THAT(Error(far), HasSubstr("INDX 4 is out of range for a PATH of 2"));
  EXPECT_THAT(Error(flip(kTagType)), HasSubstr("TYPE is not 1"));
  // CERT.SIG sits at the start of the CERT value, after its 16-byte header.
  EXPECT_THAT(Error(flip(kTagCert, 16)), HasSubstr("delegation signature"));
  // DELE.MINT: inside CERT after SIG (64) and DELE's header (24) + PUBK.
  EXPECT_THAT(Error(flip(kTagCert, 16 + 64 + 24 + 32)),
              HasSubstr("delegation signature"));
  // SREP.MIDP changed without re-signing.
  EXPECT_THAT(Error(flip(kTagSrep, 8 * 5 + 8)), HasSubstr("response signature"));
}

TEST_F(NegativeTest, ReasonsForWrongVersionsAndTruncation) {
  const Bytes good = Answer({1, 0x8000000c});
  VerifyOptions o = Options();
  o.offered_wire_versions = {0x8000000c};
  EXPECT_THAT(Error(good, o), HasSubstr("version not offered"));
  o = Options();
  o.google = true;
  EXPECT_THAT(Error(good, o), HasSubstr("no ROUGHTIM frame"));
  EXPECT_THAT(Error(Bytes(good.begin(), good.end() - 4)), HasSubstr("frame"));
  Bytes bad_count = good;
  StoreLE32(bad_count.data() + kFrameHeaderSize, 200);
  EXPECT_THAT(Error(bad_count), HasSubstr("malformed response"));
  EXPECT_THAT(Error(Bytes{}), HasSubstr("frame"));
}

TEST_F(NegativeTest, SkippedPreferredVersionIsFlaggedThroughVers) {
  // The server answers 0x8000000c to a request that offered only it; a
  // client that offered [1, 0x8000000c] for the same bytes sees VERS list 1.
  const Bytes r = Answer({0x8000000c});
  VerifyOptions o = Options();
  auto plain = VerifyResponse(r, o);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->preferred_version_skipped);
  o.offered_wire_versions = {1, 0x8000000c};
  auto flagged = VerifyResponse(r, o);
  ASSERT_TRUE(flagged.ok()) << flagged.status();
  EXPECT_TRUE(flagged->preferred_version_skipped);
}

TEST_F(NegativeTest, MidpointOutsideTheDelegationIsRejected) {
  const OnlineIdentity expired =
      DelegateOnlineKey(root_, {kNow - 100, kNow - 10});
  const Bytes late = Answer({1}, 2, 0, kNow, &expired);
  EXPECT_THAT(Error(late), HasSubstr("outside the delegation window"));
  const OnlineIdentity future =
      DelegateOnlineKey(root_, {kNow + 10, kNow + 100});
  const Bytes early = Answer({1}, 2, 0, kNow, &future);
  EXPECT_THAT(Error(early), HasSubstr("outside the delegation window"));
}

TEST_F(NegativeTest, ValidlySignedNonsenseIsStillRejected) {
  const Bytes good = Answer({1, 0x8000000c}, 1, 0);
  // SREP layout (5 tags): header 40, VER@40, RADI@44, MIDP@48, VERS@56, ROOT.
  EXPECT_THAT(Error(ResignSrep(good, [](uint8_t* s, size_t) { StoreLE32(s + 44, 0); })),
              HasSubstr("RADI is 0"));
  // Claiming 0x8000000c in a version-1 answer: the CERT was signed with
  // version 1's delegation context, so it fails under 0x8000000c's.
  EXPECT_THAT(Error(ResignSrep(good, [](uint8_t* s, size_t) { StoreLE32(s + 40, 0x8000000c); })),
              HasSubstr("delegation signature"));
  EXPECT_THAT(Error(ResignSrep(good, [](uint8_t* s, size_t) { StoreLE32(s + 40, 0x80000008); })),
              HasSubstr("version not offered"));
  // VERS not containing VER: replace every VERS entry by 0x80000008.
  EXPECT_THAT(Error(ResignSrep(good,
                               [](uint8_t* s, size_t n) {
                                 for (size_t i = 56; i + 32 < n; i += 4) {
                                   StoreLE32(s + i, 0x80000008 + static_cast<uint32_t>(i));
                                 }
                               })),
              HasSubstr("VERS does not contain"));
  // Unsorted VERS.
  EXPECT_THAT(Error(ResignSrep(good,
                               [](uint8_t* s, size_t) {
                                 StoreLE32(s + 56, 0x8000000c);
                                 StoreLE32(s + 60, 1);
                               })),
              HasSubstr("not strictly ascending"));
  // A ROOT that is not ours: the signatures hold, the Merkle proof fails.
  EXPECT_THAT(Error(ResignSrep(good, [](uint8_t* s, size_t n) { s[n - 1] ^= 1; })),
              HasSubstr("Merkle"));
  // Signed with the capital-T response context: reported as such.
  EXPECT_THAT(Error(ResignSrep(good, [](uint8_t*, size_t) {}, kDraftResponseContext)),
              HasSubstr("response signature"));
}

TEST_F(NegativeTest, GreaseWithUndefinedTagsIsAcceptedMissingTagsAreNot) {
  // Rebuild the response with an extra unknown tag: clients must ignore it.
  const Bytes good = Answer({1, 0x8000000c}, 1, 0);
  auto top = MessageView::Parse(ByteSpan(good).subspan(kFrameHeaderSize));
  ASSERT_TRUE(top.ok());
  const uint32_t unknown = MakeTag('Z', 'Z', 'Z', 'Z') + 1;  // sorts last
  std::vector<size_t> sizes;
  for (size_t i = 0; i < top->num_tags(); ++i) sizes.push_back(top->value(i).size());
  sizes.push_back(8);
  Bytes grease(kFrameHeaderSize + EncodedMessageSize(sizes));
  WriteFrameHeader(grease.data(), grease.size() - kFrameHeaderSize);
  MessageBuilder b(MutableByteSpan(grease).subspan(kFrameHeaderSize), sizes.size());
  for (size_t i = 0; i < top->num_tags(); ++i) {
    ASSERT_TRUE(b.AddBytes(top->tag(i), top->value(i)).ok());
  }
  ASSERT_TRUE(b.AddBytes(unknown, Bytes(8, 0x5a)).ok());
  ASSERT_TRUE(b.Finish().ok());
  EXPECT_TRUE(VerifyResponse(grease, Options()).ok());

  // The same response without INDX (a mandatory tag) is rejected.
  Bytes missing(kFrameHeaderSize + EncodedMessageSize(
                                       absl::MakeConstSpan(sizes).subspan(0, sizes.size() - 2)));
  WriteFrameHeader(missing.data(), missing.size() - kFrameHeaderSize);
  MessageBuilder m(MutableByteSpan(missing).subspan(kFrameHeaderSize), sizes.size() - 2);
  for (size_t i = 0; i + 1 < top->num_tags(); ++i) {
    ASSERT_TRUE(m.AddBytes(top->tag(i), top->value(i)).ok());
  }
  ASSERT_TRUE(m.Finish().ok());
  EXPECT_THAT(Error(missing), HasSubstr("missing tag INDX"));
}

TEST_F(NegativeTest, GoogleResponsesAreCheckedToo) {
  const Bytes good = Answer({}, 3, 2, kNow, nullptr, /*google=*/true);
  ASSERT_TRUE(VerifyResponse(good, Options()).ok());
  Bytes bad = good;
  bad[Locate(bad, kTagPath, false).first] ^= 1;
  EXPECT_THAT(Error(bad), HasSubstr("Merkle"));
  bad = good;
  bad[Locate(bad, kTagSig, false).first] ^= 1;
  EXPECT_THAT(Error(bad), HasSubstr("response signature"));
  VerifyOptions o = Options();
  o.google = false;
  EXPECT_THAT(Error(good, o), HasSubstr("ROUGHTIM"));
}

}  // namespace
}  // namespace roughtime
