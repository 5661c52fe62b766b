#include "roughtime/merkle.h"

#include <cstring>

#include "roughtime/crypto.h"

namespace roughtime {
namespace {

constexpr uint8_t kLeafTweak[1] = {0x00};
constexpr uint8_t kNodeTweak[1] = {0x01};

}  // namespace

size_t MerkleHeight(size_t num_leaves) {
  size_t height = 0;
  while ((size_t{1} << height) < num_leaves) ++height;
  return height;
}

void MerkleLeafHash(ByteSpan data, MutableByteSpan out) {
  HashParts({ByteSpan(kLeafTweak, 1), data}, out);
}

void MerkleNodeHash(ByteSpan left, ByteSpan right, MutableByteSpan out) {
  HashParts({ByteSpan(kNodeTweak, 1), left, right}, out);
}

MerkleTree::MerkleTree(size_t hash_size, size_t max_leaves)
    : hash_size_(hash_size), max_leaves_(max_leaves ? max_leaves : 1) {
  const size_t padded = size_t{1} << MerkleHeight(max_leaves_);
  // A full binary tree over `padded` leaves has 2 * padded - 1 nodes.
  nodes_.resize((2 * padded - 1) * hash_size_);
  level_start_.resize(MerkleHeight(max_leaves_) + 1);
}

void MerkleTree::Reset() {
  num_leaves_ = 0;
  height_ = 0;
}

bool MerkleTree::AddLeaf(ByteSpan data) {
  if (num_leaves_ == max_leaves_) return false;
  MerkleLeafHash(data, MutableByteSpan(nodes_.data() + num_leaves_ * hash_size_,
                                       hash_size_));
  ++num_leaves_;
  return true;
}

void MerkleTree::Build() {
  height_ = MerkleHeight(num_leaves_);
  size_t width = size_t{1} << height_;
  // Pad the leaf level with zero nodes; no leaf hash is all zeros in
  // practice, and the client only ever recomputes its own leaf.
  std::memset(nodes_.data() + num_leaves_ * hash_size_, 0,
              (width - num_leaves_) * hash_size_);
  size_t start = 0;
  level_start_[0] = 0;
  for (size_t level = 1; level <= height_; ++level) {
    const size_t next = start + width * hash_size_;
    for (size_t i = 0; i < width / 2; ++i) {
      const uint8_t* left = nodes_.data() + start + 2 * i * hash_size_;
      MerkleNodeHash(ByteSpan(left, hash_size_),
                     ByteSpan(left + hash_size_, hash_size_),
                     MutableByteSpan(nodes_.data() + next + i * hash_size_,
                                     hash_size_));
    }
    start = next;
    width /= 2;
    level_start_[level] = start;
  }
}

ByteSpan MerkleTree::root() const {
  return ByteSpan(nodes_.data() + level_start_[height_], hash_size_);
}

void MerkleTree::WritePath(size_t index, uint8_t* out) const {
  for (size_t level = 0; level < height_; ++level) {
    const size_t sibling = index ^ 1;
    std::memcpy(out + level * hash_size_,
                nodes_.data() + level_start_[level] + sibling * hash_size_,
                hash_size_);
    index >>= 1;
  }
}

bool VerifyMerklePath(size_t hash_size, ByteSpan leaf_data, uint32_t index,
                      ByteSpan path, ByteSpan root) {
  if (hash_size == 0 || hash_size > kMaxHashSize || path.size() % hash_size ||
      root.size() != hash_size) {
    return false;
  }
  uint8_t hash[kMaxHashSize];
  MutableByteSpan h(hash, hash_size);
  MerkleLeafHash(leaf_data, h);
  for (size_t off = 0; off < path.size(); off += hash_size) {
    ByteSpan sibling = path.subspan(off, hash_size);
    uint8_t next[kMaxHashSize];
    if ((index & 1) == 0) {
      MerkleNodeHash(h, sibling, MutableByteSpan(next, hash_size));
    } else {
      MerkleNodeHash(sibling, h, MutableByteSpan(next, hash_size));
    }
    std::memcpy(hash, next, hash_size);
    index >>= 1;
  }
  return index == 0 && ConstantTimeEquals(ByteSpan(hash, hash_size), root);
}

}  // namespace roughtime
