#include "server/keys/privileges.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace roughtime::server {
namespace {

constexpr size_t kLookupBuffer = 16 * 1024;

absl::Status ErrnoStatus(absl::string_view what) {
  const int error = errno;
  return absl::ErrnoToStatus(error, absl::StrCat(what, ": ",
                                                 std::strerror(error)));
}

}  // namespace

absl::StatusOr<TargetIds> ResolveTargetIds(const PrivilegeOptions& options) {
  TargetIds target;
  std::vector<char> buffer(kLookupBuffer);
  passwd pw;
  passwd* found_user = nullptr;
  int error = getpwnam_r(options.user.c_str(), &pw, buffer.data(),
                         buffer.size(), &found_user);
  uint32_t number = 0;
  if (found_user == nullptr && error == 0 &&
      absl::SimpleAtoi(options.user, &number)) {
    error = getpwuid_r(number, &pw, buffer.data(), buffer.size(),
                       &found_user);
  }
  if (error != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot look up user '", options.user, "': ", std::strerror(error)));
  }
  if (found_user == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("--user: no such user '", options.user, "'"));
  }
  target.user = pw.pw_name;
  target.uid = pw.pw_uid;
  target.gid = pw.pw_gid;

  group gr;
  group* found_group = nullptr;
  if (options.group.empty()) {
    error = getgrgid_r(target.gid, &gr, buffer.data(), buffer.size(),
                       &found_group);
  } else {
    error = getgrnam_r(options.group.c_str(), &gr, buffer.data(),
                       buffer.size(), &found_group);
    if (found_group == nullptr && error == 0 &&
        absl::SimpleAtoi(options.group, &number)) {
      error = getgrgid_r(number, &gr, buffer.data(), buffer.size(),
                         &found_group);
    }
  }
  if (error != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot look up group: ", std::strerror(error)));
  }
  if (found_group == nullptr) {
    if (!options.group.empty()) {
      return absl::NotFoundError(
          absl::StrCat("--group: no such group '", options.group, "'"));
    }
    // A primary gid without a name in /etc/group is legal; show the number.
    target.group = absl::StrCat(target.gid);
  } else {
    target.group = gr.gr_name;
    target.gid = gr.gr_gid;
  }
  return target;
}

absl::Status CheckCanBecome(const TargetIds& target) {
  if (geteuid() == 0) return absl::OkStatus();
  // Without root we cannot become anyone else; becoming ourselves is
  // allowed so the same unit file works under a non-root supervisor.
  if (getuid() == target.uid && geteuid() == target.uid &&
      getgid() == target.gid && getegid() == target.gid) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "--user ", target.user, " needs root to switch users (running as uid ",
      geteuid(), ")"));
}

absl::Status DropPrivileges(const TargetIds& target) {
  if (absl::Status s = CheckCanBecome(target); !s.ok()) return s;
  if (geteuid() != 0) return absl::OkStatus();  // already `target`
  // Supplementary groups first: root's (e.g. disk, adm) must not survive.
  if (setgroups(0, nullptr) != 0) return ErrnoStatus("setgroups");
  // setresgid/setresuid set the real, effective and saved ids together, so
  // no saved id is left to switch back to.
  if (setresgid(target.gid, target.gid, target.gid) != 0) {
    return ErrnoStatus(absl::StrCat("setgid ", target.gid));
  }
  if (setresuid(target.uid, target.uid, target.uid) != 0) {
    return ErrnoStatus(absl::StrCat("setuid ", target.uid));
  }
  if (target.uid != 0) {
    // The drop is only real if root cannot be regained.
    if (setuid(0) == 0 || seteuid(0) == 0) {
      return absl::InternalError(
          "privileges not dropped: could switch back to uid 0");
    }
    if (target.gid != 0 && (setgid(0) == 0 || setegid(0) == 0)) {
      return absl::InternalError(
          "privileges not dropped: could switch back to gid 0");
    }
  }
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (getresuid(&ruid, &euid, &suid) != 0 ||
      getresgid(&rgid, &egid, &sgid) != 0 || ruid != target.uid ||
      euid != target.uid || suid != target.uid || rgid != target.gid ||
      egid != target.gid || sgid != target.gid ||
      getgroups(0, nullptr) != 0) {
    return absl::InternalError("privileges not dropped: ids did not change");
  }
  return absl::OkStatus();
}

std::string DescribeRunningAs(const TargetIds& target) {
  return absl::StrCat("running as user ", target.user, " (uid ", target.uid,
                      "), group ", target.group, " (gid ", target.gid, ")");
}

}  // namespace roughtime::server
