// Answers kept for verification after the run (load_runner.cc). Verifying
// one answer costs two Ed25519 verifications (about 0.1 ms here); done
// inline it stalls the receive loop, and every answer queued behind it then
// carries the generator's own delay in its latency. The store copies the
// sampled answers into 1 MiB chunks (no large reallocation during the run)
// up to a byte limit; past it the caller verifies inline.
#ifndef ROUGHTIME_TOOLS_LOADGEN_SAMPLE_STORE_H_
#define ROUGHTIME_TOOLS_LOADGEN_SAMPLE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "roughtime/bytes.h"

namespace roughtime::loadgen {

class SampleStore {
 public:
  static constexpr size_t kChunkBytes = size_t{1} << 20;

  explicit SampleStore(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Copies `reply`, the answer to request `seq`; false when the store is
  // full (or the reply larger than a chunk).
  bool Keep(uint64_t seq, ByteSpan reply);

  size_t size() const { return entries_.size(); }
  uint64_t seq(size_t i) const { return entries_[i].seq; }
  ByteSpan reply(size_t i) const {
    const Entry& e = entries_[i];
    return ByteSpan(chunks_[e.chunk].get() + e.offset, e.size);
  }

 private:
  struct Entry {
    uint64_t seq;
    uint32_t chunk;
    uint32_t offset;
    uint32_t size;
  };
  size_t max_bytes_;
  size_t used_in_last_ = kChunkBytes;  // forces the first chunk
  std::vector<std::unique_ptr<uint8_t[]>> chunks_;
  std::vector<Entry> entries_;
};

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_SAMPLE_STORE_H_
