// The requests in flight, indexed by sequence number. Request n uses slot
// n mod capacity; sequence numbers are issued in order, so the oldest
// unresolved request is the next to time out and the table needs no heap,
// no hashing and no allocation after construction.
#ifndef ROUGHTIME_TOOLS_LOADGEN_IN_FLIGHT_TABLE_H_
#define ROUGHTIME_TOOLS_LOADGEN_IN_FLIGHT_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace roughtime::loadgen {

class InFlightTable {
 public:
  // `min_capacity` is rounded up to a power of two.
  explicit InFlightTable(size_t min_capacity);

  size_t capacity() const { return slots_.size(); }
  uint64_t next_seq() const { return next_seq_; }
  size_t in_flight() const { return in_flight_; }
  // True when request next_seq() can be sent without evicting one.
  bool HasRoom() const { return next_seq_ - oldest_ < slots_.size(); }

  // Records that request next_seq() left at `sent_ns`; returns its number.
  uint64_t Sent(int64_t sent_ns);

  // Resolves request `seq` answered at `now_ns`; returns its latency, or
  // nullopt when it is not in flight (a duplicate, a late answer to a
  // request already counted lost, or a number never issued).
  std::optional<int64_t> Answered(uint64_t seq, int64_t now_ns);

  // Counts as lost every request sent at or before `deadline_ns` and still
  // unanswered; returns how many.
  uint64_t ExpireSentBefore(int64_t deadline_ns);
  // Makes room for `n` more requests by counting the oldest unresolved ones
  // as lost (the table is full of requests younger than the timeout);
  // returns how many were evicted.
  uint64_t MakeRoomFor(size_t n);
  // Counts every unresolved request as lost.
  uint64_t ExpireAll();

  // Send time of the oldest unresolved request, if any.
  std::optional<int64_t> OldestSendTime();

 private:
  struct Slot {
    uint64_t seq = 0;
    int64_t sent_ns = 0;
    bool in_flight = false;
  };
  void SkipResolved();

  std::vector<Slot> slots_;
  uint64_t mask_;
  uint64_t next_seq_ = 0;
  uint64_t oldest_ = 0;  // every seq below this is resolved
  size_t in_flight_ = 0;
};

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_IN_FLIGHT_TABLE_H_
