// Test support: the protocol test-vector loader (vectors.h).
#include "support/vectors.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime::testing {

std::string VectorsDir() {
  const char* dir = std::getenv("ROUGHTIME_VECTORS");
  if (dir == nullptr || *dir == '\0') {
    ADD_FAILURE() << "ROUGHTIME_VECTORS is not set (run through meson test)";
    return "";
  }
  return dir;
}

static std::string PathOf(const std::string& relative_path) {
  return VectorsDir() + "/" + relative_path;
}

static std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open vector file " << path << ": "
                  << std::strerror(errno);
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    ADD_FAILURE() << "cannot read vector file " << path;
    return std::nullopt;
  }
  return ss.str();
}

std::optional<nlohmann::json> LoadJson(const std::string& relative_path) {
  const std::string path = PathOf(relative_path);
  std::optional<std::string> text = ReadText(path);
  if (!text) return std::nullopt;
  // Without exceptions: a truncated file must fail this test, not abort.
  nlohmann::json json = nlohmann::json::parse(*text, nullptr,
                                              /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    ADD_FAILURE() << "vector file " << path << " is not valid JSON";
    return std::nullopt;
  }
  return json;
}

Bytes Hex(const std::string& hex) {
  auto b = HexDecode(hex);
  if (!b.ok()) {
    ADD_FAILURE() << "bad hex in vector: " << b.status();
    return {};
  }
  return *b;
}

std::optional<Bytes> LoadHexFile(const std::string& relative_path) {
  const std::string path = PathOf(relative_path);
  std::optional<std::string> text = ReadText(path);
  if (!text) return std::nullopt;
  std::string compact;
  for (char c : *text) {
    if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
  }
  auto bytes = HexDecode(compact);
  if (!bytes.ok()) {
    ADD_FAILURE() << "vector file " << path << " is not hex: "
                  << bytes.status();
    return std::nullopt;
  }
  return *std::move(bytes);
}

// `hex` as a fixed-size array (a key or a seed); zeros and a failure naming
// `what` when the length is wrong.
template <typename Fixed>
static Fixed FixedFromHex(const std::string& hex, const char* what) {
  Fixed out{};
  Bytes b = Hex(hex);
  if (b.size() == out.size()) {
    std::memcpy(out.data(), b.data(), out.size());
  } else {
    ADD_FAILURE() << what << " is not " << out.size() << " bytes";
  }
  return out;
}

PublicKey PublicKeyFromHex(const std::string& hex) {
  return FixedFromHex<PublicKey>(hex, "public key");
}

Seed SeedFromHex(const std::string& hex) {
  return FixedFromHex<Seed>(hex, "seed");
}

static MessageView RequestMessage(ByteSpan packet) {
  ByteSpan message = packet;
  if (HasFrameMagic(packet)) {
    auto inner = UnwrapFrame(packet);
    EXPECT_TRUE(inner.ok()) << inner.status();
    if (inner.ok()) message = *inner;
  }
  auto view = MessageView::Parse(message);
  EXPECT_TRUE(view.ok()) << view.status();
  return view.ok() ? *view : MessageView();
}

std::vector<uint32_t> OfferedVersions(ByteSpan request_packet) {
  std::vector<uint32_t> out;
  auto ver = RequestMessage(request_packet).Find(kTagVer);
  if (!ver) return out;
  for (size_t i = 0; i + 4 <= ver->size(); i += 4) {
    out.push_back(LoadLE32(ver->data() + i));
  }
  return out;
}

Bytes RequestNonce(ByteSpan request_packet) {
  auto nonce = RequestMessage(request_packet).Find(kTagNonc);
  EXPECT_TRUE(nonce.has_value());
  return nonce ? Bytes(nonce->begin(), nonce->end()) : Bytes{};
}

}  // namespace roughtime::testing
