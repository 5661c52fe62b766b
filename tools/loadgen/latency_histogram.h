// Latency histogram with fixed log-linear buckets: exact below 128 ns, then
// 64 buckets per power of two (at most 1.6% relative error) up to ~36 min.
// Recording is an index computation and an increment: no allocation per
// sample, so measuring does not disturb what is measured.
#ifndef ROUGHTIME_TOOLS_LOADGEN_LATENCY_HISTOGRAM_H_
#define ROUGHTIME_TOOLS_LOADGEN_LATENCY_HISTOGRAM_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace roughtime::loadgen {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 6;
  static constexpr int kMaxExponent = 41;  // values up to 2^42 - 1 ns
  static constexpr size_t kNumBuckets =
      (kMaxExponent - kSubBucketBits + 1) * (size_t{1} << kSubBucketBits) +
      (size_t{1} << kSubBucketBits);

  void Record(int64_t nanos);
  uint64_t count() const { return count_; }
  int64_t max() const { return max_; }
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  double mean() const;

  // The value at quantile q in [0, 1]: the upper edge of the bucket holding
  // the ceil(q * count)-th smallest sample, capped at the exact maximum.
  // 0 when empty.
  int64_t Quantile(double q) const;

  // Exposed for tests: the bucket of a value and a bucket's value range.
  static size_t BucketOf(int64_t nanos);
  static int64_t BucketLow(size_t index);
  static int64_t BucketHigh(size_t index);

 private:
  std::array<uint64_t, kNumBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t max_ = 0;
  int64_t min_ = 0;
  long double sum_ = 0;
};

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_LATENCY_HISTOGRAM_H_
