// Cutting a TCP stream into ROUGHTIM packets (tcp_framer.h).
#include "server/tcp/tcp_framer.h"

#include "gtest/gtest.h"
#include "roughtime/request.h"
#include "roughtime/wire.h"

namespace roughtime::server {
namespace {

Bytes Packet(uint32_t message_size) {
  Bytes p(kFrameHeaderSize + message_size, 0xab);
  WriteFrameHeader(p.data(), message_size);
  return p;
}

TEST(TcpFramerTest, WholePacketIsFoundAndTheRestLeft) {
  Bytes stream = Packet(1024);
  const Bytes second = Packet(1024);
  stream.insert(stream.end(), second.begin(), second.begin() + 100);
  const FrameResult r = NextFrame(stream, kMaxRequestSize);
  EXPECT_EQ(r.status, FrameStatus::kFrame);
  EXPECT_EQ(r.size, 1036u);
  const FrameResult rest =
      NextFrame(ByteSpan(stream).subspan(r.size), kMaxRequestSize);
  EXPECT_EQ(rest.status, FrameStatus::kNeedMore);
}

TEST(TcpFramerTest, PartialHeaderAndPartialMessageNeedMore) {
  const Bytes p = Packet(1024);
  for (size_t n : {size_t{0}, size_t{3}, size_t{8}, size_t{11}, size_t{12},
                   size_t{1035}}) {
    EXPECT_EQ(NextFrame(ByteSpan(p.data(), n), kMaxRequestSize).status,
              FrameStatus::kNeedMore)
        << n;
  }
}

TEST(TcpFramerTest, GarbageIsSeenFromTheFirstWrongByte) {
  const uint8_t g[] = {'R', 'O', 'X'};
  EXPECT_EQ(NextFrame(ByteSpan(g, 3), kMaxRequestSize).status,
            FrameStatus::kGarbage);
  const uint8_t http[] = {'G', 'E', 'T'};
  EXPECT_EQ(NextFrame(ByteSpan(http, 1), kMaxRequestSize).status,
            FrameStatus::kGarbage);
}

TEST(TcpFramerTest, OversizeIsRefusedFromTheHeaderAlone) {
  const Bytes p = Packet(kMaxRequestSize - kFrameHeaderSize + 1);
  EXPECT_EQ(NextFrame(ByteSpan(p.data(), kFrameHeaderSize), kMaxRequestSize)
                .status,
            FrameStatus::kOversize);
  const Bytes largest = Packet(kMaxRequestSize - kFrameHeaderSize);
  EXPECT_EQ(NextFrame(largest, kMaxRequestSize).status, FrameStatus::kFrame);
  // A hostile length near 2^32 does not overflow.
  uint8_t header[kFrameHeaderSize];
  WriteFrameHeader(header, 0xffffffffu);
  EXPECT_EQ(NextFrame(ByteSpan(header, sizeof(header)), kMaxRequestSize)
                .status,
            FrameStatus::kOversize);
}

}  // namespace
}  // namespace roughtime::server
