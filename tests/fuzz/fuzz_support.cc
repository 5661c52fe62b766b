#include "fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime::fuzz {

std::string VectorsDir() {
  if (const char* env = std::getenv("ROUGHTIME_VECTORS"); env && *env) {
    return env;
  }
  return ROUGHTIME_FUZZ_VECTORS_DIR;
}

static std::string ReadText(const std::string& relative_path) {
  const std::string path = VectorsDir() + "/" + relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) InvariantFailed("cannot read vector file " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json LoadJson(const std::string& relative_path) {
  return nlohmann::json::parse(ReadText(relative_path));
}

Bytes HexOrDie(const std::string& hex) {
  std::string clean;
  for (char c : hex) {
    if (!std::isspace(static_cast<unsigned char>(c))) clean.push_back(c);
  }
  absl::StatusOr<Bytes> b = HexDecode(clean);
  if (!b.ok()) InvariantFailed("bad hex in a vector: " + b.status().ToString());
  return *std::move(b);
}

Bytes LoadHexFile(const std::string& relative_path) {
  return HexOrDie(ReadText(relative_path));
}

const OnlineIdentity& FixedIdentity() {
  static const OnlineIdentity* identity = [] {
    Seed root_seed{}, online_seed{};
    for (size_t i = 0; i < root_seed.size(); ++i) {
      root_seed[i] = static_cast<uint8_t>(i);
      online_seed[i] = static_cast<uint8_t>(0x20 + i);
    }
    return new OnlineIdentity(DelegateOnlineKey(
        SigningKey::FromSeed(root_seed), SigningKey::FromSeed(online_seed),
        DelegationWindow{1700000000, 1900000000}));
  }();
  return *identity;
}

std::optional<RequestFacts> FactsOfRequest(ByteSpan packet) {
  RequestFacts facts;
  facts.packet.assign(packet.begin(), packet.end());
  ByteSpan message = packet;
  if (HasFrameMagic(packet)) {
    absl::StatusOr<ByteSpan> inner = UnwrapFrame(packet);
    if (!inner.ok()) return std::nullopt;
    message = *inner;
  } else {
    facts.google = true;
  }
  std::optional<MessageView> view = MessageView::TryParse(message);
  if (!view) return std::nullopt;
  std::optional<ByteSpan> nonce = view->Find(kTagNonc);
  if (!nonce) return std::nullopt;
  facts.nonce.assign(nonce->begin(), nonce->end());
  if (!facts.google) {
    std::optional<ByteSpan> ver = view->Find(kTagVer);
    if (!ver || ver->size() % 4 != 0) return std::nullopt;
    for (size_t i = 0; i < ver->size(); i += 4) {
      facts.offered.push_back(LoadLE32(ver->data() + i));
    }
  }
  return facts;
}

VerifyOptions OptionsFor(const RequestFacts& facts, const PublicKey& root,
                         bool allow_pre_rfc_contexts) {
  VerifyOptions options;
  options.root_public_key = root;
  options.request_packet = facts.packet;
  options.nonce = facts.nonce;
  options.google = facts.google;
  options.offered_wire_versions = facts.offered;
  options.allow_pre_rfc_contexts = allow_pre_rfc_contexts;
  return options;
}

void InvariantFailed(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant failed: %s\n", what.c_str());
  std::abort();
}

}  // namespace roughtime::fuzz
