#include "server/tcp/tcp_framer.h"

#include <algorithm>
#include <cstring>

#include "roughtime/wire.h"

namespace roughtime::server {

FrameResult NextFrame(ByteSpan buffered, size_t max_packet) {
  const size_t magic_seen = std::min(buffered.size(), sizeof(kFrameMagic));
  if (std::memcmp(buffered.data(), kFrameMagic, magic_seen) != 0) {
    return {FrameStatus::kGarbage, 0};
  }
  if (buffered.size() < kFrameHeaderSize) return {FrameStatus::kNeedMore, 0};
  const uint64_t size =
      kFrameHeaderSize + static_cast<uint64_t>(LoadLE32(buffered.data() + 8));
  if (size > max_packet) return {FrameStatus::kOversize, 0};
  if (buffered.size() < size) return {FrameStatus::kNeedMore, 0};
  return {FrameStatus::kFrame, static_cast<size_t>(size)};
}

}  // namespace roughtime::server
