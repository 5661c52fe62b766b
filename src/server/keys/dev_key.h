// Development mode (`roughtimed --dev`, and the default with no key flags):
// a root key kept in keys/dev-root.key under the current directory, made on
// first use, and a banner telling the developer how to query the server.
// Not for production: the root key then lives on the serving host.
#ifndef ROUGHTIME_SERVER_KEYS_DEV_KEY_H_
#define ROUGHTIME_SERVER_KEYS_DEV_KEY_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "roughtime/crypto.h"
#include "server/net/socket_address.h"

namespace roughtime::server {

struct DevRootKey {
  SigningKey key;
  bool created = false;  // false: an existing file was read
};

// Reads the seed at `path`, or, when no file is there, generates one and
// writes it (mode 0600, atomically, parent directory made with mode 0700).
absl::StatusOr<DevRootKey> LoadOrCreateDevRootKey(const std::string& path);

// Where the client CLI sits next to this binary: <builddir>/src/server/
// roughtimed -> <builddir>/tools/client/roughtime ("roughtime" when the
// server was not started from a build tree).
std::string ClientPathFor(absl::string_view server_argv0);

// The address a local client should query for a bound socket: loopback in
// place of a wildcard.
SocketAddress QueryAddressFor(const SocketAddress& bound);

// "<client> query <address> --key <base64>"
std::string QueryCommand(absl::string_view client_path,
                         const SocketAddress& address,
                         const PublicKey& root_public_key);

// The lines printed in development mode (without the "roughtimed: " prefix).
std::vector<std::string> DevModeBanner(const std::string& key_path,
                                       bool created,
                                       const PublicKey& root_public_key,
                                       const std::string& query_command);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_KEYS_DEV_KEY_H_
