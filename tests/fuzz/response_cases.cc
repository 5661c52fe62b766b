#include "response_cases.h"

#include <cstdint>

namespace roughtime::fuzz {
namespace {

Seed SeedOf(const std::string& hex) {
  Bytes b = HexOrDie(hex);
  if (b.size() != kSeedSize) InvariantFailed("vector seed is not 32 bytes");
  Seed s{};
  std::copy(b.begin(), b.end(), s.begin());
  return s;
}

PublicKey KeyOf(const Bytes& b) {
  if (b.size() != kPublicKeySize) InvariantFailed("vector key is not 32 bytes");
  PublicKey k{};
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

ResponseCase Make(std::string name, const Bytes& request, Bytes response,
                  PublicKey root, Version version) {
  ResponseCase c;
  c.name = std::move(name);
  std::optional<RequestFacts> facts = FactsOfRequest(request);
  if (!facts) InvariantFailed(c.name + ": request has no NONC/VER");
  c.request = *std::move(facts);
  c.response = std::move(response);
  c.root_public_key = root;
  c.version = version;
  return c;
}

void AddSynthetic(std::vector<ResponseCase>& cases) {
  const nlohmann::json v = LoadJson("synthetic-v1/rfc10049_v1_synthetic.json");
  const PublicKey root = KeyOf(HexOrDie(v["root_public_key"]));
  ResponseCase single =
      Make("synthetic-v1-single", HexOrDie(v["single"]["request"]),
           HexOrDie(v["single"]["response"]), root, Version::kRfc1);
  ResponseCase batch = Make(
      "synthetic-v1-batch4", HexOrDie(v["batch4"]["requests"][1]),
      HexOrDie(v["batch4"]["responses"][1]), root, Version::kRfc1);
  for (ResponseCase* c : {&single, &batch}) {
    c->root_seed = SeedOf(v["root_seed"]);
    c->online_seed = SeedOf(v["online_seed"]);
    cases.push_back(*c);
  }
}

void AddCloudflare(std::vector<ResponseCase>& cases, const std::string& file,
                   Version version, size_t index) {
  const nlohmann::json v = LoadJson("cloudflare/" + file);
  const Seed root_seed = SeedOf(v["root_key"]);
  ResponseCase c = Make("cloudflare-" + file, HexOrDie(v["request"][index]),
                        HexOrDie(v["replies"][index]),
                        SigningKey::FromSeed(root_seed).public_key(), version);
  c.root_seed = root_seed;
  c.online_seed = SeedOf(v["online_key"]);
  cases.push_back(std::move(c));
}

std::vector<ResponseCase> Load() {
  std::vector<ResponseCase> cases;
  AddSynthetic(cases);
  {
    const nlohmann::json v = LoadJson("rfc10049-appendix-b/appendix_b.json");
    const nlohmann::json& e = v["entries"][0];
    ResponseCase c = Make("rfc10049-appendix-b-0", HexOrDie(e["request"]),
                          HexOrDie(e["response"]),
                          KeyOf(HexOrDie(e["publicKey"])), Version::kRfc1);
    c.allow_pre_rfc_contexts = true;
    cases.push_back(std::move(c));
  }
  {
    absl::StatusOr<Bytes> key =
        Base64Decode("AW5uAoTSTDfG5NfY1bTh08GUnOqlRb+HVhbJ3ODJvsE=");
    if (!key.ok()) InvariantFailed("roughenough key");
    cases.push_back(Make(
        "roughenough-0x8000000c",
        LoadHexFile("roughenough-0x8000000c/rfc-request.071039e5.hex"),
        LoadHexFile("roughenough-0x8000000c/rfc-response.071039e5.hex"),
        KeyOf(*key), Version::kDraft12));
  }
  AddCloudflare(cases, "roughtime_ietf_draft08_001.json", Version::kDraft08, 0);
  AddCloudflare(cases, "roughtime_ietf_draft11_010.json", Version::kDraft11, 3);
  AddCloudflare(cases, "roughtime_google_010.json", Version::kGoogle, 5);
  for (const ResponseCase& c : cases) {
    absl::StatusOr<VerifiedResponse> r = VerifyResponse(c.response, c.options());
    if (!r.ok()) {
      InvariantFailed(c.name + " does not verify: " + r.status().ToString());
    }
  }
  return cases;
}

}  // namespace

const std::vector<ResponseCase>& ResponseCases() {
  static const auto* cases = new std::vector<ResponseCase>(Load());
  return *cases;
}

}  // namespace roughtime::fuzz
