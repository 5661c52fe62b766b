// The store of sampled answers verified after a run (sample_store.h).
#include "sample_store.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace roughtime::loadgen {
namespace {

std::vector<uint8_t> Reply(size_t size, uint8_t fill) {
  return std::vector<uint8_t>(size, fill);
}

TEST(SampleStoreTest, KeepsExactCopiesAcrossChunks) {
  SampleStore store(4 * SampleStore::kChunkBytes);
  // 1000-byte replies do not divide a chunk: some land in a second one.
  std::vector<std::vector<uint8_t>> kept;
  for (size_t i = 0; i < 1500; ++i) {
    kept.push_back(Reply(1000, static_cast<uint8_t>(i)));
    ASSERT_TRUE(store.Keep(7 * i, ByteSpan(kept.back())));
  }
  ASSERT_EQ(store.size(), 1500u);
  for (size_t i = 0; i < 1500; ++i) {
    EXPECT_EQ(store.seq(i), 7 * i);
    const ByteSpan r = store.reply(i);
    ASSERT_EQ(r.size(), 1000u);
    EXPECT_TRUE(std::equal(r.begin(), r.end(), kept[i].begin())) << i;
  }
}

TEST(SampleStoreTest, RefusesWhenFullAndKeepsWhatItHas) {
  SampleStore store(SampleStore::kChunkBytes);  // one chunk
  const std::vector<uint8_t> reply = Reply(1024, 0xab);
  size_t kept = 0;
  while (store.Keep(kept, ByteSpan(reply))) ++kept;
  EXPECT_EQ(kept, SampleStore::kChunkBytes / 1024);
  EXPECT_EQ(store.size(), kept);
  EXPECT_FALSE(store.Keep(99, ByteSpan(reply)));
  EXPECT_EQ(store.reply(kept - 1)[1023], 0xab);
  const std::vector<uint8_t> huge = Reply(SampleStore::kChunkBytes + 1, 1);
  SampleStore empty(8 * SampleStore::kChunkBytes);
  EXPECT_FALSE(empty.Keep(1, ByteSpan(huge)));
}

}  // namespace
}  // namespace roughtime::loadgen
