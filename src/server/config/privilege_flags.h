// --user and --group: who roughtimed becomes after binding its sockets and
// reading its keys (keys/privileges.h does the dropping). Kept apart from
// server_config.cc so the privilege options live in one place.
#ifndef ROUGHTIME_SERVER_CONFIG_PRIVILEGE_FLAGS_H_
#define ROUGHTIME_SERVER_CONFIG_PRIVILEGE_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"

namespace roughtime::server {

// What the flags asked for; an empty user means "stay as started".
struct PrivilegeOptions {
  std::string user;   // --user NAME (or a numeric uid)
  std::string group;  // --group NAME; empty: the user's primary group
};

// From --user/--group. A usage error (InvalidArgument) for --group without
// --user.
absl::StatusOr<PrivilegeOptions> PrivilegeOptionsFromFlags();

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_CONFIG_PRIVILEGE_FLAGS_H_
