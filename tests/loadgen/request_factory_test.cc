// Requests made by rewriting only the nonce are valid requests of the asked
// version, every one distinct, and replies from the core's responder or from
// the echo target are matched back to the right request.
#include <set>
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "args.h"
#include "request_factory.h"
#include "roughtime/certificate.h"
#include "roughtime/request.h"
#include "roughtime/response.h"

namespace roughtime::loadgen {
namespace {

class RequestFactoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    absl::StatusOr<Version> v = ParseVersionName(GetParam());
    ASSERT_TRUE(v.ok());
    version_ = *v;
    RequestSpec spec;
    spec.version = version_;
    spec.request_size = DefaultRequestSize(version_);
    spec.server_key = root_.public_key();
    absl::StatusOr<RequestFactory> f = RequestFactory::Create(spec);
    ASSERT_TRUE(f.ok()) << f.status();
    factory_.emplace(*std::move(f));
    policy_.srv = ComputeSrv(root_.public_key());
  }

  Bytes Packet(uint64_t seq) const {
    Bytes p(factory_->packet_size());
    factory_->WritePacket(seq, p.data());
    return p;
  }

  Version version_ = Version::kRfc1;
  SigningKey root_ = SigningKey::Generate();
  std::optional<RequestFactory> factory_;
  RequestPolicy policy_;
};

TEST_P(RequestFactoryTest, PacketsAreValidRequestsOfTheVersion) {
  EXPECT_EQ(factory_->packet_size(), DefaultRequestSize(version_));
  EXPECT_EQ(factory_->nonce_size(), Spec(version_).nonce_size);
  for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{1} << 40}) {
    const Bytes p = Packet(seq);
    ParsedRequest parsed;
    ASSERT_EQ(ParseRequest(p, policy_, &parsed), DropReason::kNone) << seq;
    EXPECT_EQ(parsed.version, version_);
    EXPECT_EQ(Bytes(parsed.nonce.begin(), parsed.nonce.end()),
              Bytes(p.begin() + factory_->nonce_offset(),
                    p.begin() + factory_->nonce_offset() +
                        factory_->nonce_size()));
  }
}

TEST_P(RequestFactoryTest, EveryRequestHasItsOwnNonce) {
  std::set<Bytes> nonces;
  for (uint64_t seq = 0; seq < 5000; ++seq) {
    const Bytes p = Packet(seq);
    nonces.insert(Bytes(p.begin() + factory_->nonce_offset(),
                        p.begin() + factory_->nonce_offset() +
                            factory_->nonce_size()));
  }
  EXPECT_EQ(nonces.size(), 5000u);
}

TEST_P(RequestFactoryTest, MatchesAndVerifiesRealResponses) {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  const OnlineIdentity identity = DelegateOnlineKey(
      root_, {static_cast<uint64_t>(now - 3600),
              static_cast<uint64_t>(now + 3600)});
  BatchResponder responder(&identity, VersionSet::All(), 8);
  const uint64_t seqs[] = {5, 6, 1000007};
  std::vector<Bytes> packets;
  for (uint64_t seq : seqs) packets.push_back(Packet(seq));
  for (const Bytes& p : packets) {
    ParsedRequest parsed;
    ASSERT_EQ(ParseRequest(p, policy_, &parsed), DropReason::kNone);
    ASSERT_TRUE(responder.Add(parsed));
  }
  ASSERT_TRUE(responder.Sign(absl::Now(), absl::Seconds(3)).ok());
  for (size_t i = 0; i < packets.size(); ++i) {
    Bytes reply(kMaxResponseSize);
    absl::StatusOr<size_t> size = responder.WriteResponse(i, MutableByteSpan(reply));
    ASSERT_TRUE(size.ok()) << size.status();
    reply.resize(*size);
    EXPECT_EQ(factory_->MatchReply(reply), seqs[i]);
    EXPECT_TRUE(factory_->Verify(seqs[i], reply).ok())
        << factory_->Verify(seqs[i], reply);
    // The same response cannot pass for another request.
    EXPECT_FALSE(factory_->Verify(seqs[i] + 1, reply).ok());
  }
}

TEST_P(RequestFactoryTest, MatchesTheEchoedRequestPrefix) {
  const Bytes p = Packet(424242);
  const ByteSpan prefix(p.data(), 400);
  EXPECT_EQ(factory_->MatchReply(prefix), 424242u);
  // Too short to hold the nonce: no match.
  EXPECT_EQ(factory_->MatchReply(ByteSpan(p.data(), factory_->nonce_offset())),
            std::nullopt);
}

TEST_P(RequestFactoryTest, RejectsRepliesOfOtherRuns) {
  RequestSpec spec;
  spec.version = version_;
  spec.request_size = DefaultRequestSize(version_);
  absl::StatusOr<RequestFactory> other = RequestFactory::Create(spec);
  ASSERT_TRUE(other.ok());
  Bytes foreign(other->packet_size());
  other->WritePacket(3, foreign.data());
  EXPECT_EQ(factory_->MatchReply(ByteSpan(foreign.data(), 400)), std::nullopt);
  const Bytes zeros(400, 0);
  EXPECT_EQ(factory_->MatchReply(zeros), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Versions, RequestFactoryTest,
                         ::testing::Values("google", "draft-08", "draft-11",
                                           "0x8000000c", "1"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return "v" + n;
                         });

TEST(RequestFactoryStandaloneTest, HonoursTheRequestSize) {
  RequestSpec spec;
  spec.version = Version::kRfc1;
  spec.request_size = 1024;  // a 1012-byte message, like Cloudflare's
  absl::StatusOr<RequestFactory> f = RequestFactory::Create(spec);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->packet_size(), 1024u);
  spec.request_size = 30;  // cannot hold the tags
  EXPECT_FALSE(RequestFactory::Create(spec).ok());
}

}  // namespace
}  // namespace roughtime::loadgen
