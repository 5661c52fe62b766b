#include "latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace roughtime::loadgen {
namespace {

constexpr uint64_t kSub = uint64_t{1} << LatencyHistogram::kSubBucketBits;
constexpr uint64_t kLargest =
    (uint64_t{1} << (LatencyHistogram::kMaxExponent + 1)) - 1;

}  // namespace

size_t LatencyHistogram::BucketOf(int64_t nanos) {
  const uint64_t v = std::min<uint64_t>(
      nanos < 0 ? 0 : static_cast<uint64_t>(nanos), kLargest);
  if (v < 2 * kSub) return static_cast<size_t>(v);
  const int exponent = std::bit_width(v) - 1;  // >= kSubBucketBits + 1
  const int shift = exponent - kSubBucketBits;
  return static_cast<size_t>((shift + 1) * kSub + (v >> shift) - kSub);
}

int64_t LatencyHistogram::BucketLow(size_t index) {
  if (index < 2 * kSub) return static_cast<int64_t>(index);
  const int shift = static_cast<int>(index / kSub) - 1;
  const uint64_t mantissa = index % kSub + kSub;
  return static_cast<int64_t>(mantissa << shift);
}

int64_t LatencyHistogram::BucketHigh(size_t index) {
  if (index < 2 * kSub) return static_cast<int64_t>(index);
  const int shift = static_cast<int>(index / kSub) - 1;
  const uint64_t mantissa = index % kSub + kSub;
  return static_cast<int64_t>(((mantissa + 1) << shift) - 1);
}

void LatencyHistogram::Record(int64_t nanos) {
  if (nanos < 0) nanos = 0;  // a monotonic clock never goes back; be safe
  ++buckets_[BucketOf(nanos)];
  if (count_ == 0 || nanos < min_) min_ = nanos;
  if (nanos > max_) max_ = nanos;
  ++count_;
  sum_ += nanos;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / count_);
}

int64_t LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const uint64_t rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kNumBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(BucketHigh(i), max_);
  }
  return max_;
}

}  // namespace roughtime::loadgen
