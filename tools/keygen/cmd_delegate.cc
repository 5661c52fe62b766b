// `delegate`: a fresh online key and one CERT per signature family
// (RFC 10049 §5.2.5-§5.2.6; docs/PROTOCOL.md for the pre-RFC families),
// signed by the root key and written to a file the server loads without
// ever seeing the root key.
#include <sys/stat.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "args.h"
#include "commands.h"
#include "flags.h"
#include "keys/delegation_format.h"
#include "keys/protected_file.h"
#include "roughtime/certificate.h"
#include "roughtime/keyfile.h"
#include "time_arg.h"

namespace roughtime::keygen {
namespace {

inline constexpr char kDefaultDelegationPath[] = "keys/delegation.json";

// --force must never turn `delegate --out keys/root.key` into the loss of
// the root key.
bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 &&
         sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

int RunDelegate(const std::vector<std::string>& args) {
  static constexpr absl::string_view kAllowed[] = {
      "root", "not-before", "not-after", "out", "force", "allow-long-window"};
  std::vector<std::string> positional;
  if (absl::Status s = ParseCommandArgs(args, kAllowed, {}, &positional);
      !s.ok()) {
    return UsageError(s.message());
  }
  if (!positional.empty()) {
    return UsageError(absl::StrCat("delegate takes no arguments, got \"",
                                   positional[0], "\""));
  }
  const std::string root_path = absl::GetFlag(FLAGS_root);
  if (root_path.empty()) return UsageError("delegate needs --root KEYFILE");
  std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) out = kDefaultDelegationPath;

  const absl::Time now = absl::Now();
  absl::StatusOr<int64_t> mint =
      ParseTimeArg(absl::GetFlag(FLAGS_not_before), now);
  if (!mint.ok()) {
    return UsageError(absl::StrCat("--not-before: ", mint.status().message()));
  }
  absl::StatusOr<int64_t> maxt =
      ParseTimeArg(absl::GetFlag(FLAGS_not_after), now);
  if (!maxt.ok()) {
    return UsageError(absl::StrCat("--not-after: ", maxt.status().message()));
  }
  WindowPolicy policy;
  policy.allow_long_window = absl::GetFlag(FLAGS_allow_long_window);
  if (absl::Status s = CheckWindow(*mint, *maxt, now, policy); !s.ok()) {
    return Fail(s);
  }
  if (SameFile(root_path, out)) {
    return Fail(absl::StrCat("--out ", out, " is the root key file itself"));
  }

  absl::StatusOr<Seed> seed = ReadSeedFile(root_path);
  if (!seed.ok()) return Fail(seed.status());
  keys::ScopedWipe<Seed> wipe(&*seed);
  const SigningKey root = SigningKey::FromSeed(*seed);
  const DelegationWindow window{static_cast<uint64_t>(*mint),
                                static_cast<uint64_t>(*maxt)};
  const OnlineIdentity identity =
      DelegateOnlineKey(root, window, VersionSet::All());
  if (absl::Status s =
          WriteDelegationFile(out, identity, absl::GetFlag(FLAGS_force));
      !s.ok()) {
    if (absl::IsAlreadyExists(s)) {
      return Fail(absl::StrCat(out, " already exists; not overwriting it "
                               "(pass --force to replace it)"));
    }
    return Fail(s);
  }

  std::cout << "wrote a delegation to " << out
            << " (mode 0600; holds the online private key, not the root "
               "key)\n";
  PrintPublicKey("online ", identity.online_key.public_key(), false);
  PrintPublicKey("root ", root.public_key());
  std::cout << "not before (MINT): " << FormatRfc3339(*mint) << " (" << *mint
            << ")\n"
            << "not after (MAXT):  " << FormatRfc3339(*maxt) << " (" << *maxt
            << ")\n"
            << "window length:     " << FormatDuration(*maxt - *mint) << "\n"
            << "certificates:     ";
  for (size_t i = 0; i < kNumCertFamilies; ++i) {
    if (!identity.certs[i].empty()) {
      std::cout << " " << keys::CertFamilyKey(static_cast<CertFamily>(i));
    }
  }
  std::cout << "\n";
  return kExitOk;
}

}  // namespace roughtime::keygen
