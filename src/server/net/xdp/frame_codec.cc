#include "server/net/xdp/frame_codec.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace roughtime::server::xdp {
namespace {

constexpr size_t kEthernetHeader = 14;
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr size_t kIpv4Header = 20;
constexpr size_t kIpv6Header = 40;
constexpr size_t kUdpHeader = 8;
constexpr uint8_t kProtocolUdp = 17;
// RFC 791 §3.1 (and Linux's default for both families).
constexpr uint8_t kHopLimit = 64;

uint16_t Read16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

void Write16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// The UDP pseudo-header of RFC 768 (IPv4) or RFC 8200 §8.1 (IPv6), summed:
// addresses, protocol and UDP length.
uint64_t PseudoHeaderSum(const uint8_t* source, const uint8_t* destination,
                         size_t address_size, size_t udp_length) {
  uint8_t tail[8] = {};
  if (address_size == 4) {
    tail[1] = kProtocolUdp;
    Write16(tail + 2, static_cast<uint16_t>(udp_length));
  } else {
    Write16(tail + 2, static_cast<uint16_t>(udp_length));
    tail[7] = kProtocolUdp;
  }
  uint64_t sum = OnesComplementAdd(0, ByteSpan(source, address_size));
  sum = OnesComplementAdd(sum, ByteSpan(destination, address_size));
  return OnesComplementAdd(sum, ByteSpan(tail, address_size == 4 ? 4 : 8));
}

// Whether the UDP datagram `udp` (header included) between `source` and
// `destination` carries a correct checksum. The sum over everything,
// checksum field included, folds to all ones when it is right.
bool UdpChecksumOk(const uint8_t* source, const uint8_t* destination,
                   size_t address_size, ByteSpan udp) {
  const uint64_t sum = OnesComplementAdd(
      PseudoHeaderSum(source, destination, address_size, udp.size()), udp);
  return FoldChecksum(sum) == 0xffff;
}

// Stores a folded sum as a checksum field: inverted, and in UDP all zeros
// (which means "no checksum") sent as all ones (RFC 768).
void StoreChecksum(uint8_t* field, uint64_t sum, bool udp) {
  uint16_t checksum = static_cast<uint16_t>(~FoldChecksum(sum));
  if (udp && checksum == 0) checksum = 0xffff;
  // The sum was taken in the machine's byte order; so is the store.
  std::memcpy(field, &checksum, sizeof(checksum));
}

FrameVerdict CopyPayload(ByteSpan udp, RequestSlot* slot) {
  const size_t size = udp.size() - kUdpHeader;
  if (size > sizeof(slot->data)) return FrameVerdict::kTooLong;
  std::memcpy(slot->data, udp.data() + kUdpHeader, size);
  slot->size = size;
  slot->frame.local_port = Read16(udp.data() + 2);
  return FrameVerdict::kRequest;
}

FrameVerdict ReadIpv4(const uint8_t* ip, size_t available, RequestSlot* slot) {
  if (available < kIpv4Header) return FrameVerdict::kTruncated;
  const size_t header = static_cast<size_t>(ip[0] & 0x0f) * 4;
  if ((ip[0] >> 4) != 4 || header < kIpv4Header) return FrameVerdict::kNotUdp;
  if (ip[9] != kProtocolUdp) return FrameVerdict::kNotUdp;
  // A fragment (more to come, or an offset) is not a whole datagram.
  if ((Read16(ip + 6) & 0x3fff) != 0) return FrameVerdict::kNotUdp;
  const size_t total = Read16(ip + 2);
  if (total > available || total < header + kUdpHeader) {
    return FrameVerdict::kTruncated;
  }
  if (FoldChecksum(OnesComplementAdd(0, ByteSpan(ip, header))) != 0xffff) {
    return FrameVerdict::kBadChecksum;
  }
  const uint8_t* udp = ip + header;
  const size_t udp_length = Read16(udp + 4);
  if (udp_length < kUdpHeader || udp_length > total - header) {
    return FrameVerdict::kTruncated;
  }
  // Zero means the sender computed none, which IPv4 allows (RFC 768).
  if (Read16(udp + 6) != 0 &&
      !UdpChecksumOk(ip + 12, ip + 16, 4, ByteSpan(udp, udp_length))) {
    return FrameVerdict::kBadChecksum;
  }
  auto* peer = reinterpret_cast<sockaddr_in*>(&slot->peer);
  *peer = sockaddr_in{};
  peer->sin_family = AF_INET;
  std::memcpy(&peer->sin_addr, ip + 12, 4);
  std::memcpy(&peer->sin_port, udp, 2);  // both in network order
  slot->peer_size = sizeof(sockaddr_in);
  slot->local = LocalDestination{};
  slot->local.family = AF_INET;
  std::memcpy(&slot->local.v4, ip + 16, 4);
  return CopyPayload(ByteSpan(udp, udp_length), slot);
}

FrameVerdict ReadIpv6(const uint8_t* ip, size_t available, RequestSlot* slot) {
  if (available < kIpv6Header) return FrameVerdict::kTruncated;
  // Extension headers are left to the kernel by the sieve.
  if ((ip[0] >> 4) != 6 || ip[6] != kProtocolUdp) return FrameVerdict::kNotUdp;
  const size_t payload = Read16(ip + 4);
  if (payload > available - kIpv6Header) return FrameVerdict::kTruncated;
  const uint8_t* udp = ip + kIpv6Header;
  if (payload < kUdpHeader) return FrameVerdict::kTruncated;
  const size_t udp_length = Read16(udp + 4);
  if (udp_length < kUdpHeader || udp_length > payload) {
    return FrameVerdict::kTruncated;
  }
  // IPv6 has no header checksum, so UDP's is mandatory (RFC 8200 §8.1).
  if (Read16(udp + 6) == 0 ||
      !UdpChecksumOk(ip + 8, ip + 24, 16, ByteSpan(udp, udp_length))) {
    return FrameVerdict::kBadChecksum;
  }
  auto* peer = reinterpret_cast<sockaddr_in6*>(&slot->peer);
  *peer = sockaddr_in6{};
  peer->sin6_family = AF_INET6;
  std::memcpy(&peer->sin6_addr, ip + 8, 16);
  std::memcpy(&peer->sin6_port, udp, 2);
  slot->peer_size = sizeof(sockaddr_in6);
  slot->local = LocalDestination{};
  slot->local.family = AF_INET6;
  std::memcpy(&slot->local.v6, ip + 24, 16);
  return CopyPayload(ByteSpan(udp, udp_length), slot);
}

}  // namespace

uint64_t OnesComplementAdd(uint64_t sum, ByteSpan bytes) {
  // 64-bit words in the machine's byte order with the carry added back
  // (end-around carry): the one's-complement sum is byte-order independent
  // and may be taken in any word size that keeps the 16-bit lanes aligned
  // (RFC 1071 §2(B), (C)); every part summed starts at an even offset.
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  const auto add = [&sum](uint64_t word) {
    sum += word;
    sum += sum < word;  // the carry out of bit 63
  };
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));
    add(word);
  }
  if (n > 0) {
    // A short tail is padded with zeros on the right (RFC 768).
    uint64_t word = 0;
    std::memcpy(&word, p, n);
    add(word);
  }
  return sum;
}

uint16_t FoldChecksum(uint64_t sum) {
  sum = (sum & 0xffffffff) + (sum >> 32);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

FrameVerdict ReadRequestFrame(ByteSpan frame, RequestSlot* slot) {
  if (frame.size() < kEthernetHeader) return FrameVerdict::kNotUdp;
  const uint8_t* eth = frame.data();
  // The reply goes back over the same link: our address is where the
  // request went, the peer's (often a router's) is where it came from.
  std::memcpy(slot->frame.local_mac, eth, 6);
  std::memcpy(slot->frame.peer_mac, eth + 6, 6);
  const uint16_t type = Read16(eth + 12);
  const size_t available = frame.size() - kEthernetHeader;
  if (type == kEtherTypeIpv4) {
    return ReadIpv4(eth + kEthernetHeader, available, slot);
  }
  if (type == kEtherTypeIpv6) {
    return ReadIpv6(eth + kEthernetHeader, available, slot);
  }
  return FrameVerdict::kNotUdp;
}

size_t WriteReplyFrame(const RequestSlot& slot, ByteSpan payload,
                       uint8_t* out) {
  const bool v6 = slot.local.family == AF_INET6;
  uint8_t* eth = out;
  std::memcpy(eth, slot.frame.peer_mac, 6);
  std::memcpy(eth + 6, slot.frame.local_mac, 6);
  Write16(eth + 12, v6 ? kEtherTypeIpv6 : kEtherTypeIpv4);

  uint8_t* ip = eth + kEthernetHeader;
  const size_t ip_header = v6 ? kIpv6Header : kIpv4Header;
  uint8_t* udp = ip + ip_header;
  const size_t udp_length = kUdpHeader + payload.size();
  const uint8_t* local;
  const uint8_t* peer;
  uint16_t peer_port;  // network order
  if (v6) {
    const auto* to = reinterpret_cast<const sockaddr_in6*>(&slot.peer);
    std::memset(ip, 0, kIpv6Header);
    ip[0] = 0x60;  // version 6, traffic class and flow label 0
    Write16(ip + 4, static_cast<uint16_t>(udp_length));
    ip[6] = kProtocolUdp;
    ip[7] = kHopLimit;
    std::memcpy(ip + 8, &slot.local.v6, 16);
    std::memcpy(ip + 24, &to->sin6_addr, 16);
    local = ip + 8;
    peer = ip + 24;
    peer_port = to->sin6_port;
  } else {
    const auto* to = reinterpret_cast<const sockaddr_in*>(&slot.peer);
    std::memset(ip, 0, kIpv4Header);
    ip[0] = 0x45;  // version 4, no options
    Write16(ip + 2, static_cast<uint16_t>(kIpv4Header + udp_length));
    // Don't Fragment: an unfragmented datagram needs no unique ID
    // (RFC 6864 §4.1), so the ID stays 0.
    Write16(ip + 6, 0x4000);
    ip[8] = kHopLimit;
    ip[9] = kProtocolUdp;
    std::memcpy(ip + 12, &slot.local.v4, 4);
    std::memcpy(ip + 16, &to->sin_addr, 4);
    StoreChecksum(ip + 10, OnesComplementAdd(0, ByteSpan(ip, kIpv4Header)),
                  /*udp=*/false);
    local = ip + 12;
    peer = ip + 16;
    peer_port = to->sin_port;
  }
  Write16(udp, slot.frame.local_port);
  std::memcpy(udp + 2, &peer_port, 2);
  Write16(udp + 4, static_cast<uint16_t>(udp_length));
  Write16(udp + 6, 0);
  std::memcpy(udp + kUdpHeader, payload.data(), payload.size());
  const size_t address_size = v6 ? 16 : 4;
  StoreChecksum(udp + 6,
                OnesComplementAdd(PseudoHeaderSum(local, peer, address_size,
                                                  udp_length),
                                  ByteSpan(udp, udp_length)),
                /*udp=*/true);
  return kEthernetHeader + ip_header + udp_length;
}

}  // namespace roughtime::server::xdp
