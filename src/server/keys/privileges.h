// Dropping root after start-up (--user, --group): roughtimed binds its
// sockets (port 2002 or 5319 need no privilege, but an operator may give a
// port below 1024, a large SO_RCVBUF or BPF programs) and reads its key
// files as root, then becomes an unprivileged user before any request is
// read, so a bug in request handling cannot act as root. Afterwards SIGHUP
// reloads (key_keeper.h) read the key files as that user.
#ifndef ROUGHTIME_SERVER_KEYS_PRIVILEGES_H_
#define ROUGHTIME_SERVER_KEYS_PRIVILEGES_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/config/privilege_flags.h"

namespace roughtime::server {

// The user and group looked up in the system's databases.
struct TargetIds {
  std::string user;
  std::string group;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Looks the names up (getpwnam_r/getgrnam_r; a number is taken as an id
// when no entry has that name). NotFound names the unknown user or group.
absl::StatusOr<TargetIds> ResolveTargetIds(const PrivilegeOptions& options);

// OK when DropPrivileges(target) can work: running as root, or already as
// `target`. Checked before binding so that this error is the only line.
absl::Status CheckCanBecome(const TargetIds& target);

// Becomes `target` for good: supplementary groups dropped (setgroups),
// then setgid, then setuid (this order: after setuid the gid could no
// longer be changed), then checks that root cannot be regained. As a
// non-root user this only succeeds when `target` is who we already are
// (PermissionDenied otherwise). Call before any other thread starts.
absl::Status DropPrivileges(const TargetIds& target);

// "running as user NAME (uid N), group NAME (gid M)".
std::string DescribeRunningAs(const TargetIds& target);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_KEYS_PRIVILEGES_H_
