#include "hostile_packets.h"

#include <cstdio>
#include <utility>

#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime::server::testing {
namespace {

constexpr size_t kMessageSize = 1024;  // what RFC clients send

Bytes Nonce(size_t size) {
  Bytes nonce(size);
  RandomBytes(MutableByteSpan(nonce));
  return nonce;
}

Bytes SrvOf(const PublicKey& root) {
  const Hash32 srv = ComputeSrv(root);
  return Bytes(srv.begin(), srv.end());
}

Bytes Versions(std::initializer_list<uint32_t> wires) {
  Bytes out;
  for (uint32_t w : wires) {
    const Bytes b = Le32(w);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

// A framed 1024-byte message with VER = `ver` (raw), TYPE=0, SRV, `nonce`.
Bytes Framed(const PublicKey& root, Bytes ver, Bytes nonce) {
  return Frame(PaddedMessage({{kTagVer, std::move(ver)},
                              {kTagSrv, SrvOf(root)},
                              {kTagNonc, std::move(nonce)},
                              {kTagType, Le32(0)}},
                             kMessageSize, kTagZzzz));
}

// A framed message whose header is written word by word: `words` are the
// tag count, offsets and tags; the rest is zeros up to 1024 bytes.
Bytes RawHeader(std::initializer_list<uint32_t> words) {
  Bytes message;
  for (uint32_t w : words) {
    const Bytes b = Le32(w);
    message.insert(message.end(), b.begin(), b.end());
  }
  message.resize(kMessageSize, 0);
  return Frame(message);
}

}  // namespace

Bytes Le32(uint32_t v) {
  Bytes out(4);
  StoreLE32(out.data(), v);
  return out;
}

Bytes EncodeMessage(const std::vector<Field>& fields) {
  Bytes out = Le32(static_cast<uint32_t>(fields.size()));
  uint32_t offset = 0;
  for (size_t i = 1; i < fields.size(); ++i) {
    offset += static_cast<uint32_t>(fields[i - 1].value.size());
    const Bytes b = Le32(offset);
    out.insert(out.end(), b.begin(), b.end());
  }
  for (const Field& f : fields) {
    const Bytes b = Le32(f.tag);
    out.insert(out.end(), b.begin(), b.end());
  }
  for (const Field& f : fields) {
    out.insert(out.end(), f.value.begin(), f.value.end());
  }
  return out;
}

Bytes PaddedMessage(std::vector<Field> fields, size_t size,
                    uint32_t pad_tag) {
  fields.push_back({pad_tag, {}});
  const size_t without_padding = EncodeMessage(fields).size();
  fields.back().value.assign(size - without_padding, 0);
  return EncodeMessage(fields);
}

Bytes Frame(const Bytes& message, uint32_t length) {
  Bytes out(kFrameHeaderSize);
  WriteFrameHeader(out.data(), length);
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

Bytes V1Request(const PublicKey& root, const Bytes& nonce,
                size_t message_size) {
  return Frame(PaddedMessage({{kTagVer, Le32(1)},
                              {kTagSrv, SrvOf(root)},
                              {kTagNonc, nonce},
                              {kTagType, Le32(0)}},
                             message_size, kTagZzzz));
}

std::vector<HostileRow> HostileUdpRows(const PublicKey& root) {
  std::vector<HostileRow> rows;
  auto add = [&](std::string name, Bytes packet, const std::string& reason) {
    rows.push_back({std::move(name), std::move(packet), "drop_" + reason});
  };
  const Bytes good = V1Request(root, Nonce(32));

  // Sizes: nothing to parse, or too small to answer without amplification
  // (§9.7), or larger than any request (truncated to 1501 by the server).
  add("zero_length", Bytes{}, "too_short");
  add("one_byte", Bytes{0x52}, "too_short");
  add("bytes_1023", Bytes(good.begin(), good.begin() + 1023), "too_short");
  add("well_formed_1020", V1Request(root, Nonce(32), 1008), "too_short");
  add("well_formed_1504", V1Request(root, Nonce(32), 1492), "too_long");
  add("bytes_65507", Bytes(65507, 0x5a), "too_long");

  // The ROUGHTIM frame's length disagrees with the datagram.
  add("frame_length_larger", Frame(Bytes(good.begin() + 12, good.end()), 1100),
      "bad_frame");
  add("frame_length_smaller", Frame(Bytes(good.begin() + 12, good.end()), 1000),
      "bad_frame");
  add("frame_length_huge",
      Frame(Bytes(good.begin() + 12, good.end()), 0xffffffff), "bad_frame");

  // Message encoding (RFC 10049 §4).
  add("tag_count_beyond_message", RawHeader({0xffffffff}), "malformed");
  add("too_many_tags", RawHeader({65}), "malformed");
  add("offset_past_end",
      RawHeader({2, 4096, kTagVer, kTagNonc}), "malformed");
  add("offset_not_multiple_of_4",
      RawHeader({2, 6, kTagVer, kTagNonc}), "malformed");
  add("offsets_decreasing",
      RawHeader({3, 64, 32, kTagVer, kTagNonc, kTagZzzz}), "malformed");
  add("unsorted_tags",
      Frame(PaddedMessage({{kTagNonc, Nonce(32)}, {kTagVer, Le32(1)},
                           {kTagType, Le32(0)}},
                          kMessageSize, kTagZzzz)),
      "malformed");
  add("duplicate_tags",
      Frame(PaddedMessage({{kTagVer, Le32(1)}, {kTagNonc, Nonce(32)},
                           {kTagNonc, Nonce(32)}, {kTagType, Le32(0)}},
                          kMessageSize, kTagZzzz)),
      "malformed");
  add("random_unframed", Bytes(1024, 0xab), "malformed");

  // Required tags.
  add("missing_nonce",
      Frame(PaddedMessage({{kTagVer, Le32(1)}, {kTagType, Le32(0)}},
                          kMessageSize, kTagZzzz)),
      "missing_nonce");
  add("missing_ver",
      Frame(PaddedMessage({{kTagNonc, Nonce(32)}, {kTagType, Le32(0)}},
                          kMessageSize, kTagZzzz)),
      "missing_version");
  add("v1_without_type",
      Frame(PaddedMessage({{kTagVer, Le32(1)}, {kTagNonc, Nonce(32)}},
                          kMessageSize, kTagZzzz)),
      "missing_type");
  add("type_1", Frame(PaddedMessage({{kTagVer, Le32(1)}, {kTagNonc, Nonce(32)},
                                     {kTagType, Le32(1)}},
                                    kMessageSize, kTagZzzz)),
      "bad_type");
  add("type_8_bytes",
      Frame(PaddedMessage({{kTagVer, Le32(1)}, {kTagNonc, Nonce(32)},
                           {kTagType, Bytes(8, 0)}},
                          kMessageSize, kTagZzzz)),
      "bad_type");

  // Nonce sizes per version: 32 bytes for every IETF version, 64 for Google.
  add("v1_nonce_64", Framed(root, Le32(1), Nonce(64)), "bad_nonce_length");
  add("v1_nonce_16", Framed(root, Le32(1), Nonce(16)), "bad_nonce_length");
  add("draft12_nonce_64", Framed(root, Le32(0x8000000c), Nonce(64)),
      "bad_nonce_length");
  add("draft08_nonce_64", Framed(root, Le32(0x80000008), Nonce(64)),
      "bad_nonce_length");
  add("google_nonce_32",
      PaddedMessage({{kTagNonc, Nonce(32)}}, kMessageSize, kTagPadGoogle),
      "bad_nonce_length");

  // VER lists (§5.1.1).
  add("ver_empty", Framed(root, Bytes{}, Nonce(32)), "bad_version_list");
  {
    Bytes many;
    for (uint32_t i = 0; i < 33; ++i) {
      const Bytes b = Le32(0x80000001 + i);
      many.insert(many.end(), b.begin(), b.end());
    }
    add("ver_33_entries", Framed(root, many, Nonce(32)), "bad_version_list");
  }
  add("ver_descending", Framed(root, Versions({0x8000000c, 1}), Nonce(32)),
      "unsorted_versions");
  add("ver_repeated", Framed(root, Versions({1, 1}), Nonce(32)),
      "unsorted_versions");

  // Versions we do not serve: unknown, and private use (0x80000000 and up)
  // outside the drafts we speak.
  for (uint32_t wire : {0x00000000u, 0x00000002u, 0x80000000u, 0x80000007u,
                        0x8000000du, 0xc0000000u, 0xfffffffeu, 0xffffffffu}) {
    char name[32];
    std::snprintf(name, sizeof(name), "version_0x%08x", wire);
    add(name, Framed(root, Le32(wire), Nonce(32)), "no_common_version");
  }

  // SRV (§5.1.3).
  add("srv_16_bytes",
      Frame(PaddedMessage({{kTagVer, Le32(1)}, {kTagSrv, Bytes(16, 1)},
                           {kTagNonc, Nonce(32)}, {kTagType, Le32(0)}},
                          kMessageSize, kTagZzzz)),
      "bad_srv");
  add("srv_other_key",
      V1Request(SigningKey::Generate().public_key(), Nonce(32)), "wrong_srv");
  return rows;
}

std::vector<UnservedVersionRow> UnservedVersionRows(const PublicKey& root) {
  std::vector<UnservedVersionRow> rows;
  auto add = [&](std::string name, std::vector<uint32_t> offered,
                 Version answered_with) {
    const bool google = offered.empty();
    UnservedVersionRow row{std::move(name), std::move(offered), google,
                           answered_with, {}};
    RequestOptions o;
    o.google = row.google;
    o.offered_wire_versions = row.offered;
    // SRV exists from draft 10, TYPE from 0x8000000c (draft 14).
    const uint32_t newest = row.offered.empty() ? 0 : row.offered.back();
    if (newest >= 0x8000000a) o.server_key = root;
    o.include_type = newest >= 0x8000000c;
    absl::StatusOr<BuiltRequest> built = BuildRequest(o);
    // Left empty if the core refuses it: the tests then fail on the row.
    if (built.ok()) row.request = *std::move(built);
    rows.push_back(std::move(row));
  };
  add("draft08_only", {0x80000008}, Version::kDraft08);
  add("draft11_only", {0x8000000b}, Version::kDraft11);
  add("draft12_only", {0x8000000c}, Version::kDraft12);
  add("drafts_11_and_12", {0x8000000b, 0x8000000c}, Version::kDraft12);
  add("google", {}, Version::kGoogle);
  return rows;
}

}  // namespace roughtime::server::testing
