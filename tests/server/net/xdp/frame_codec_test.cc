// The AF_XDP loop's frame reader and writer (server/net/xdp/frame_codec.h)
// against frames built here byte by byte, with checksums from a plain
// 16-bit network-order reference (RFC 1071) rather than the code under test.
#include "server/net/xdp/frame_codec.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <random>

#include "gtest/gtest.h"

namespace roughtime::server::xdp {
namespace {

uint16_t ReferenceChecksum(const Bytes& bytes) {
  uint32_t sum = 0;
  for (size_t i = 0; i < bytes.size(); i += 2) {
    const uint32_t hi = bytes[i];
    const uint32_t lo = i + 1 < bytes.size() ? bytes[i + 1] : 0;
    sum += (hi << 8) | lo;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

void Put16(Bytes& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
uint16_t Get16(const Bytes& b, size_t at) {
  return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

const uint8_t kServerMac[6] = {0x02, 0, 0, 0, 0, 0x01};
const uint8_t kClientMac[6] = {0x02, 0, 0, 0, 0, 0x02};

// The UDP checksum over the pseudo-header, as the reference computes it.
uint16_t UdpChecksum(const uint8_t* src, const uint8_t* dst, size_t alen,
                     const Bytes& udp) {
  Bytes pseudo(src, src + alen);
  pseudo.insert(pseudo.end(), dst, dst + alen);
  if (alen == 4) {
    pseudo.insert(pseudo.end(), {0, 17, 0, 0});
    Put16(pseudo, pseudo.size() - 2, static_cast<uint16_t>(udp.size()));
  } else {
    pseudo.insert(pseudo.end(), {0, 0, 0, 0, 0, 0, 0, 17});
    Put16(pseudo, pseudo.size() - 6, static_cast<uint16_t>(udp.size()));
  }
  pseudo.insert(pseudo.end(), udp.begin(), udp.end());
  const uint16_t c = ReferenceChecksum(pseudo);
  return c == 0 ? 0xffff : c;
}

Bytes Payload(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes p(n);
  for (uint8_t& b : p) b = static_cast<uint8_t>(rng());
  return p;
}

// A client's request frame: IPv4 (with `options` bytes of IP options) or
// IPv6, to port 2002 from port 40000, with a correct UDP checksum.
Bytes RequestFrame(bool v6, const Bytes& payload, size_t options = 0) {
  Bytes udp(8 + payload.size());
  Put16(udp, 0, 40000);
  Put16(udp, 2, 2002);
  Put16(udp, 4, static_cast<uint16_t>(udp.size()));
  std::memcpy(udp.data() + 8, payload.data(), payload.size());
  Bytes frame;
  frame.insert(frame.end(), kServerMac, kServerMac + 6);
  frame.insert(frame.end(), kClientMac, kClientMac + 6);
  if (v6) {
    frame.insert(frame.end(), {0x86, 0xdd});
    Bytes ip(40, 0);
    ip[0] = 0x60;
    Put16(ip, 4, static_cast<uint16_t>(udp.size()));
    ip[6] = 17;
    ip[7] = 64;
    inet_pton(AF_INET6, "2001:db8::2", ip.data() + 8);
    inet_pton(AF_INET6, "2001:db8::1", ip.data() + 24);
    Put16(udp, 6, UdpChecksum(ip.data() + 8, ip.data() + 24, 16, udp));
    frame.insert(frame.end(), ip.begin(), ip.end());
  } else {
    frame.insert(frame.end(), {0x08, 0x00});
    Bytes ip(20 + options, 0);
    ip[0] = static_cast<uint8_t>(0x40 | ((20 + options) / 4));
    Put16(ip, 2, static_cast<uint16_t>(ip.size() + udp.size()));
    Put16(ip, 6, 0x4000);
    ip[8] = 64;
    ip[9] = 17;
    inet_pton(AF_INET, "192.0.2.2", ip.data() + 12);
    inet_pton(AF_INET, "192.0.2.1", ip.data() + 16);
    for (size_t i = 20; i < ip.size(); ++i) ip[i] = 1;  // NOP options
    Put16(ip, 10, ReferenceChecksum(ip));
    Put16(udp, 6, UdpChecksum(ip.data() + 12, ip.data() + 16, 4, udp));
    frame.insert(frame.end(), ip.begin(), ip.end());
  }
  frame.insert(frame.end(), udp.begin(), udp.end());
  return frame;
}

TEST(FrameCodecTest, ReadsIpv4RequestAndWritesItsReply) {
  for (size_t options : {0, 4, 40}) {
    SCOPED_TRACE(options);
    const Bytes payload = Payload(1030, 7);  // odd tail in the checksum
    const Bytes frame = RequestFrame(false, payload, options);
    RequestSlot slot;
    ASSERT_EQ(ReadRequestFrame(frame, &slot), FrameVerdict::kRequest);
    EXPECT_EQ(Bytes(slot.data, slot.data + slot.size), payload);
    ASSERT_EQ(slot.peer.ss_family, AF_INET);
    const auto* peer = reinterpret_cast<const sockaddr_in*>(&slot.peer);
    EXPECT_EQ(ntohs(peer->sin_port), 40000);
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &peer->sin_addr, text, sizeof(text));
    EXPECT_STREQ(text, "192.0.2.2");
    EXPECT_EQ(slot.local.family, AF_INET);
    EXPECT_EQ(slot.frame.local_port, 2002);

    const Bytes reply_payload = Payload(501, 9);
    Bytes out(2048);
    const size_t n = WriteReplyFrame(slot, reply_payload, out.data());
    ASSERT_EQ(n, kReplyHeadersV4 + reply_payload.size());
    out.resize(n);
    EXPECT_EQ(0, std::memcmp(out.data(), kClientMac, 6));
    EXPECT_EQ(0, std::memcmp(out.data() + 6, kServerMac, 6));
    EXPECT_EQ(Get16(out, 12), 0x0800);
    const Bytes ip(out.begin() + 14, out.begin() + 34);
    EXPECT_EQ(ip[0], 0x45);
    EXPECT_EQ(Get16(ip, 2), 20 + 8 + reply_payload.size());
    EXPECT_EQ(ip[9], 17);
    EXPECT_EQ(ReferenceChecksum(ip), 0);  // a correct header sums to zero
    char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, ip.data() + 12, src, sizeof(src));
    inet_ntop(AF_INET, ip.data() + 16, dst, sizeof(dst));
    EXPECT_STREQ(src, "192.0.2.1");
    EXPECT_STREQ(dst, "192.0.2.2");
    Bytes udp(out.begin() + 34, out.end());
    EXPECT_EQ(Get16(udp, 0), 2002);
    EXPECT_EQ(Get16(udp, 2), 40000);
    EXPECT_EQ(Get16(udp, 4), udp.size());
    const uint16_t sent = Get16(udp, 6);
    Put16(udp, 6, 0);
    EXPECT_EQ(sent, UdpChecksum(ip.data() + 12, ip.data() + 16, 4, udp));
    EXPECT_EQ(Bytes(udp.begin() + 8, udp.end()), reply_payload);
  }
}

TEST(FrameCodecTest, ReadsIpv6RequestAndWritesItsReply) {
  const Bytes payload = Payload(1024, 3);
  const Bytes frame = RequestFrame(true, payload);
  RequestSlot slot;
  ASSERT_EQ(ReadRequestFrame(frame, &slot), FrameVerdict::kRequest);
  EXPECT_EQ(Bytes(slot.data, slot.data + slot.size), payload);
  ASSERT_EQ(slot.peer.ss_family, AF_INET6);
  EXPECT_EQ(slot.local.family, AF_INET6);

  const Bytes reply_payload = Payload(333, 4);
  Bytes out(2048);
  const size_t n = WriteReplyFrame(slot, reply_payload, out.data());
  ASSERT_EQ(n, kReplyHeadersV6 + reply_payload.size());
  out.resize(n);
  EXPECT_EQ(Get16(out, 12), 0x86dd);
  const Bytes ip(out.begin() + 14, out.begin() + 54);
  EXPECT_EQ(ip[0] >> 4, 6);
  EXPECT_EQ(ip[6], 17);
  EXPECT_EQ(Get16(ip, 4), 8 + reply_payload.size());
  char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, ip.data() + 8, src, sizeof(src));
  inet_ntop(AF_INET6, ip.data() + 24, dst, sizeof(dst));
  EXPECT_STREQ(src, "2001:db8::1");
  EXPECT_STREQ(dst, "2001:db8::2");
  Bytes udp(out.begin() + 54, out.end());
  const uint16_t sent = Get16(udp, 6);
  Put16(udp, 6, 0);
  EXPECT_EQ(sent, UdpChecksum(ip.data() + 8, ip.data() + 24, 16, udp));
  // The reply read back as a frame is a valid datagram with our payload.
  RequestSlot back;
  ASSERT_EQ(ReadRequestFrame(out, &back), FrameVerdict::kRequest);
  EXPECT_EQ(Bytes(back.data, back.data + back.size), reply_payload);
}

TEST(FrameCodecTest, RefusesWrongChecksumsAndLengths) {
  const Bytes payload = Payload(1024, 5);
  RequestSlot slot;
  for (bool v6 : {false, true}) {
    SCOPED_TRACE(v6);
    const Bytes good = RequestFrame(v6, payload);
    const size_t udp_at = v6 ? 54 : 34;
    // One payload bit flipped: the UDP checksum no longer holds.
    Bytes flipped = good;
    flipped[udp_at + 100] ^= 0x01;
    EXPECT_EQ(ReadRequestFrame(flipped, &slot), FrameVerdict::kBadChecksum);
    // A UDP length past the frame.
    Bytes long_udp = good;
    Put16(long_udp, udp_at + 4, static_cast<uint16_t>(8 + payload.size() + 4));
    EXPECT_EQ(ReadRequestFrame(long_udp, &slot), FrameVerdict::kTruncated);
    // Cut short.
    const Bytes cut(good.begin(), good.begin() + udp_at + 4);
    EXPECT_NE(ReadRequestFrame(cut, &slot), FrameVerdict::kRequest);
  }
  // IPv4: a wrong header checksum; a zero UDP checksum is allowed.
  Bytes bad_header = RequestFrame(false, payload);
  bad_header[14 + 8] = 1;  // TTL changed, checksum not
  EXPECT_EQ(ReadRequestFrame(bad_header, &slot), FrameVerdict::kBadChecksum);
  Bytes no_sum = RequestFrame(false, payload);
  Put16(no_sum, 34 + 6, 0);
  EXPECT_EQ(ReadRequestFrame(no_sum, &slot), FrameVerdict::kRequest);
  // IPv6: a zero UDP checksum is not allowed (RFC 8200 §8.1).
  Bytes no_sum6 = RequestFrame(true, payload);
  Put16(no_sum6, 54 + 6, 0);
  EXPECT_EQ(ReadRequestFrame(no_sum6, &slot), FrameVerdict::kBadChecksum);
  // Not UDP over IP: ARP, and an IPv4 fragment.
  Bytes arp = RequestFrame(false, payload);
  Put16(arp, 12, 0x0806);
  EXPECT_EQ(ReadRequestFrame(arp, &slot), FrameVerdict::kNotUdp);
  Bytes fragment = RequestFrame(false, payload);
  Put16(fragment, 14 + 6, 0x2000);  // more fragments
  Put16(fragment, 14 + 10, 0);
  Put16(fragment, 14 + 10,
        ReferenceChecksum(Bytes(fragment.begin() + 14, fragment.begin() + 34)));
  EXPECT_EQ(ReadRequestFrame(fragment, &slot), FrameVerdict::kNotUdp);
}

TEST(FrameCodecTest, ChecksumMatchesReferenceOnRandomBytes) {
  std::mt19937 rng(11);
  for (size_t n = 0; n < 300; ++n) {
    const Bytes b = Payload(n, static_cast<uint32_t>(rng()));
    const uint16_t folded = FoldChecksum(OnesComplementAdd(0, b));
    // The code sums in the machine's byte order; stored with memcpy it
    // must read back as the reference's network-order (uninverted) sum.
    uint8_t stored[2];
    std::memcpy(stored, &folded, 2);
    const uint16_t network = static_cast<uint16_t>((stored[0] << 8) | stored[1]);
    const uint16_t reference = static_cast<uint16_t>(~ReferenceChecksum(b));
    // 0x0000 and 0xffff are the same number in one's complement.
    if (reference == 0 || reference == 0xffff) {
      EXPECT_TRUE(network == 0 || network == 0xffff) << n;
    } else {
      EXPECT_EQ(network, reference) << n;
    }
  }
}

}  // namespace
}  // namespace roughtime::server::xdp
