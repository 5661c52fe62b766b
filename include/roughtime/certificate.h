// Delegations (RFC 10049 §5.2.5-§5.2.7): the long-term root key signs
// DELE{PUBK, MINT, MAXT} to let an online key sign responses between MINT and
// MAXT. The CERT value is { SIG, DELE }. One CERT is made per signature
// family (context string and time unit) the server serves.
#ifndef ROUGHTIME_CERTIFICATE_H_
#define ROUGHTIME_CERTIFICATE_H_

#include <array>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/version.h"

namespace roughtime {

// A CERT message: header 16 + SIG 64 + DELE (header 24 + 32 + 8 + 8).
inline constexpr size_t kCertSize = 152;
inline constexpr size_t kDeleSize = 72;

// The delegation window, in whole Unix seconds, inclusive at both ends.
struct DelegationWindow {
  uint64_t mint_seconds = 0;
  uint64_t maxt_seconds = 0;
};

// Builds the CERT message for `family`, signed by `root`. Google's family
// encodes MINT/MAXT in microseconds (saturating), the others in seconds.
Bytes CreateCertificate(const SigningKey& root, const PublicKey& online_key,
                        const DelegationWindow& window, CertFamily family);

struct VerifiedCertificate {
  PublicKey online_key{};
  uint64_t mint = 0;  // in the family's time unit
  uint64_t maxt = 0;
  ByteSpan dele;      // the signed DELE bytes, inside the caller's buffer
};

// Checks the CERT structure and its signature under `root` with the
// family's delegation context (or `context_override` when given, used to
// report pre-RFC capital-T signatures).
absl::StatusOr<VerifiedCertificate> VerifyCertificate(
    ByteSpan cert_message, const PublicKey& root, CertFamily family,
    std::optional<std::string_view> context_override = std::nullopt);

// What a server signs with: the online key and one CERT per family. Made
// either from the root key (online mode) or loaded from a delegation file
// made by roughtime-keygen (offline mode: the root key never on the server).
struct OnlineIdentity {
  SigningKey online_key;
  PublicKey root_public_key{};
  DelegationWindow window;
  std::array<Bytes, kNumCertFamilies> certs;  // empty when not served

  const Bytes& cert(CertFamily f) const {
    return certs[static_cast<size_t>(f)];
  }
  bool ValidAt(absl::Time t) const;
};

// A fresh online key delegated by `root` over `window` for every family
// `served` needs.
OnlineIdentity DelegateOnlineKey(const SigningKey& root,
                                 const DelegationWindow& window,
                                 VersionSet served = VersionSet::All());
// Same with a given online key (for reproducible test vectors).
OnlineIdentity DelegateOnlineKey(const SigningKey& root,
                                 const SigningKey& online,
                                 const DelegationWindow& window,
                                 VersionSet served = VersionSet::All());

}  // namespace roughtime

#endif  // ROUGHTIME_CERTIFICATE_H_
