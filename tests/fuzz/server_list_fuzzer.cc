// Server lists (RFC 10049 §8.3) are downloaded from the network: any text
// must give a list or an error naming where it went wrong, never a crash or
// an exception escaping (nlohmann-json throws on type mismatches).
#include <cstddef>
#include <cstdint>

#include "client/server_list.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace roughtime;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<client::ServerList> list = client::ParseServerList(text);
  if (!list.ok()) {
    if (list.status().message().empty()) {
      fuzz::InvariantFailed("server list rejected without a reason");
    }
    return 0;
  }
  for (const client::ListedServer& server : list->servers) {
    if (!server.udp && !server.tcp) {
      fuzz::InvariantFailed("listed server without any address");
    }
    (void)server.ToTarget();
    absl::StatusOr<client::ListedServer> found =
        client::FindServer(*list, server.name);
    if (!found.ok()) fuzz::InvariantFailed("listed server not found by name");
  }
  return 0;
}
