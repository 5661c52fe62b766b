// Request packets for one protocol version that differ only in their nonce,
// and the matching of replies back to requests.
//
// Nonces: drawing 32 (or 64) random bytes per request costs a getrandom()
// system call or a CSPRNG block each, which would make the generator
// measure itself. Instead the nonce of request n is
//   8 bytes: n XOR a per-run random key (little-endian)
//   rest:    one of 1024 random tails drawn once at start, chosen by n
// so every request of a run has a distinct nonce, runs differ, and a reply
// is matched by reading its nonce back (no lookup table). The nonces are
// predictable, which a real client must avoid (RFC 10049 §5.1.2) but a load
// generator need not. Packets come from the core's BuildRequest once; the
// factory then rewrites only the nonce bytes, and checks at start that this
// gives exactly what BuildRequest builds for that nonce.
#ifndef ROUGHTIME_TOOLS_LOADGEN_REQUEST_FACTORY_H_
#define ROUGHTIME_TOOLS_LOADGEN_REQUEST_FACTORY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/response.h"
#include "roughtime/version.h"

namespace roughtime::loadgen {

struct RequestSpec {
  Version version = Version::kRfc1;
  size_t request_size = 1036;  // whole datagram
  // Adds SRV (versions from draft-10) and enables verification.
  std::optional<PublicKey> server_key;
};

class RequestFactory {
 public:
  static constexpr size_t kNumTails = 1024;

  static absl::StatusOr<RequestFactory> Create(const RequestSpec& spec);

  size_t packet_size() const { return template_.size(); }
  size_t nonce_offset() const { return nonce_offset_; }
  size_t nonce_size() const { return nonce_size_; }
  Version version() const { return version_; }

  // Writes the whole packet of request `seq` (packet_size() bytes).
  void WritePacket(uint64_t seq, uint8_t* out) const;
  // Writes only the nonce into a buffer that already holds a packet.
  void WriteNonceInPacket(uint64_t seq, uint8_t* packet) const;

  // The request a reply answers: from the NONC tag of a Roughtime response,
  // or, failing that, from the nonce position of an echoed request prefix
  // (the echo target). nullopt when neither holds a nonce of this run.
  std::optional<uint64_t> MatchReply(ByteSpan reply) const;

  // Fully verifies `reply` as the answer to request `seq` (core
  // VerifyResponse against the exact packet sent). Needs a server key.
  absl::Status Verify(uint64_t seq, ByteSpan reply) const;

 private:
  RequestFactory() = default;
  void WriteNonce(uint64_t seq, uint8_t* nonce) const;
  std::optional<uint64_t> SeqOfNonce(const uint8_t* nonce) const;

  Version version_ = Version::kRfc1;
  Bytes template_;
  size_t nonce_offset_ = 0;
  size_t nonce_size_ = 0;
  uint64_t run_key_ = 0;
  Bytes tails_;  // kNumTails * (nonce_size_ - 8)
  std::optional<PublicKey> server_key_;
  std::vector<uint32_t> offered_;
};

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_REQUEST_FACTORY_H_
