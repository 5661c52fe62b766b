// `inspect`: what a root key or delegation file holds, without ever showing
// private bytes; for a delegation, whether every CERT verifies under the
// root key (RFC 10049 §5.4 checks a client would make) and whether the
// window covers the present.
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "args.h"
#include "commands.h"
#include "keys/delegation_format.h"
#include "keys/protected_file.h"
#include "keys/seed_text.h"
#include "time_arg.h"

namespace roughtime::keygen {
namespace {

int InspectRootKey(const std::string& path, absl::string_view contents) {
  absl::StatusOr<Seed> seed = keys::ParseSeedContents(contents, path);
  if (!seed.ok()) return Fail(seed.status());
  keys::ScopedWipe<Seed> wipe(&*seed);
  const SigningKey key = SigningKey::FromSeed(*seed);
  std::cout << "file: " << path << "\n"
            << "type: root key (Ed25519 seed; private bytes not shown)\n";
  PrintPublicKey("", key.public_key());
  return kExitOk;
}

std::string WindowStatus(const DelegationWindow& w, int64_t now) {
  const int64_t mint = static_cast<int64_t>(w.mint_seconds);
  const int64_t maxt = static_cast<int64_t>(w.maxt_seconds);
  if (now < mint) {
    return absl::StrCat("not yet valid (starts in ", FormatDuration(mint - now),
                        ")");
  }
  if (now > maxt) {
    return absl::StrCat("expired (", FormatDuration(now - maxt), " ago)");
  }
  return absl::StrCat("valid now (expires in ", FormatDuration(maxt - now),
                      ")");
}

int InspectDelegation(const std::string& path, absl::string_view text) {
  absl::StatusOr<keys::DelegationContents> contents =
      keys::ParseDelegationText(text, path);
  if (!contents.ok()) return Fail(contents.status());
  const keys::DelegationContents& d = *contents;
  const absl::Status online_ok = keys::CheckOnlineKey(d);
  std::cout << "file: " << path << "\n"
            << "type: delegation (" << keys::kDelegationFormatName
            << " version " << keys::kDelegationFormatVersion
            << "; online private key not shown)\n";
  PrintPublicKey("online ", d.online_public_key, false);
  std::cout << "online key matches its seed: "
            << (online_ok.ok() ? "yes" : "NO") << "\n";
  PrintPublicKey("root ", d.root_public_key);
  // Windows past 9999 can only come from a hand-made file; print seconds.
  const auto when = [](uint64_t s) {
    return s <= static_cast<uint64_t>(kLastRfc3339Second)
               ? FormatRfc3339(static_cast<int64_t>(s))
               : std::string("after year 9999");
  };
  std::cout << "not before (MINT): " << when(d.window.mint_seconds) << " ("
            << d.window.mint_seconds << ")\n"
            << "not after (MAXT):  " << when(d.window.maxt_seconds) << " ("
            << d.window.maxt_seconds << ")\n"
            << "status: "
            << WindowStatus(d.window, absl::ToUnixSeconds(absl::Now()))
            << "\n";
  int bad = online_ok.ok() ? 0 : 1;
  for (size_t i = 0; i < kNumCertFamilies; ++i) {
    const CertFamily family = static_cast<CertFamily>(i);
    std::cout << "certificate " << keys::CertFamilyDescription(family) << ": ";
    if (!d.certs[i]) {
      std::cout << "absent\n";
      continue;
    }
    const absl::Status s = keys::CheckCertificate(d, family);
    if (s.ok()) {
      std::cout << "signature OK\n";
    } else {
      ++bad;
      std::cout << "INVALID: " << s.message() << "\n";
    }
  }
  std::cout.flush();
  if (bad > 0) {
    return Fail(absl::StrCat("delegation file ", path, " has ", bad,
                             " problem(s); a server must not load it"));
  }
  return kExitOk;
}

}  // namespace

int RunInspect(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  if (absl::Status s = ParseCommandArgs(args, {}, {}, &positional); !s.ok()) {
    return UsageError(s.message());
  }
  if (positional.size() != 1) return UsageError("inspect needs exactly one FILE");
  const std::string& path = positional[0];
  std::string contents;
  keys::ScopedWipe<std::string> wipe(&contents);
  if (absl::Status s =
          keys::ReadPrivateFile(path, "key or delegation file", &contents);
      !s.ok()) {
    return Fail(s);
  }
  const absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(contents);
  if (!trimmed.empty() && trimmed.front() == '{') {
    return InspectDelegation(path, contents);
  }
  return InspectRootKey(path, contents);
}

}  // namespace roughtime::keygen
