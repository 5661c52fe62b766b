#include "server/check_config.h"

#include <sys/stat.h>

#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "roughtime/bytes.h"
#include "roughtime/version.h"
#include "server/base/log.h"
#include "server/keys/identity.h"

namespace roughtime::server {
namespace {

std::string ListenList(const ServerConfig& config) {
  std::vector<std::string> addresses;
  for (const SocketAddress& a : config.listen) {
    addresses.push_back(a.ToString());
  }
  return absl::StrCat(absl::StrJoin(addresses, " "),
                      config.tcp.enabled ? " (udp and tcp)" : " (udp)");
}

std::string Time(uint64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(
                              static_cast<int64_t>(unix_seconds)),
                          absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<std::string> CheckConfiguration(const ServerConfig& config,
                                               const std::string& config_file,
                                               absl::Time now) {
  std::string key;
  VersionSet served = config.batcher.served;
  struct stat st;
  if (config.key_source == KeySource::kDev &&
      lstat(config.key_path.c_str(), &st) != 0) {
    // LoadServingIdentity would create it; a check must change nothing.
    key = absl::StrCat("development key ", config.key_path,
                       " (missing: it will be created at start)");
  } else {
    absl::StatusOr<ServingIdentity> identity =
        LoadServingIdentity(config, now);
    if (!identity.ok()) return identity.status();
    served = identity->served;
    const std::string root =
        Base64Encode(identity->identity.root_public_key);
    switch (config.key_source) {
      case KeySource::kDev:
        key = absl::StrCat("development key ", config.key_path,
                           " (root public key ", root, ")");
        break;
      case KeySource::kRootKey:
        key = absl::StrCat("root-key ", config.key_path, " (root public key ",
                           root, ")");
        break;
      case KeySource::kDelegation:
        key = absl::StrCat(
            "delegation ", config.key_path, " (root public key ", root,
            ", valid until ", Time(identity->identity.window.maxt_seconds),
            ")");
        break;
    }
  }
  return absl::StrCat(
      "configuration OK\n", "config file: ",
      config_file.empty() ? "none" : config_file, "\n", "key: ", key, "\n",
      "listen: ", ListenList(config), "\n", "versions: ", VersionSetNames(served),
      "\n", "workers: ", config.workers, "\n");
}

int RunCheckConfig(const ServerConfig& config,
                   const std::string& config_file) {
  absl::StatusOr<std::string> summary =
      CheckConfiguration(config, config_file, absl::Now());
  if (!summary.ok()) {
    Log(summary.status().message());
    return 2;
  }
  std::fwrite(summary->data(), 1, summary->size(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace roughtime::server
