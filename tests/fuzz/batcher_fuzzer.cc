// The server's pure batching policy (src/server/core/batcher.h) without sockets:
// a stream of datagrams, each offered to the Batcher with a fake clock that
// the input advances, flushed whenever FlushDue says so (or at the end).
// Every response written must verify against its own request with the
// client's VerifyResponse, so mixed-version batches with real Merkle paths
// (RFC 10049 §5.3) are checked, not only single requests.
//
// Input: records of [1 byte: clock step in 100 us | bit 7 = sockets
// drained][2 bytes LE: length][length bytes: datagram], repeated.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "fuzz_support.h"
#include "server/core/batcher.h"
#include "server/core/clock.h"
#include "server/base/stats.h"

namespace roughtime::fuzz {
namespace {

class FakeClock final : public server::Clock {
 public:
  absl::Time Now() const override { return now_; }
  absl::Time Monotonic() const override { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(kFixedMidpoint);
};

void CheckBatch(server::Batcher& batcher,
                const std::vector<ByteSpan>& accepted, size_t written) {
  if (written > accepted.size()) InvariantFailed("more responses than requests");
  for (size_t i = 0; i < accepted.size(); ++i) {
    ByteSpan response = batcher.response(i);
    // Every accepted request is answered (the batch bound guarantees it
    // fits, §9.7); a missing answer is a bug the counters would only hide.
    if (response.empty()) InvariantFailed("accepted request not answered");
    if (response.size() > accepted[i].size()) {
      InvariantFailed("response larger than its request");
    }
    std::optional<RequestFacts> facts = FactsOfRequest(accepted[i]);
    if (!facts) InvariantFailed("accepted request unparseable by a client");
    absl::StatusOr<VerifiedResponse> verified = VerifyResponse(
        response, OptionsFor(*facts, FixedIdentity().root_public_key, false));
    if (!verified.ok()) {
      InvariantFailed("batched response does not verify: " +
                      verified.status().ToString());
    }
  }
}

void Run(ByteSpan input) {
  FakeClock clock;
  server::WorkerStats stats;
  server::BatcherOptions options;
  options.max_batch = 8;
  server::Batcher batcher(&FixedIdentity(), &clock, options, &stats);
  std::vector<ByteSpan> accepted;
  size_t pos = 0;
  while (pos + 3 <= input.size()) {
    const uint8_t control = input[pos];
    const size_t length = input[pos + 1] | (size_t{input[pos + 2]} << 8);
    pos += 3;
    const size_t take = std::min(length, input.size() - pos);
    ByteSpan datagram = input.subspan(pos, take);
    pos += take;
    clock.Advance(absl::Microseconds(100) * (control & 0x7f));
    const bool drained = (control & 0x80) != 0;
    if (std::optional<server::FlushReason> due = batcher.FlushDue(false)) {
      CheckBatch(batcher, accepted, batcher.Flush(*due));
      batcher.Reset();
      accepted.clear();
    }
    if (batcher.Offer(datagram)) accepted.push_back(datagram);
    if (accepted.size() != batcher.size()) {
      InvariantFailed("batch size disagrees with accepted requests");
    }
    if (std::optional<server::FlushReason> due = batcher.FlushDue(drained)) {
      CheckBatch(batcher, accepted, batcher.Flush(*due));
      batcher.Reset();
      accepted.clear();
    }
  }
  if (!batcher.empty()) {
    CheckBatch(batcher, accepted, batcher.Flush(server::FlushReason::kShutdown));
  }
}

}  // namespace
}  // namespace roughtime::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  roughtime::fuzz::Run(roughtime::ByteSpan(data, size));
  return 0;
}
