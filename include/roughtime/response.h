// Responses: built for a whole signed batch by the server (RFC 10049 §5.2),
// and fully verified by the client against the exact request bytes it sent
// and the server's long-term public key (§5.4).
#ifndef ROUGHTIME_RESPONSE_H_
#define ROUGHTIME_RESPONSE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/merkle.h"
#include "roughtime/request.h"
#include "roughtime/version.h"

namespace roughtime {

// Largest response we ever write (Google, PATH of 9 64-byte hashes).
inline constexpr size_t kMaxResponseSize = 1024;

// Size of the response to a request of `version` in a tree of `height`,
// when the server advertises `num_vers` versions in VERS.
size_t ResponseSize(Version version, size_t height, size_t num_vers,
                    bool with_type);

// The largest batch whose responses all fit in a request of `request_size`
// bytes for every version in `served` (bounded by 2^height).
size_t MaxBatchForRequestSize(VersionSet served, size_t request_size);

// Builds the responses of one batch. Requests of different versions share a
// batch: each version present gets its own tree, SREP and signature.
// All storage is allocated in the constructor; a batch never allocates.
class BatchResponder {
 public:
  // `identity` must outlive the responder (it may be swapped with
  // set_identity between batches, e.g. on key rotation).
  BatchResponder(const OnlineIdentity* identity, VersionSet served,
                 size_t max_batch);
  ~BatchResponder();

  void set_identity(const OnlineIdentity* identity) { identity_ = identity; }
  size_t max_batch() const { return max_batch_; }
  size_t size() const { return num_requests_; }
  bool full() const { return num_requests_ == max_batch_; }

  void Reset();
  // Adds a parsed request; the packet it points into must stay valid until
  // the responses are written. Returns false when the batch is full.
  bool Add(const ParsedRequest& request);
  // Builds the trees and signs one SREP per version present. `now` is the
  // midpoint; `radius` is rounded up to whole seconds for IETF versions.
  absl::Status Sign(absl::Time now, absl::Duration radius);
  // The number of signatures the last Sign() made.
  size_t signatures() const { return signatures_; }
  // Writes the response for the i-th added request; returns its size.
  // Fails (and writes nothing useful) if it would not fit in `out` or would
  // be larger than its request.
  absl::StatusOr<size_t> WriteResponse(size_t i, MutableByteSpan out) const;

  // What a response template is built from (internal to the builder).
  struct PerVersionView {
    const VersionSpec& spec;
    const MerkleTree& tree;
    const Signature& signature;
    ByteSpan srep;
    const Bytes& cert;
    size_t num_vers;
  };

 private:
  struct PerVersion;
  const OnlineIdentity* identity_;
  VersionSet served_;
  size_t max_batch_;
  size_t num_requests_ = 0;
  size_t signatures_ = 0;
  std::vector<ParsedRequest> requests_;
  std::vector<uint32_t> leaf_index_;  // request i's index in its version tree
  std::array<uint32_t, kNumVersions> vers_{};
  size_t num_vers_ = 0;
  std::vector<std::unique_ptr<PerVersion>> per_version_;
};

// ----- client side -----

struct VerifyOptions {
  PublicKey root_public_key{};
  // Exactly what was sent: the leaf for versions >= 12, the nonce for older.
  ByteSpan request_packet;
  ByteSpan nonce;
  // The versions offered (wire numbers), or google = true.
  std::vector<uint32_t> offered_wire_versions = {0x00000001, 0x8000000c};
  bool google = false;
  // Accept version-1 answers signed with the pre-RFC capital-T contexts
  // (roughenough 2.0 and others, see docs/PROTOCOL.md). Off by default.
  bool allow_pre_rfc_contexts = false;
};

struct VerifiedResponse {
  Version version = Version::kRfc1;
  absl::Time midpoint;
  absl::Duration radius;
  uint64_t raw_midpoint = 0;  // MIDP as sent (seconds or microseconds)
  uint32_t raw_radius = 0;
  uint64_t raw_mint = 0;
  uint64_t raw_maxt = 0;
  PublicKey online_key{};
  uint32_t index = 0;
  size_t path_length = 0;  // number of hashes in PATH
  std::vector<uint32_t> vers;  // VERS, when the version has it
  bool pre_rfc_contexts = false;
  // VERS lists a version we offered and prefer to the one chosen. The RFC
  // lets a server choose any offered version (§5.1.1), so this is reported,
  // not rejected.
  bool preferred_version_skipped = false;
};

// Checks everything (§5.4): frame, tags, TYPE, nonce echo, version offered,
// VERS, delegation signature, response signature, MINT <= MIDP <= MAXT,
// Merkle path and index. The error message says precisely what failed.
absl::StatusOr<VerifiedResponse> VerifyResponse(ByteSpan response_packet,
                                                const VerifyOptions& options);

}  // namespace roughtime

#endif  // ROUGHTIME_RESPONSE_H_
