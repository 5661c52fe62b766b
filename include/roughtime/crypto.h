// Hashing, Ed25519 and randomness, all from libsodium (RFC 10049 §5.2, §5.3,
// RFC 8032). Nothing else in the project touches a crypto primitive.
#ifndef ROUGHTIME_CRYPTO_H_
#define ROUGHTIME_CRYPTO_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "roughtime/bytes.h"

namespace roughtime {

inline constexpr size_t kSeedSize = 32;
inline constexpr size_t kPublicKeySize = 32;
inline constexpr size_t kSignatureSize = 64;
inline constexpr size_t kMaxHashSize = 64;

using Seed = std::array<uint8_t, kSeedSize>;
using PublicKey = std::array<uint8_t, kPublicKeySize>;
using Signature = std::array<uint8_t, kSignatureSize>;
using Hash32 = std::array<uint8_t, 32>;

// Calls sodium_init() once; every function below does so itself too.
void InitCrypto();

// Fills `out` from the operating system's CSPRNG.
void RandomBytes(MutableByteSpan out);

// SHA-512 over the concatenation of `parts`, truncated to `out.size()` bytes
// (32 for IETF versions, 64 for Google; at most 64).
void HashParts(std::initializer_list<ByteSpan> parts, MutableByteSpan out);
Hash32 Hash32Of(std::initializer_list<ByteSpan> parts);

// SRV = H(0xff || long-term public key), RFC 10049 §5.1.3.
Hash32 ComputeSrv(const PublicKey& root_public_key);

// An Ed25519 private key made from a 32-byte seed by the RFC 8032 §5.1.5
// method (RFC 10049 §9.3). The secret is wiped on destruction and never
// printed.
class SigningKey {
 public:
  static SigningKey FromSeed(const Seed& seed);
  static SigningKey Generate();

  SigningKey(const SigningKey& other);
  SigningKey& operator=(const SigningKey& other);
  ~SigningKey();

  const PublicKey& public_key() const { return public_key_; }
  // The seed, for writing a key file. Callers must not log it.
  Seed seed() const;

  // Signs context || message (the context includes its NUL, §5.2.1).
  Signature Sign(std::string_view context, ByteSpan message) const;
  // Same, written to `out` (64 bytes) without allocating.
  void SignInto(std::string_view context, ByteSpan message,
                uint8_t* out) const;

 private:
  SigningKey() = default;
  std::array<uint8_t, 64> secret_{};  // libsodium layout: seed || public key
  PublicKey public_key_{};
};

bool VerifySignature(const PublicKey& key, std::string_view context,
                     ByteSpan message, ByteSpan signature);

}  // namespace roughtime

#endif  // ROUGHTIME_CRYPTO_H_
