// Hashing, signatures, SRV and the Merkle tree (RFC 10049 §5.2, §5.3).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "roughtime/crypto.h"
#include "roughtime/merkle.h"
#include "roughtime/version.h"

namespace roughtime {
namespace {

Seed CountingSeed(uint8_t start) {
  Seed s;
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(start + i);
  return s;
}

TEST(CryptoTest, SeedDerivationFollowsRfc8032) {
  // Key from the RFC 8032 §7.1 TEST 1 vector.
  auto seed_bytes = HexDecode(
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  ASSERT_TRUE(seed_bytes.ok());
  Seed seed;
  std::copy(seed_bytes->begin(), seed_bytes->end(), seed.begin());
  const SigningKey key = SigningKey::FromSeed(seed);
  EXPECT_EQ(HexEncode(key.public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(key.seed(), seed);
  // TEST 1 signs the empty message.
  EXPECT_EQ(HexEncode(key.Sign("", {})),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST(CryptoTest, SignatureIsBoundToItsContext) {
  const SigningKey key = SigningKey::FromSeed(CountingSeed(0));
  const Bytes message = {1, 2, 3, 4};
  const Signature sig = key.Sign(kRfcResponseContext, message);
  EXPECT_TRUE(VerifySignature(key.public_key(), kRfcResponseContext, message, sig));
  EXPECT_FALSE(VerifySignature(key.public_key(), kDraftResponseContext, message, sig));
  EXPECT_FALSE(VerifySignature(key.public_key(), kRfcDelegationContext, message, sig));
  Bytes changed = message;
  changed[0] ^= 1;
  EXPECT_FALSE(VerifySignature(key.public_key(), kRfcResponseContext, changed, sig));
  for (size_t bit = 0; bit < 512; bit += 37) {
    Signature bad = sig;
    bad[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    EXPECT_FALSE(VerifySignature(key.public_key(), kRfcResponseContext, message, bad));
  }
  EXPECT_FALSE(VerifySignature(key.public_key(), kRfcResponseContext, message,
                               ByteSpan(sig.data(), 63)));
}

TEST(CryptoTest, GeneratedKeysDiffer) {
  EXPECT_NE(SigningKey::Generate().public_key(),
            SigningKey::Generate().public_key());
}

TEST(CryptoTest, SrvIsTruncatedHashOfPrefixedKey) {
  // The synthetic vector's root key (seed 00..1f) and SRV.
  const SigningKey key = SigningKey::FromSeed(CountingSeed(0));
  EXPECT_EQ(HexEncode(ComputeSrv(key.public_key())),
            "638d162e20e4f03624ef23e77874d051d850160f16e367eb98e75b9caad544ae");
  const uint8_t prefix[1] = {0xff};
  EXPECT_EQ(ComputeSrv(key.public_key()),
            Hash32Of({ByteSpan(prefix, 1), key.public_key()}));
}

TEST(CryptoTest, HashPartsEqualsHashOfConcatenation) {
  const Bytes a = {1, 2, 3}, b = {4, 5};
  const Bytes ab = {1, 2, 3, 4, 5};
  uint8_t h1[64], h2[64];
  HashParts({a, b}, MutableByteSpan(h1, 64));
  HashParts({ab}, MutableByteSpan(h2, 64));
  EXPECT_EQ(HexEncode(ByteSpan(h1, 64)), HexEncode(ByteSpan(h2, 64)));
  Hash32 h32 = Hash32Of({ab});
  EXPECT_EQ(HexEncode(h32), HexEncode(ByteSpan(h2, 32)));
}

class MerkleTest : public ::testing::TestWithParam<size_t> {};

TEST_P(MerkleTest, EveryLeafProvesMembershipAndNothingElseDoes) {
  const size_t hash_size = GetParam();
  for (size_t n : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 17u, 64u}) {
    MerkleTree tree(hash_size, 64);
    std::vector<Bytes> leaves;
    for (size_t i = 0; i < n; ++i) {
      leaves.push_back(Bytes(40, static_cast<uint8_t>(i + 1)));
      ASSERT_TRUE(tree.AddLeaf(leaves.back()));
    }
    tree.Build();
    EXPECT_EQ(tree.height(), MerkleHeight(n));
    const Bytes root(tree.root().begin(), tree.root().end());
    for (size_t i = 0; i < n; ++i) {
      Bytes path(tree.height() * hash_size);
      tree.WritePath(i, path.data());
      EXPECT_TRUE(VerifyMerklePath(hash_size, leaves[i], i, path, root))
          << "n=" << n << " i=" << i;
      // Another leaf's data, another index, a flipped PATH bit, or an
      // index with bits beyond the path all fail.
      EXPECT_FALSE(VerifyMerklePath(hash_size, leaves[(i + 1) % n], i, path, root) &&
                   n > 1);
      if (n > 1) {
        EXPECT_FALSE(VerifyMerklePath(hash_size, leaves[i], i ^ 1, path, root));
        Bytes bad = path;
        bad[0] ^= 0x80;
        EXPECT_FALSE(VerifyMerklePath(hash_size, leaves[i], i, bad, root));
      }
      EXPECT_FALSE(VerifyMerklePath(hash_size, leaves[i],
                                    static_cast<uint32_t>(i + (size_t{1} << tree.height())),
                                    path, root));
    }
  }
}

TEST_P(MerkleTest, SingleLeafRootIsTheLeafHash) {
  const size_t hash_size = GetParam();
  MerkleTree tree(hash_size, 1);
  const Bytes data = {9, 9, 9};
  ASSERT_TRUE(tree.AddLeaf(data));
  EXPECT_FALSE(tree.AddLeaf(data));  // full
  tree.Build();
  Bytes leaf(hash_size);
  MerkleLeafHash(data, MutableByteSpan(leaf));
  EXPECT_EQ(Bytes(tree.root().begin(), tree.root().end()), leaf);
  EXPECT_EQ(tree.height(), 0u);
}

TEST_P(MerkleTest, ResetReusesTheTree) {
  const size_t hash_size = GetParam();
  MerkleTree tree(hash_size, 8);
  for (int round = 0; round < 3; ++round) {
    tree.Reset();
    const Bytes a = {static_cast<uint8_t>(round)}, b = {7};
    tree.AddLeaf(a);
    tree.AddLeaf(b);
    tree.Build();
    Bytes la(hash_size), lb(hash_size), node(hash_size);
    MerkleLeafHash(a, MutableByteSpan(la));
    MerkleLeafHash(b, MutableByteSpan(lb));
    MerkleNodeHash(la, lb, MutableByteSpan(node));
    EXPECT_EQ(Bytes(tree.root().begin(), tree.root().end()), node);
  }
}

INSTANTIATE_TEST_SUITE_P(HashSizes, MerkleTest, ::testing::Values(32u, 64u));

}  // namespace
}  // namespace roughtime
