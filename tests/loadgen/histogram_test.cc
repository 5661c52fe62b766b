// The latency histogram: buckets tile the value range without gaps, and
// quantiles come out within the bucket precision of the exact answer.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "latency_histogram.h"

namespace roughtime::loadgen {
namespace {

TEST(LatencyHistogramTest, BucketsAreContiguousAndContainTheirValues) {
  for (size_t i = 0; i + 1 < LatencyHistogram::kNumBuckets; ++i) {
    ASSERT_LE(LatencyHistogram::BucketLow(i), LatencyHistogram::BucketHigh(i));
    ASSERT_EQ(LatencyHistogram::BucketHigh(i) + 1,
              LatencyHistogram::BucketLow(i + 1))
        << "gap after bucket " << i;
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketLow(i)), i);
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketHigh(i)), i);
  }
}

TEST(LatencyHistogramTest, RelativeBucketWidthIsUnderTwoPercent) {
  for (int64_t v : {int64_t{1000}, int64_t{123456}, int64_t{99999999},
                    int64_t{5} << 35}) {
    const size_t b = LatencyHistogram::BucketOf(v);
    const double width = static_cast<double>(LatencyHistogram::BucketHigh(b) -
                                             LatencyHistogram::BucketLow(b));
    EXPECT_LT(width / static_cast<double>(v), 0.02) << v;
  }
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Quantile(0.5), 0);
  EXPECT_EQ(h.max(), 0);
}

TEST(LatencyHistogramTest, QuantilesMatchSortedSamples) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(12.0, 1.0);  // ~160 us median
  std::vector<int64_t> samples;
  LatencyHistogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<int64_t>(dist(rng));
    samples.push_back(v);
    h.Record(v);
  }
  std::sort(samples.begin(), samples.end());
  EXPECT_EQ(h.count(), samples.size());
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.min(), samples.front());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const int64_t exact = samples[static_cast<size_t>(q * samples.size()) - 1];
    const int64_t got = h.Quantile(q);
    EXPECT_GE(got, exact) << q;  // upper bucket edge: never optimistic
    EXPECT_LE(static_cast<double>(got), exact * 1.02 + 1) << q;
  }
  EXPECT_EQ(h.Quantile(1.0), samples.back());
}

TEST(LatencyHistogramTest, HugeAndNegativeValuesAreClamped) {
  LatencyHistogram h;
  h.Record(-5);
  h.Record(int64_t{1} << 60);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.Quantile(0.5), 0);
  EXPECT_EQ(LatencyHistogram::BucketOf(int64_t{1} << 60),
            LatencyHistogram::kNumBuckets - 1);
}

}  // namespace
}  // namespace roughtime::loadgen
