#include "sample_store.h"

#include <cstring>

namespace roughtime::loadgen {

bool SampleStore::Keep(uint64_t seq, ByteSpan reply) {
  if (reply.size() > kChunkBytes) return false;
  if (used_in_last_ + reply.size() > kChunkBytes) {
    if ((chunks_.size() + 1) * kChunkBytes > max_bytes_) return false;
    chunks_.push_back(std::make_unique<uint8_t[]>(kChunkBytes));
    used_in_last_ = 0;
  }
  const uint32_t chunk = static_cast<uint32_t>(chunks_.size() - 1);
  std::memcpy(chunks_.back().get() + used_in_last_, reply.data(),
              reply.size());
  entries_.push_back(Entry{seq, chunk, static_cast<uint32_t>(used_in_last_),
                           static_cast<uint32_t>(reply.size())});
  used_in_last_ += reply.size();
  return true;
}

}  // namespace roughtime::loadgen
