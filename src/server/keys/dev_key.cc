#include "server/keys/dev_key.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "roughtime/bytes.h"
#include "roughtime/keyfile.h"

namespace roughtime::server {
namespace {

// mkdir -p for the key's directory, private to the user.
absl::Status MakeParentDirectories(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot create directory ", dir, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DevRootKey> LoadOrCreateDevRootKey(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return absl::UnavailableError(
          absl::StrCat("cannot stat ", path, ": ", std::strerror(errno)));
    }
    absl::Status dirs = MakeParentDirectories(path);
    if (!dirs.ok()) return dirs;
    Seed seed{};
    RandomBytes(absl::MakeSpan(seed));
    absl::Status written = WriteSeedFile(path, seed, /*overwrite=*/false);
    DevRootKey result{SigningKey::FromSeed(seed), true};
    explicit_bzero(seed.data(), seed.size());
    if (written.ok()) return result;
    // Another process made it in between: use that one.
    if (!absl::IsAlreadyExists(written)) return written;
  }
  absl::StatusOr<Seed> seed = ReadSeedFile(path);
  if (!seed.ok()) return seed.status();
  DevRootKey result{SigningKey::FromSeed(*seed), false};
  explicit_bzero(seed->data(), seed->size());
  return result;
}

std::string ClientPathFor(absl::string_view server_argv0) {
  const size_t slash = server_argv0.rfind('/');
  if (slash == absl::string_view::npos) return "roughtime";
  absl::string_view dir = server_argv0.substr(0, slash);
  constexpr absl::string_view kServerDir = "src/server";
  if (dir == kServerDir) return "tools/client/roughtime";
  if (absl::EndsWith(dir, absl::StrCat("/", kServerDir))) {
    dir.remove_suffix(kServerDir.size());  // keeps the trailing '/'
    return absl::StrCat(dir, "tools/client/roughtime");
  }
  return "roughtime";
}

SocketAddress QueryAddressFor(const SocketAddress& bound) {
  if (!bound.is_wildcard()) return bound;
  absl::StatusOr<SocketAddress> loopback =
      ParseSocketAddress("127.0.0.1", bound.port());
  return loopback.ok() ? *loopback : bound;
}

std::string QueryCommand(absl::string_view client_path,
                         const SocketAddress& address,
                         const PublicKey& root_public_key) {
  return absl::StrCat(client_path, " query ", address.ToString(), " --key ",
                      Base64Encode(root_public_key));
}

std::vector<std::string> DevModeBanner(const std::string& key_path,
                                       bool created,
                                       const PublicKey& root_public_key,
                                       const std::string& query_command) {
  return {
      absl::StrCat("development mode: root key ", key_path,
                   created ? " (created, mode 0600)" : " (existing)",
                   "; not for production, see docs/OPERATIONS.md"),
      absl::StrCat("root public key (base64): ",
                   Base64Encode(root_public_key)),
      absl::StrCat("root public key (hex): ", HexEncode(root_public_key)),
      absl::StrCat("query this server with: ", query_command),
  };
}

}  // namespace roughtime::server
