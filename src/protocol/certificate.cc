#include "roughtime/certificate.h"

#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime {
namespace {

// Google encodes delegation times in microseconds; saturate rather than
// wrap for "forever" windows.
uint64_t ToFamilyUnit(uint64_t seconds, CertFamily family) {
  if (FamilyTimeUnit(family) == TimeUnit::kSeconds) return seconds;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (seconds > kMax / 1000000) return kMax;
  return seconds * 1000000;
}

}  // namespace

Bytes CreateCertificate(const SigningKey& root, const PublicKey& online_key,
                        const DelegationWindow& window, CertFamily family) {
  uint8_t dele[kDeleSize];
  MessageBuilder dele_builder(MutableByteSpan(dele, sizeof(dele)), 3);
  // The sizes are fixed above, so these cannot fail.
  (void)dele_builder.AddBytes(kTagPubk,
                              ByteSpan(online_key.data(), online_key.size()));
  (void)dele_builder.AddU64(kTagMint, ToFamilyUnit(window.mint_seconds, family));
  (void)dele_builder.AddU64(kTagMaxt, ToFamilyUnit(window.maxt_seconds, family));
  (void)dele_builder.Finish();

  Bytes cert(kCertSize);
  MessageBuilder cert_builder(MutableByteSpan(cert), 2);
  auto sig = cert_builder.Add(kTagSig, kSignatureSize);
  root.SignInto(DelegationContext(family), ByteSpan(dele, sizeof(dele)), *sig);
  (void)cert_builder.AddBytes(kTagDele, ByteSpan(dele, sizeof(dele)));
  (void)cert_builder.Finish();
  return cert;
}

absl::StatusOr<VerifiedCertificate> VerifyCertificate(
    ByteSpan cert_message, const PublicKey& root, CertFamily family,
    std::optional<std::string_view> context_override) {
  auto cert = MessageView::Parse(cert_message);
  if (!cert.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CERT is malformed: ", cert.status().message()));
  }
  auto sig = cert->GetFixed(kTagSig, kSignatureSize);
  if (!sig.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CERT: ", sig.status().message()));
  }
  auto dele_bytes = cert->Get(kTagDele);
  if (!dele_bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CERT: ", dele_bytes.status().message()));
  }
  auto dele = MessageView::Parse(*dele_bytes);
  if (!dele.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("DELE is malformed: ", dele.status().message()));
  }
  VerifiedCertificate out;
  auto pubk = dele->GetFixed(kTagPubk, kPublicKeySize);
  auto mint = dele->GetU64(kTagMint);
  auto maxt = dele->GetU64(kTagMaxt);
  for (const absl::Status& s : {pubk.status(), mint.status(), maxt.status()}) {
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("DELE: ", s.message()));
    }
  }
  std::memcpy(out.online_key.data(), pubk->data(), kPublicKeySize);
  out.mint = *mint;
  out.maxt = *maxt;
  out.dele = *dele_bytes;
  // The signature covers the exact received DELE bytes (§5.2.6); never
  // re-encode before verifying.
  const std::string_view context =
      context_override.value_or(DelegationContext(family));
  if (!VerifySignature(root, context, *dele_bytes, *sig)) {
    return absl::UnauthenticatedError(
        "delegation signature (CERT.SIG) does not verify under the root key");
  }
  if (out.mint > out.maxt) {
    return absl::InvalidArgumentError(
        absl::StrCat("delegation window is inverted: MINT ", out.mint,
                     " > MAXT ", out.maxt));
  }
  return out;
}

bool OnlineIdentity::ValidAt(absl::Time t) const {
  // To the microsecond, not the second: Google-Roughtime carries MIDP and
  // MAXT in microseconds, so a MIDP a fraction of a second after MAXT would
  // be rejected by its clients (MINT <= MIDP <= MAXT, RFC 10049 §5.2).
  const int64_t micros = absl::ToUnixMicros(t);
  if (micros < 0) return false;
  const uint64_t u = static_cast<uint64_t>(micros);
  return u >= window.mint_seconds * 1000000u &&
         u <= window.maxt_seconds * 1000000u;
}

OnlineIdentity DelegateOnlineKey(const SigningKey& root,
                                 const DelegationWindow& window,
                                 VersionSet served) {
  return DelegateOnlineKey(root, SigningKey::Generate(), window, served);
}

OnlineIdentity DelegateOnlineKey(const SigningKey& root,
                                 const SigningKey& online,
                                 const DelegationWindow& window,
                                 VersionSet served) {
  OnlineIdentity id{online, root.public_key(), window, {}};
  for (size_t f = 0; f < kNumCertFamilies; ++f) {
    const auto family = static_cast<CertFamily>(f);
    if (served.NeedsFamily(family)) {
      id.certs[f] =
          CreateCertificate(root, online.public_key(), window, family);
    }
  }
  return id;
}

}  // namespace roughtime
