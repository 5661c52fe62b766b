// The message encoding and framing rules (RFC 10049 §4.2, §5): each broken
// rule is rejected with its own reason, never a crash or an out-of-bounds
// read.
#include <cstring>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime {
namespace {

using ::testing::HasSubstr;

// Writes little-endian words, for hand-made messages.
Bytes Words(std::initializer_list<uint32_t> words) {
  Bytes out(4 * words.size());
  size_t i = 0;
  for (uint32_t w : words) StoreLE32(out.data() + 4 * i++, w);
  return out;
}

std::string ParseError(const Bytes& message) {
  auto m = MessageView::Parse(message);
  EXPECT_FALSE(m.ok());
  return m.ok() ? "" : std::string(m.status().message());
}

TEST(MessageViewTest, ParsesTwoTagsWithValues) {
  const Bytes m = Words({2,           // 2 tags
                         4,           // offset of tag 1
                         kTagNonc,    // tag 0
                         kTagPath,    // tag 1
                         0x11111111,  // NONC value
                         0x22222222, 0x33333333});  // PATH value
  auto v = MessageView::Parse(m);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->num_tags(), 2u);
  EXPECT_EQ(v->tag(0), kTagNonc);
  EXPECT_EQ(v->value(0).size(), 4u);
  EXPECT_EQ(v->value(1).size(), 8u);
  EXPECT_EQ(*v->GetU32(kTagNonc), 0x11111111u);
  EXPECT_EQ(*v->GetU64(kTagPath), 0x3333333322222222u);
  EXPECT_FALSE(v->Find(kTagSrep).has_value());
  EXPECT_THAT(std::string(v->Get(kTagSrep).status().message()),
              HasSubstr("missing tag SREP"));
}

TEST(MessageViewTest, EmptyMessageAndZeroLengthValuesAreValid) {
  EXPECT_TRUE(MessageView::Parse(Words({0})).ok());
  // Two tags, both values empty: offsets equal the values' end.
  const Bytes m = Words({2, 0, kTagNonc, kTagPath});
  auto v = MessageView::Parse(m);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->value(0).empty());
  EXPECT_TRUE(v->value(1).empty());
}

TEST(MessageViewTest, UnknownTagsAreTolerated) {
  const uint32_t unknown = MakeTag('X', 'Y', 'Z', '\x7f');
  const Bytes m = Words({2, 4, kTagNonc, unknown, 1, 2});
  auto v = MessageView::Parse(m);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v->GetU32(kTagNonc), 1u);
}

TEST(MessageViewTest, RejectsTruncatedMessages) {
  EXPECT_THAT(ParseError(Bytes{}), HasSubstr("shorter than 4"));
  EXPECT_THAT(ParseError(Bytes{1, 0, 0}), HasSubstr("shorter than 4"));
  // Header of 3 tags needs 24 bytes.
  EXPECT_THAT(ParseError(Words({3, 0, 0, kTagSig})), HasSubstr("header"));
}

TEST(MessageViewTest, RejectsLengthNotMultipleOfFour) {
  Bytes m = Words({1, kTagNonc, 0});
  m.push_back(0);
  EXPECT_THAT(ParseError(m), HasSubstr("not a multiple of 4"));
}

TEST(MessageViewTest, RejectsMisalignedOffset) {
  EXPECT_THAT(ParseError(Words({2, 2, kTagNonc, kTagPath, 0, 0})),
              HasSubstr("not a multiple of 4"));
}

TEST(MessageViewTest, RejectsDecreasingOffsets) {
  EXPECT_THAT(ParseError(Words({3, 8, 4, kTagSig, kTagNonc, kTagPath, 0, 0, 0})),
              HasSubstr("is below offset"));
}

TEST(MessageViewTest, RejectsOffsetPastTheEnd) {
  EXPECT_THAT(ParseError(Words({2, 12, kTagNonc, kTagPath, 0, 0})),
              HasSubstr("past the end"));
}

TEST(MessageViewTest, RejectsOutOfOrderAndDuplicateTags) {
  EXPECT_THAT(ParseError(Words({2, 4, kTagPath, kTagNonc, 0, 0})),
              HasSubstr("out of order"));
  EXPECT_THAT(ParseError(Words({2, 4, kTagNonc, kTagNonc, 0, 0})),
              HasSubstr("duplicate tag NONC"));
}

TEST(MessageViewTest, RejectsOversizedTagCount) {
  EXPECT_THAT(ParseError(Words({0xffffffff, 0})), HasSubstr("claims"));
  Bytes big(8 * 65 + 4, 0);
  StoreLE32(big.data(), 65);
  EXPECT_THAT(ParseError(big), HasSubstr("more than 64"));
}

TEST(MessageViewTest, GetFixedChecksTheSize) {
  const Bytes m = Words({1, kTagNonc, 0, 0});
  auto v = MessageView::Parse(m);
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(std::string(v->GetFixed(kTagNonc, 32).status().message()),
              HasSubstr("NONC is 8 bytes, expected 32"));
  EXPECT_FALSE(v->GetU32(kTagNonc).ok());
}

TEST(MessageViewTest, NestedMessageErrorsNameTheTag) {
  const Bytes m = Words({1, kTagSrep, 5});  // SREP claims 5 tags in 4 bytes
  auto v = MessageView::Parse(m);
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(std::string(v->GetMessage(kTagSrep).status().message()),
              HasSubstr("SREP is not a valid message"));
}

TEST(MessageViewTest, EveryTruncationOfAValidMessageFailsCleanly) {
  const Bytes m = Words({3, 4, 8, kTagSig, kTagNonc, kTagPath, 1, 2, 3, 4});
  ASSERT_TRUE(MessageView::Parse(m).ok());
  for (size_t len = 0; len < m.size(); ++len) {
    auto v = MessageView::Parse(ByteSpan(m.data(), len));
    if (v.ok()) {
      // Only 4-byte-aligned prefixes whose header still fits can parse, and
      // then every value lies inside the prefix.
      for (size_t i = 0; i < v->num_tags(); ++i) {
        EXPECT_LE(v->value(i).data() + v->value(i).size(), m.data() + len);
      }
    }
  }
}

TEST(FrameTest, UnwrapChecksMagicAndExactLength) {
  Bytes packet(12 + 8, 0);
  WriteFrameHeader(packet.data(), 8);
  EXPECT_TRUE(HasFrameMagic(packet));
  auto inner = UnwrapFrame(packet);
  ASSERT_TRUE(inner.ok());
  EXPECT_EQ(inner->size(), 8u);

  StoreLE32(packet.data() + 8, 12);
  EXPECT_THAT(std::string(UnwrapFrame(packet).status().message()),
              HasSubstr("does not match"));
  StoreLE32(packet.data() + 8, 4);
  EXPECT_FALSE(UnwrapFrame(packet).ok());  // trailing bytes are not allowed
  packet[0] = 'r';
  EXPECT_THAT(std::string(UnwrapFrame(packet).status().message()),
              HasSubstr("ROUGHTIM"));
  EXPECT_FALSE(UnwrapFrame(ByteSpan(packet.data(), 11)).ok());
}

TEST(MessageBuilderTest, WritesWhatTheParserReads) {
  const size_t size = EncodedMessageSize({4, 8, 0});
  EXPECT_EQ(size, 24u + 12u);
  Bytes out(size);
  MessageBuilder b(MutableByteSpan(out), 3);
  ASSERT_TRUE(b.AddU32(kTagRadi, 7).ok());
  ASSERT_TRUE(b.AddU64(kTagMidp, 99).ok());
  ASSERT_TRUE(b.AddBytes(kTagRoot, {}).ok());
  auto written = b.Finish();
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, size);
  auto v = MessageView::Parse(out);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v->GetU32(kTagRadi), 7u);
  EXPECT_EQ(*v->GetU64(kTagMidp), 99u);
}

TEST(MessageBuilderTest, EnforcesOrderSizesAndCount) {
  Bytes out(64);
  {
    MessageBuilder b(MutableByteSpan(out), 2);
    ASSERT_TRUE(b.AddU32(kTagNonc, 0).ok());
    EXPECT_FALSE(b.AddU32(kTagSig, 0).ok());  // SIG sorts before NONC
    EXPECT_FALSE(b.Finish().ok());
  }
  {
    MessageBuilder b(MutableByteSpan(out), 2);
    ASSERT_TRUE(b.AddU32(kTagNonc, 0).ok());
    EXPECT_FALSE(b.AddU32(kTagNonc, 0).ok());  // duplicate
  }
  {
    MessageBuilder b(MutableByteSpan(out), 1);
    EXPECT_FALSE(b.Add(kTagNonc, 3).ok());  // not a multiple of 4
  }
  {
    MessageBuilder b(MutableByteSpan(out), 2);
    ASSERT_TRUE(b.AddU32(kTagNonc, 0).ok());
    EXPECT_FALSE(b.Finish().ok());  // one tag missing
  }
  {
    MessageBuilder b(MutableByteSpan(out.data(), 16), 1);
    EXPECT_FALSE(b.Add(kTagNonc, 32).ok());  // buffer too small
  }
}

TEST(TagNameTest, PrintsLettersAndFallsBackToHex) {
  EXPECT_EQ(TagName(kTagSig), "SIG");
  EXPECT_EQ(TagName(kTagNonc), "NONC");
  EXPECT_EQ(TagName(kTagPadGoogle), "PAD\\xff");
  EXPECT_EQ(TagName(0x01020304), "0x01020304");
}

}  // namespace
}  // namespace roughtime
