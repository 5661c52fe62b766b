// Server lists (RFC 10049 §8.3, application/roughtime-server+json) and the
// older shapes still published: Cloudflare's string versions
// ("IETF-Roughtime" / "Google-Roughtime") and Google's lists without any
// version (fact sheet §8).
#ifndef ROUGHTIME_CLIENT_SERVER_LIST_H_
#define ROUGHTIME_CLIENT_SERVER_LIST_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "client/endpoint.h"
#include "client/exchange.h"
#include "client/offer.h"
#include "roughtime/crypto.h"

namespace roughtime::client {

struct ListedServer {
  std::string name;
  std::string version_label;  // as written: "1", "IETF-Roughtime", "(none)"
  Offer offer = DefaultOffer();
  PublicKey public_key{};
  std::optional<HostPort> udp;
  std::optional<HostPort> tcp;

  // The query target: TCP goes to the listed TCP address, or to the UDP
  // host and port when none is listed (the RFC port 5319 is both).
  ServerTarget ToTarget() const;
};

struct ServerList {
  std::vector<ListedServer> servers;
  // One line per entry that was skipped and why (unknown key type, unknown
  // version, no usable address).
  std::vector<std::string> notes;
  std::optional<std::string> reports_url;
};

// Errors name the JSON path of the problem ("servers[2].publicKey: ...").
absl::StatusOr<ServerList> ParseServerList(absl::string_view json_text);
// Same, reading `path`; errors start with the path.
absl::StatusOr<ServerList> ReadServerList(const std::string& path);

// The listed server called `name` (exact match first, then ignoring case).
absl::StatusOr<ListedServer> FindServer(const ServerList& list,
                                        absl::string_view name);

// What a list's "version" value asks us to offer; nullopt for numbers and
// strings we do not know. Integer: the highest version the server speaks
// (§8.3); 1 means RFC 10049 (we also offer 0x8000000c, which RFC servers
// commonly keep). Strings: Cloudflare's names. Missing: Google.
std::optional<Offer> OfferForListedVersion(const std::optional<uint64_t>& number,
                                           const std::optional<std::string>& text,
                                           bool present);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_SERVER_LIST_H_
