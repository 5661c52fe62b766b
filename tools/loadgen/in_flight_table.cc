#include "in_flight_table.h"

#include <bit>

namespace roughtime::loadgen {

InFlightTable::InFlightTable(size_t min_capacity)
    : slots_(std::bit_ceil(min_capacity < 2 ? size_t{2} : min_capacity)),
      mask_(slots_.size() - 1) {}

uint64_t InFlightTable::Sent(int64_t sent_ns) {
  // Callers make room first (MakeRoomFor); overwriting an unresolved slot
  // would lose count of it.
  const uint64_t seq = next_seq_++;
  Slot& s = slots_[seq & mask_];
  s.seq = seq;
  s.sent_ns = sent_ns;
  s.in_flight = true;
  ++in_flight_;
  return seq;
}

std::optional<int64_t> InFlightTable::Answered(uint64_t seq, int64_t now_ns) {
  if (seq >= next_seq_ || seq < oldest_) return std::nullopt;
  Slot& s = slots_[seq & mask_];
  if (!s.in_flight || s.seq != seq) return std::nullopt;
  s.in_flight = false;
  --in_flight_;
  return now_ns - s.sent_ns;
}

void InFlightTable::SkipResolved() {
  while (oldest_ < next_seq_) {
    const Slot& s = slots_[oldest_ & mask_];
    if (s.in_flight && s.seq == oldest_) break;
    ++oldest_;
  }
}

uint64_t InFlightTable::ExpireSentBefore(int64_t deadline_ns) {
  uint64_t lost = 0;
  SkipResolved();
  while (oldest_ < next_seq_) {
    Slot& s = slots_[oldest_ & mask_];
    if (s.sent_ns > deadline_ns) break;
    s.in_flight = false;
    --in_flight_;
    ++lost;
    ++oldest_;
    SkipResolved();
  }
  return lost;
}

uint64_t InFlightTable::MakeRoomFor(size_t n) {
  uint64_t evicted = 0;
  SkipResolved();
  while (oldest_ < next_seq_ && next_seq_ + n - oldest_ > slots_.size()) {
    slots_[oldest_ & mask_].in_flight = false;
    --in_flight_;
    ++evicted;
    ++oldest_;
    SkipResolved();
  }
  return evicted;
}

uint64_t InFlightTable::ExpireAll() {
  uint64_t lost = 0;
  for (; oldest_ < next_seq_; ++oldest_) {
    Slot& s = slots_[oldest_ & mask_];
    if (s.in_flight && s.seq == oldest_) {
      s.in_flight = false;
      --in_flight_;
      ++lost;
    }
  }
  return lost;
}

std::optional<int64_t> InFlightTable::OldestSendTime() {
  SkipResolved();
  if (oldest_ >= next_seq_) return std::nullopt;
  return slots_[oldest_ & mask_].sent_ns;
}

}  // namespace roughtime::loadgen
