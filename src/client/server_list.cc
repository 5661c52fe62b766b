#include "client/server_list.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "roughtime/version.h"

namespace roughtime::client {
namespace {

using nlohmann::json;

// Drafts 12-19 §8.3 suggested this number for pre-IETF (Google) servers.
constexpr uint64_t kDraftGoogleNumber = 3000600613u;

absl::Status Malformed(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

// Parses one "addresses" array into `server`; unknown protocols are
// ignored (the RFC names only udp and tcp).
absl::Status ParseAddresses(const json& entry, const std::string& where,
                            ListedServer* server) {
  auto it = entry.find("addresses");
  if (it == entry.end()) return Malformed(where, "no \"addresses\"");
  if (!it->is_array()) return Malformed(where + ".addresses", "not an array");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& a = (*it)[i];
    std::string at = absl::StrCat(where, ".addresses[", i, "]");
    if (!a.is_object() || !a.contains("protocol") || !a.contains("address") ||
        !a["protocol"].is_string() || !a["address"].is_string()) {
      return Malformed(at, "needs string \"protocol\" and \"address\"");
    }
    std::string protocol =
        absl::AsciiStrToLower(a["protocol"].get<std::string>());
    if (protocol != "udp" && protocol != "tcp") continue;
    absl::StatusOr<HostPort> hp =
        ParseHostPort(a["address"].get<std::string>());
    if (!hp.ok()) return Malformed(at + ".address", hp.status().message());
    std::optional<HostPort>& slot =
        protocol == "udp" ? server->udp : server->tcp;
    if (!slot.has_value()) slot = *hp;
  }
  return absl::OkStatus();
}

// Parses one entry. Returns a non-OK status for a malformed list; sets
// `*skip` to a reason when the entry is well-formed but unusable.
absl::StatusOr<ListedServer> ParseEntry(const json& entry,
                                        const std::string& where,
                                        std::string* skip) {
  if (!entry.is_object()) return Malformed(where, "not an object");
  ListedServer s;
  if (!entry.contains("name") || !entry["name"].is_string()) {
    return Malformed(where, "no string \"name\"");
  }
  s.name = entry["name"].get<std::string>();
  std::string key_type = "ed25519";
  if (entry.contains("publicKeyType")) {
    if (!entry["publicKeyType"].is_string()) {
      return Malformed(where + ".publicKeyType", "not a string");
    }
    key_type = absl::AsciiStrToLower(entry["publicKeyType"].get<std::string>());
  }
  if (!entry.contains("publicKey") || !entry["publicKey"].is_string()) {
    return Malformed(where, "no string \"publicKey\"");
  }
  if (key_type != "ed25519") {
    *skip = absl::StrCat("skipped '", s.name, "': key type '", key_type,
                         "' is not supported (only ed25519)");
    return s;
  }
  absl::StatusOr<Bytes> key =
      DecodeKeyText(entry["publicKey"].get<std::string>(), kPublicKeySize);
  if (!key.ok()) {
    return Malformed(where + ".publicKey", "not base64 of a 32-byte key");
  }
  std::copy(key->begin(), key->end(), s.public_key.begin());

  std::optional<uint64_t> number;
  std::optional<std::string> text;
  bool present = entry.contains("version") && !entry["version"].is_null();
  if (present) {
    const json& v = entry["version"];
    if (v.is_number_unsigned()) {
      number = v.get<uint64_t>();
      s.version_label = std::to_string(*number);
    } else if (v.is_string()) {
      text = v.get<std::string>();
      s.version_label = *text;
    } else {
      return Malformed(where + ".version",
                       "neither a non-negative integer nor a string");
    }
  } else {
    s.version_label = "(none)";
  }
  std::optional<Offer> offer = OfferForListedVersion(number, text, present);
  if (!offer.has_value()) {
    *skip = absl::StrCat("skipped '", s.name, "': unknown version '",
                         s.version_label, "'");
    return s;
  }
  s.offer = *offer;
  absl::Status a = ParseAddresses(entry, where, &s);
  if (!a.ok()) return a;
  if (!s.udp.has_value() && !s.tcp.has_value()) {
    *skip = absl::StrCat("skipped '", s.name, "': no udp or tcp address");
  }
  return s;
}

}  // namespace

ServerTarget ListedServer::ToTarget() const {
  ServerTarget t;
  t.name = name;
  t.has_udp = udp.has_value();
  t.has_tcp = true;
  t.udp = udp.value_or(tcp.value_or(HostPort{}));
  t.tcp = tcp.value_or(t.udp);
  t.root_key = public_key;
  t.offer = offer;
  return t;
}

std::optional<Offer> OfferForListedVersion(
    const std::optional<uint64_t>& number,
    const std::optional<std::string>& text, bool present) {
  if (!present) return SingleVersionOffer(Version::kGoogle);
  if (number.has_value()) {
    if (*number == 1) return DefaultOffer();
    if (*number == kDraftGoogleNumber) {
      return SingleVersionOffer(Version::kGoogle);
    }
    if (*number > 0xffffffffu) return std::nullopt;
    std::optional<Version> v = VersionFromWire(static_cast<uint32_t>(*number));
    if (!v.has_value() || *v == Version::kGoogle) return std::nullopt;
    return SingleVersionOffer(*v);
  }
  if (text.has_value()) {
    if (absl::EqualsIgnoreCase(*text, "IETF-Roughtime")) return AnyIetfOffer();
    if (absl::EqualsIgnoreCase(*text, "Google-Roughtime")) {
      return SingleVersionOffer(Version::kGoogle);
    }
  }
  return std::nullopt;
}

absl::StatusOr<ServerList> ParseServerList(absl::string_view json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // nlohmann's non-throwing parse gives no position; parse again with
    // exceptions to get one line saying where the syntax breaks. Catch
    // every json::exception, not only parse_error: a number too large for
    // a double (e.g. 1e999) is out_of_range 406 (found by
    // server_list_fuzzer; it used to abort the client).
    try {
      json ignored = json::parse(json_text);
      (void)ignored;
    } catch (const json::exception& e) {
      std::string what = e.what();
      size_t cut = what.find("] ");
      if (cut != std::string::npos) what = what.substr(cut + 2);
      // The message quotes the offending token, which can be long.
      constexpr size_t kMaxMessage = 160;
      if (what.size() > kMaxMessage) what = what.substr(0, kMaxMessage) + "...";
      return absl::InvalidArgumentError(absl::StrCat("not JSON: ", what));
    }
    return absl::InvalidArgumentError("not JSON");
  }
  if (!doc.is_object()) {
    return absl::InvalidArgumentError("the list is not a JSON object");
  }
  auto servers = doc.find("servers");
  if (servers == doc.end() || !servers->is_array()) {
    return absl::InvalidArgumentError("no \"servers\" array");
  }
  ServerList list;
  for (size_t i = 0; i < servers->size(); ++i) {
    std::string skip;
    std::string where = absl::StrCat("servers[", i, "]");
    absl::StatusOr<ListedServer> s = ParseEntry((*servers)[i], where, &skip);
    if (!s.ok()) return s.status();
    if (!skip.empty()) {
      list.notes.push_back(skip);
      continue;
    }
    list.servers.push_back(*std::move(s));
  }
  auto reports = doc.find("reports");
  if (reports != doc.end()) {
    if (!reports->is_string()) {
      return absl::InvalidArgumentError("\"reports\" is not a string");
    }
    list.reports_url = reports->get<std::string>();
  }
  return list;
}

absl::StatusOr<ServerList> ReadServerList(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read the server list"));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<ServerList> list = ParseServerList(text.str());
  if (!list.ok()) {
    return absl::Status(list.status().code(),
                        absl::StrCat(path, ": ", list.status().message()));
  }
  return list;
}

absl::StatusOr<ListedServer> FindServer(const ServerList& list,
                                        absl::string_view name) {
  for (const ListedServer& s : list.servers) {
    if (s.name == name) return s;
  }
  for (const ListedServer& s : list.servers) {
    if (absl::EqualsIgnoreCase(s.name, name)) return s;
  }
  return absl::NotFoundError(
      absl::StrCat("no usable server named '", name, "' in the list"));
}

}  // namespace roughtime::client
