#include "server/config/privilege_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"

ABSL_FLAG(std::string, user, "",
          "After binding the sockets and reading the key files, drop root "
          "and run as this user (name or uid); needs root. The key files "
          "must then be readable by this user for SIGHUP reloads.");
ABSL_FLAG(std::string, group, "",
          "With --user: run with this group (name or gid) instead of the "
          "user's primary group. Supplementary groups are always dropped.");

namespace roughtime::server {

absl::StatusOr<PrivilegeOptions> PrivilegeOptionsFromFlags() {
  PrivilegeOptions options;
  options.user = absl::GetFlag(FLAGS_user);
  options.group = absl::GetFlag(FLAGS_group);
  if (options.user.empty() && !options.group.empty()) {
    return absl::InvalidArgumentError("--group needs --user");
  }
  return options;
}

}  // namespace roughtime::server
