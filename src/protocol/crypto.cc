#include "roughtime/crypto.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace roughtime {
namespace {

// Signed messages are context || SREP or DELE: at most a few hundred bytes.
// A stack buffer keeps signing allocation-free on the hot path.
constexpr size_t kStackSignBuffer = 512;

}  // namespace

void InitCrypto() {
  static const bool initialized = [] {
    // sodium_init fails only when the OS offers no entropy source at all;
    // nothing secure can run then.
    if (sodium_init() < 0) std::abort();
    return true;
  }();
  (void)initialized;
}

void RandomBytes(MutableByteSpan out) {
  InitCrypto();
  randombytes_buf(out.data(), out.size());
}

void HashParts(std::initializer_list<ByteSpan> parts, MutableByteSpan out) {
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  for (ByteSpan p : parts) {
    crypto_hash_sha512_update(&state, p.data(), p.size());
  }
  uint8_t full[crypto_hash_sha512_BYTES];
  crypto_hash_sha512_final(&state, full);
  const size_t n = out.size() < sizeof(full) ? out.size() : sizeof(full);
  std::memcpy(out.data(), full, n);
}

Hash32 Hash32Of(std::initializer_list<ByteSpan> parts) {
  Hash32 out;
  HashParts(parts, MutableByteSpan(out.data(), out.size()));
  return out;
}

Hash32 ComputeSrv(const PublicKey& root_public_key) {
  static constexpr uint8_t kSrvPrefix[1] = {0xff};
  return Hash32Of({ByteSpan(kSrvPrefix, 1),
                   ByteSpan(root_public_key.data(), root_public_key.size())});
}

SigningKey SigningKey::FromSeed(const Seed& seed) {
  InitCrypto();
  SigningKey key;
  // RFC 8032 §5.1.5: the seed is hashed and clamped by libsodium.
  crypto_sign_ed25519_seed_keypair(key.public_key_.data(), key.secret_.data(),
                                   seed.data());
  return key;
}

SigningKey SigningKey::Generate() {
  Seed seed;
  RandomBytes(MutableByteSpan(seed.data(), seed.size()));
  SigningKey key = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

SigningKey::SigningKey(const SigningKey& other)
    : secret_(other.secret_), public_key_(other.public_key_) {}

SigningKey& SigningKey::operator=(const SigningKey& other) {
  secret_ = other.secret_;
  public_key_ = other.public_key_;
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

Seed SigningKey::seed() const {
  Seed seed;
  crypto_sign_ed25519_sk_to_seed(seed.data(), secret_.data());
  return seed;
}

Signature SigningKey::Sign(std::string_view context, ByteSpan message) const {
  Signature sig;
  SignInto(context, message, sig.data());
  return sig;
}

void SigningKey::SignInto(std::string_view context, ByteSpan message,
                          uint8_t* out) const {
  const size_t total = context.size() + message.size();
  uint8_t stack[kStackSignBuffer];
  std::vector<uint8_t> heap;
  uint8_t* buf = stack;
  if (total > sizeof(stack)) {
    heap.resize(total);
    buf = heap.data();
  }
  std::memcpy(buf, context.data(), context.size());
  if (!message.empty()) {
    std::memcpy(buf + context.size(), message.data(), message.size());
  }
  crypto_sign_ed25519_detached(out, nullptr, buf, total, secret_.data());
}

bool VerifySignature(const PublicKey& key, std::string_view context,
                     ByteSpan message, ByteSpan signature) {
  InitCrypto();
  if (signature.size() != kSignatureSize) return false;
  std::vector<uint8_t> buf(context.size() + message.size());
  std::memcpy(buf.data(), context.data(), context.size());
  if (!message.empty()) {
    std::memcpy(buf.data() + context.size(), message.data(), message.size());
  }
  return crypto_sign_ed25519_verify_detached(signature.data(), buf.data(),
                                             buf.size(), key.data()) == 0;
}

}  // namespace roughtime
