// The adversarial corpus (adversarial_test.cc): one datagram per hostile
// input class of the request parser (core ParseRequest, DropReason), each
// with the counter the server must count it under. Messages are encoded by
// hand here, because the core's builders refuse to write most of them.
#ifndef ROUGHTIME_TESTS_SERVER_HOSTILE_PACKETS_H_
#define ROUGHTIME_TESTS_SERVER_HOSTILE_PACKETS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"

namespace roughtime::server::testing {

struct Field {
  uint32_t tag;
  Bytes value;
};

// A message with `fields` in the given order, offsets computed honestly (no
// check that tags ascend or repeat).
Bytes EncodeMessage(const std::vector<Field>& fields);
// `fields` plus a padding field (`pad_tag`, written last) so the message is
// exactly `size` bytes.
Bytes PaddedMessage(std::vector<Field> fields, size_t size,
                    uint32_t pad_tag);
// "ROUGHTIM", the length `length`, then `message`.
Bytes Frame(const Bytes& message, uint32_t length);
inline Bytes Frame(const Bytes& message) {
  return Frame(message, static_cast<uint32_t>(message.size()));
}
Bytes Le32(uint32_t v);

// A version-1 request (VER=1, SRV of `root`, NONC, TYPE=0) of `message_size`
// bytes before framing, with `nonce`.
Bytes V1Request(const PublicKey& root, const Bytes& nonce,
                size_t message_size = 1024);

struct HostileRow {
  std::string name;     // usable in a test name
  Bytes packet;
  std::string counter;  // the stats key, e.g. "drop_malformed"
};

// Every row: datagram sizes (0, 1, 1020, 1023, 1504, 65507 bytes), frame
// lengths, message encoding (tag count beyond the message, too many tags,
// bad offsets, unsorted and duplicate tags), missing NONC and VER, nonce
// sizes per version, VER lists, SRV, TYPE, and unknown and private-use
// versions.
std::vector<HostileRow> HostileUdpRows(const PublicKey& root);

// A well-formed request (built by the core) offering only versions other
// than 1: a server serving only version 1 must drop it as
// "drop_no_common_version", one serving everything must answer it.
struct UnservedVersionRow {
  std::string name;
  std::vector<uint32_t> offered;  // wire numbers; empty for Google
  bool google = false;
  Version answered_with = Version::kRfc1;  // when every version is served
  BuiltRequest request;
};

// Drafts 08, 11 and 12 (0x8000000c) alone, drafts 11 and 12 together, and
// Google-Roughtime (unframed, so UDP only).
std::vector<UnservedVersionRow> UnservedVersionRows(const PublicKey& root);

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_HOSTILE_PACKETS_H_
