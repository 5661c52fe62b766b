// The Merkle tree that lets one signature cover a batch (RFC 10049 §5.3).
// leaf = H(0x00 || data), node = H(0x01 || left || right), with H truncated
// to the version's hash size. The leaf level is padded with all-zero nodes to
// the next power of two, so every request of a batch of n gets exactly
// ceil(log2 n) PATH entries.
#ifndef ROUGHTIME_MERKLE_H_
#define ROUGHTIME_MERKLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "roughtime/bytes.h"

namespace roughtime {

// Height of the padded tree for `num_leaves` leaves (0 for one leaf).
size_t MerkleHeight(size_t num_leaves);

void MerkleLeafHash(ByteSpan data, MutableByteSpan out);
void MerkleNodeHash(ByteSpan left, ByteSpan right, MutableByteSpan out);

class MerkleTree {
 public:
  // Storage for up to `max_leaves` leaves of `hash_size` bytes is allocated
  // once here; Reset/AddLeaf/Build never allocate afterwards.
  MerkleTree(size_t hash_size, size_t max_leaves);

  void Reset();
  // Hashes `data` into the next leaf. Returns false when the tree is full.
  bool AddLeaf(ByteSpan data);
  void Build();

  size_t num_leaves() const { return num_leaves_; }
  size_t height() const { return height_; }
  size_t hash_size() const { return hash_size_; }
  ByteSpan root() const;
  // Writes the height() siblings of leaf `index`, leaf level first.
  void WritePath(size_t index, uint8_t* out) const;

 private:
  size_t hash_size_;
  size_t max_leaves_;
  size_t num_leaves_ = 0;
  size_t height_ = 0;
  // Level 0 (padded leaves) then each higher level, back to back.
  std::vector<uint8_t> nodes_;
  std::vector<size_t> level_start_;
};

// Recomputes the root from a leaf's data, its INDX and PATH (§5.3.1): bit i
// of the index says whether the running hash is the right child at level i.
// Fails when the index has bits left above the path length.
bool VerifyMerklePath(size_t hash_size, ByteSpan leaf_data, uint32_t index,
                      ByteSpan path, ByteSpan root);

}  // namespace roughtime

#endif  // ROUGHTIME_MERKLE_H_
