#include "keys/delegation_format.h"

#include <cstring>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "keys/protected_file.h"
#include "nlohmann/json.hpp"

namespace roughtime::keys {
namespace {

struct FamilyInfo {
  CertFamily family;
  absl::string_view key;
  absl::string_view versions;
};

// Wire versions per family: version.h (CertFamily) and RFC 10049 §5.2.6.
constexpr FamilyInfo kFamilies[kNumCertFamilies] = {
    {CertFamily::kGoogle, "google", "Google-Roughtime"},
    {CertFamily::kDraft08To11, "draft-08-11", "0x80000008..0x8000000b"},
    {CertFamily::kDraft12, "draft-12", "0x8000000c"},
    {CertFamily::kRfc1, "rfc-1", "1 (RFC 10049)"},
};

constexpr const char* kKnownFields[] = {
    "format",          "format_version", "online_private_seed",
    "online_public_key", "root_public_key", "mint",
    "maxt",            "certs"};

absl::Status Bad(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("delegation file ", path, ": ", problem));
}

// Google's DELE carries microseconds; the core saturates on overflow.
uint64_t InFamilyUnit(uint64_t seconds, CertFamily family) {
  if (FamilyTimeUnit(family) == TimeUnit::kSeconds) return seconds;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return seconds > kMax / 1000000 ? kMax : seconds * 1000000;
}

absl::StatusOr<PublicKey> ParsePublicKey(const nlohmann::json& j,
                                         absl::string_view field,
                                         absl::string_view path) {
  if (!j.is_string()) return Bad(path, absl::StrCat(field, " must be a string"));
  absl::StatusOr<Bytes> bytes =
      DecodeKeyText(j.get_ref<const std::string&>(), kPublicKeySize);
  if (!bytes.ok()) {
    return Bad(path, absl::StrCat(field, " is not a public key: ",
                                  bytes.status().message()));
  }
  PublicKey key;
  std::memcpy(key.data(), bytes->data(), key.size());
  return key;
}

absl::StatusOr<uint64_t> ParseSeconds(const nlohmann::json& j,
                                      absl::string_view field,
                                      absl::string_view path) {
  if (!j.is_number_unsigned()) {
    return Bad(path, absl::StrCat(field,
                                  " must be a non-negative whole number of "
                                  "Unix seconds"));
  }
  return j.get<uint64_t>();
}

absl::Status ParseCerts(const nlohmann::json& j, absl::string_view path,
                        DelegationContents* out) {
  if (!j.is_object() || j.empty()) {
    return Bad(path, "certs must be an object with at least one CERT");
  }
  for (const auto& [key, value] : j.items()) {
    std::optional<CertFamily> family = CertFamilyFromKey(key);
    if (!family) {
      return Bad(path, absl::StrCat("unknown certificate family \"", key,
                                    "\" (expected google, draft-08-11, "
                                    "draft-12 or rfc-1)"));
    }
    if (!value.is_string()) {
      return Bad(path, absl::StrCat("certs.", key, " must be a hex string"));
    }
    absl::StatusOr<Bytes> cert = HexDecode(value.get_ref<const std::string&>());
    if (!cert.ok()) {
      return Bad(path, absl::StrCat("certs.", key, " is not valid hex"));
    }
    out->certs[static_cast<size_t>(*family)] = *std::move(cert);
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view CertFamilyKey(CertFamily family) {
  return kFamilies[static_cast<size_t>(family)].key;
}

std::optional<CertFamily> CertFamilyFromKey(absl::string_view key) {
  for (const FamilyInfo& info : kFamilies) {
    if (info.key == key) return info.family;
  }
  return std::nullopt;
}

std::string CertFamilyDescription(CertFamily family) {
  const FamilyInfo& info = kFamilies[static_cast<size_t>(family)];
  absl::string_view context = AbslView(DelegationContext(family));
  while (!context.empty() && context.back() == '\0') context.remove_suffix(1);
  return absl::StrCat(
      info.key, " (versions ", info.versions, ", context \"", context,
      "\\0\", ",
      FamilyTimeUnit(family) == TimeUnit::kSeconds ? "seconds"
                                                   : "microseconds",
      ")");
}

DelegationContents::DelegationContents(DelegationContents&& other) noexcept
    : online_seed(other.online_seed),
      online_public_key(other.online_public_key),
      root_public_key(other.root_public_key),
      window(other.window),
      certs(std::move(other.certs)) {
  sodium_memzero(other.online_seed.data(), other.online_seed.size());
}

DelegationContents::~DelegationContents() {
  sodium_memzero(online_seed.data(), online_seed.size());
}

absl::StatusOr<DelegationContents> ParseDelegationText(absl::string_view text,
                                                       absl::string_view path) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr,
                                           /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad(path, "not valid JSON");
  if (!j.is_object()) return Bad(path, "not a JSON object");
  // The seed's hex text lives in `j`; wipe it however we leave.
  struct WipeSeedText {
    nlohmann::json* j;
    ~WipeSeedText() {
      auto it = j->find("online_private_seed");
      if (it != j->end() && it->is_string()) {
        std::string& s = it->get_ref<std::string&>();
        sodium_memzero(s.data(), s.size());
      }
    }
  } wipe_seed_text{&j};

  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (const char* field : kKnownFields) known = known || key == field;
    if (!known) return Bad(path, absl::StrCat("unknown field \"", key, "\""));
  }
  for (const char* field : kKnownFields) {
    if (!j.contains(field)) {
      return Bad(path, absl::StrCat("missing field \"", field, "\""));
    }
  }
  if (!j["format"].is_string() ||
      j["format"].get_ref<const std::string&>() != kDelegationFormatName) {
    return Bad(path, absl::StrCat("format must be \"", kDelegationFormatName,
                                  "\""));
  }
  if (!j["format_version"].is_number_unsigned() ||
      j["format_version"].get<uint64_t>() != kDelegationFormatVersion) {
    return Bad(path, absl::StrCat("unsupported format_version (this tool "
                                  "reads version ",
                                  kDelegationFormatVersion, ")"));
  }

  DelegationContents out;
  const nlohmann::json& seed_json = j["online_private_seed"];
  if (!seed_json.is_string()) {
    return Bad(path, "online_private_seed must be a hex string");
  }
  const std::string& seed_hex = seed_json.get_ref<const std::string&>();
  if (seed_hex.size() != 2 * kSeedSize) {
    return Bad(path, absl::StrCat("online_private_seed has ", seed_hex.size(),
                                  " characters, expected 64 hex digits"));
  }
  absl::StatusOr<Bytes> seed = HexDecode(seed_hex);
  if (!seed.ok()) return Bad(path, "online_private_seed is not valid hex");
  ScopedWipe<Bytes> wipe_seed(&*seed);
  std::memcpy(out.online_seed.data(), seed->data(), kSeedSize);

  absl::StatusOr<PublicKey> online =
      ParsePublicKey(j["online_public_key"], "online_public_key", path);
  if (!online.ok()) return online.status();
  out.online_public_key = *online;
  absl::StatusOr<PublicKey> root =
      ParsePublicKey(j["root_public_key"], "root_public_key", path);
  if (!root.ok()) return root.status();
  out.root_public_key = *root;

  absl::StatusOr<uint64_t> mint = ParseSeconds(j["mint"], "mint", path);
  if (!mint.ok()) return mint.status();
  absl::StatusOr<uint64_t> maxt = ParseSeconds(j["maxt"], "maxt", path);
  if (!maxt.ok()) return maxt.status();
  if (*mint > *maxt) {
    return Bad(path, absl::StrCat("inverted window: mint ", *mint,
                                  " is after maxt ", *maxt));
  }
  out.window = DelegationWindow{*mint, *maxt};
  if (absl::Status s = ParseCerts(j["certs"], path, &out); !s.ok()) return s;
  return out;
}

absl::Status CheckOnlineKey(const DelegationContents& contents) {
  const SigningKey online = SigningKey::FromSeed(contents.online_seed);
  if (online.public_key() != contents.online_public_key) {
    return absl::InvalidArgumentError(
        "online_public_key is not the public key of online_private_seed");
  }
  return absl::OkStatus();
}

absl::Status CheckCertificate(const DelegationContents& contents,
                              CertFamily family) {
  const std::optional<Bytes>& cert = contents.certs[static_cast<size_t>(family)];
  const absl::string_view name = CertFamilyKey(family);
  if (!cert) {
    return absl::NotFoundError(absl::StrCat("no CERT for family ", name));
  }
  absl::StatusOr<VerifiedCertificate> verified =
      VerifyCertificate(*cert, contents.root_public_key, family);
  if (!verified.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CERT ", name, " does not verify under the root public "
                     "key: ", verified.status().message()));
  }
  if (verified->online_key != contents.online_public_key) {
    return absl::InvalidArgumentError(absl::StrCat(
        "CERT ", name, " delegates to another key than online_public_key"));
  }
  if (verified->mint != InFamilyUnit(contents.window.mint_seconds, family) ||
      verified->maxt != InFamilyUnit(contents.window.maxt_seconds, family)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "CERT ", name, " carries a window (MINT ", verified->mint, ", MAXT ",
        verified->maxt, ") other than the file's mint/maxt"));
  }
  return absl::OkStatus();
}

absl::Status VerifyDelegation(const DelegationContents& contents) {
  if (absl::Status s = CheckOnlineKey(contents); !s.ok()) return s;
  bool any = false;
  for (const FamilyInfo& info : kFamilies) {
    if (!contents.certs[static_cast<size_t>(info.family)]) continue;
    any = true;
    if (absl::Status s = CheckCertificate(contents, info.family); !s.ok()) {
      return s;
    }
  }
  if (!any) return absl::InvalidArgumentError("no CERT at all");
  return absl::OkStatus();
}

std::string EncodeDelegationText(const DelegationContents& contents) {
  nlohmann::ordered_json j;
  j["format"] = std::string(kDelegationFormatName);
  j["format_version"] = kDelegationFormatVersion;
  j["online_private_seed"] = HexEncode(contents.online_seed);
  j["online_public_key"] = HexEncode(contents.online_public_key);
  j["root_public_key"] = HexEncode(contents.root_public_key);
  j["mint"] = contents.window.mint_seconds;
  j["maxt"] = contents.window.maxt_seconds;
  nlohmann::ordered_json certs = nlohmann::ordered_json::object();
  for (const FamilyInfo& info : kFamilies) {
    const std::optional<Bytes>& cert =
        contents.certs[static_cast<size_t>(info.family)];
    if (cert) certs[std::string(info.key)] = HexEncode(*cert);
  }
  j["certs"] = std::move(certs);
  std::string text = j.dump(2) + "\n";
  std::string& seed_text = j["online_private_seed"].get_ref<std::string&>();
  sodium_memzero(seed_text.data(), seed_text.size());
  return text;
}

}  // namespace roughtime::keys
