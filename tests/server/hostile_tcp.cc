#include "hostile_tcp.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <utility>

#include "hostile_packets.h"
#include "roughtime/request.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime::server::testing {
namespace {

struct StreamFate {
  TcpFate fate;
  std::vector<std::string> counters;
};

// The UDP rows whose fate differs on a stream; every other UDP row is one
// whole frame, dropped for the same reason as over UDP.
std::map<std::string, StreamFate> OtherFatesOnAStream() {
  const StreamFate idle{TcpFate::kClosedWhenIdle, {"tcp_idle"}};
  const StreamFate garbage{TcpFate::kClosedAtOnce, {"tcp_garbage"}};
  const StreamFate oversize{TcpFate::kClosedAtOnce, {"tcp_oversize"}};
  return {
      // Nothing, or the start of a frame: the server waits for the rest.
      {"zero_length", idle},
      {"one_byte", idle},        // "R"
      {"bytes_1023", idle},      // one byte of the message missing
      {"frame_length_larger", idle},
      // More than kMaxRequestSize announced: the header alone is enough.
      {"well_formed_1504", oversize},
      {"frame_length_huge", oversize},
      // Not "ROUGHTIM" (Google-Roughtime has no frame, so no stream).
      {"bytes_65507", garbage},
      {"random_unframed", garbage},
      {"google_nonce_32", garbage},
      // The announced 1000 bytes are a whole, too short, frame; the 12
      // bytes after it do not start with "ROUGHTIM".
      {"frame_length_smaller",
       {TcpFate::kClosedAtOnce, {"drop_too_short", "tcp_garbage"}}},
  };
}

Bytes Concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

bool IsOneFrame(const Bytes& bytes) {
  return bytes.size() >= kFrameHeaderSize &&
         std::equal(std::begin(kFrameMagic), std::end(kFrameMagic),
                    bytes.begin()) &&
         kFrameHeaderSize + uint64_t{LoadLE32(bytes.data() + 8)} ==
             bytes.size();
}

std::vector<HostileTcpRow> HostileTcpRows(const PublicKey& root) {
  std::vector<HostileTcpRow> rows;
  std::map<std::string, StreamFate> others = OtherFatesOnAStream();
  for (HostileRow& udp : HostileUdpRows(root)) {
    auto other = others.find(udp.name);
    if (other == others.end()) {
      rows.push_back({std::move(udp.name), std::move(udp.packet),
                      {std::move(udp.counter)}, TcpFate::kKeptOpen});
      continue;
    }
    rows.push_back({std::move(udp.name), std::move(udp.packet),
                    std::move(other->second.counters), other->second.fate});
    others.erase(other);
  }
  // A name above that is no longer a UDP row: a row that cannot pass
  // (IsOneFrame fails on it), so the table is fixed rather than skipped.
  for (const auto& unused : others) {
    rows.push_back({"no_udp_row_" + unused.first, {}, {}, TcpFate::kKeptOpen});
  }

  auto add = [&](std::string name, Bytes stream,
                 std::vector<std::string> counters, TcpFate fate) {
    rows.push_back({"tcp_" + name, std::move(stream), std::move(counters),
                    fate});
  };
  Bytes nonce(32);
  RandomBytes(MutableByteSpan(nonce));
  const Bytes good = V1Request(root, nonce);

  // Unframed rows given a frame reach the parser.
  add("google_framed",
      Frame(PaddedMessage({{kTagNonc, Bytes(32, 7)}}, 1024, kTagPadGoogle)),
      {"drop_missing_version"}, TcpFate::kKeptOpen);
  add("random_framed", Frame(Bytes(1024, 0xab)), {"drop_malformed"},
      TcpFate::kKeptOpen);
  add("frame_length_zero", Frame(Bytes{}), {"drop_too_short"},
      TcpFate::kKeptOpen);
  // Framing edges: the largest packet (parsed, then dropped) and one byte
  // more, a wrong last magic byte, a header with nothing after it, and a
  // frame followed by garbage.
  add("frame_1500_bytes_missing_nonce",
      Frame(PaddedMessage({{kTagVer, Le32(1)}, {kTagType, Le32(0)}},
                          kMaxRequestSize - kFrameHeaderSize, kTagZzzz)),
      {"drop_missing_nonce"}, TcpFate::kKeptOpen);
  add("frame_1501_bytes",
      Frame(Bytes(64, 0), kMaxRequestSize + 1 - kFrameHeaderSize),
      {"tcp_oversize"}, TcpFate::kClosedAtOnce);
  {
    Bytes bad_magic = good;
    bad_magic[7] = 'X';
    add("magic_ROUGHTIX", std::move(bad_magic), {"tcp_garbage"},
        TcpFate::kClosedAtOnce);
  }
  add("header_only", Bytes(good.begin(), good.begin() + kFrameHeaderSize),
      {"tcp_idle"}, TcpFate::kClosedWhenIdle);
  add("magic_prefix_ROUGH", Bytes(good.begin(), good.begin() + 5),
      {"tcp_idle"}, TcpFate::kClosedWhenIdle);
  add("frame_then_garbage",
      Concat(V1Request(SigningKey::Generate().public_key(), nonce),
             Bytes(16, 0)),
      {"drop_wrong_srv", "tcp_garbage"}, TcpFate::kClosedAtOnce);
  return rows;
}

}  // namespace roughtime::server::testing
