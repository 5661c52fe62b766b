// The delegation file (docs/KEYS.md): a JSON object holding the online key
// seed, both public keys, the window and one CERT per signature family.
// Parsing and verification are separate so `roughtime-keygen inspect` can
// report on a file whose certificates do not verify.
#ifndef ROUGHTIME_KEYS_DELEGATION_FORMAT_H_
#define ROUGHTIME_KEYS_DELEGATION_FORMAT_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/version.h"

namespace roughtime::keys {

inline constexpr absl::string_view kDelegationFormatName =
    "roughtime-delegation";
inline constexpr int kDelegationFormatVersion = 1;

// The JSON key of each family's CERT: "google", "draft-08-11", "draft-12",
// "rfc-1".
absl::string_view CertFamilyKey(CertFamily family);
std::optional<CertFamily> CertFamilyFromKey(absl::string_view key);
// A human description: "rfc-1 (version 1, \"Roughtime v1 ...\", seconds)".
std::string CertFamilyDescription(CertFamily family);

// What a delegation file says, before any signature is checked. The seed is
// wiped when the object is destroyed.
struct DelegationContents {
  DelegationContents() = default;
  DelegationContents(const DelegationContents&) = delete;
  DelegationContents& operator=(const DelegationContents&) = delete;
  DelegationContents(DelegationContents&& other) noexcept;
  ~DelegationContents();

  Seed online_seed{};
  PublicKey online_public_key{};
  PublicKey root_public_key{};
  DelegationWindow window;
  std::array<std::optional<Bytes>, kNumCertFamilies> certs;
};

// Parses the JSON text strictly: every field present with the right type,
// no unknown fields, MINT <= MAXT, at least one CERT. `path` names the file
// in messages; contents are never quoted.
absl::StatusOr<DelegationContents> ParseDelegationText(absl::string_view text,
                                                       absl::string_view path);

// The online seed gives the online public key written in the file.
absl::Status CheckOnlineKey(const DelegationContents& contents);
// The family's CERT verifies under the root public key with the family's
// context, delegates to the online public key and carries MINT/MAXT.
absl::Status CheckCertificate(const DelegationContents& contents,
                              CertFamily family);
// Everything above, for every CERT present.
absl::Status VerifyDelegation(const DelegationContents& contents);

// The file text (pretty JSON ending in a newline). The caller wipes it: it
// holds the online seed.
std::string EncodeDelegationText(const DelegationContents& contents);

}  // namespace roughtime::keys

#endif  // ROUGHTIME_KEYS_DELEGATION_FORMAT_H_
