// `generate` and `public`: making a root key and showing its public half.
// The root key is an Ed25519 seed from the OS CSPRNG, expanded by the RFC
// 8032 §5.1.5 procedure as RFC 10049 §9.3 requires (core SigningKey).
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "args.h"
#include "commands.h"
#include "flags.h"
#include "keys/protected_file.h"
#include "roughtime/keyfile.h"

namespace roughtime::keygen {

inline constexpr char kDefaultRootKeyPath[] = "keys/root.key";

int RunGenerate(const std::vector<std::string>& args) {
  static constexpr absl::string_view kAllowed[] = {"out", "force"};
  std::vector<std::string> positional;
  if (absl::Status s = ParseCommandArgs(args, kAllowed, {}, &positional);
      !s.ok()) {
    return UsageError(s.message());
  }
  if (!positional.empty()) {
    return UsageError(absl::StrCat("generate takes no arguments, got \"",
                                   positional[0], "\""));
  }
  std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) out = kDefaultRootKeyPath;
  const bool force = absl::GetFlag(FLAGS_force);

  const SigningKey key = SigningKey::Generate();
  Seed seed = key.seed();
  keys::ScopedWipe<Seed> wipe(&seed);
  if (absl::Status s = WriteSeedFile(out, seed, force); !s.ok()) {
    if (absl::IsAlreadyExists(s)) {
      return Fail(absl::StrCat(out, " already exists; not overwriting a key "
                               "(pass --force to replace it)"));
    }
    return Fail(s);
  }
  std::cout << "wrote a new root key to " << out
            << " (mode 0600); keep it secret, ideally offline\n";
  PrintPublicKey("", key.public_key());
  return kExitOk;
}

int RunPublic(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  if (absl::Status s = ParseCommandArgs(args, {}, {}, &positional); !s.ok()) {
    return UsageError(s.message());
  }
  if (positional.size() != 1) {
    return UsageError("public needs exactly one KEYFILE");
  }
  absl::StatusOr<Seed> seed = ReadSeedFile(positional[0]);
  if (!seed.ok()) return Fail(seed.status());
  keys::ScopedWipe<Seed> wipe(&*seed);
  const SigningKey key = SigningKey::FromSeed(*seed);
  PrintPublicKey("", key.public_key());
  return kExitOk;
}

}  // namespace roughtime::keygen
