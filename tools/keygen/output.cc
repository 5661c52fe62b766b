// Printing shared by the subcommands, and the usage text.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "commands.h"
#include "roughtime/bytes.h"

namespace roughtime::keygen {

int Fail(absl::string_view message) {
  std::cerr << "roughtime-keygen: error: "
            << absl::StrReplaceAll(message, {{"\n", "\\n"}, {"\r", "\\r"}})
            << std::endl;
  return kExitFailure;
}

int Fail(const absl::Status& status) { return Fail(status.message()); }

int UsageError(absl::string_view message) {
  Fail(absl::StrCat(message, " (see roughtime-keygen help)"));
  return kExitUsage;
}

void PrintPublicKey(absl::string_view prefix, const PublicKey& key,
                    bool with_srv) {
  std::cout << prefix << "public key (base64): " << Base64Encode(key) << "\n"
            << prefix << "public key (hex):    " << HexEncode(key) << "\n";
  if (with_srv) {
    std::cout << prefix << "SRV (hex):           "
              << HexEncode(ComputeSrv(key)) << "\n";
  }
}

std::string UsageText(absl::string_view command) {
  static constexpr absl::string_view kGenerate =
      "  roughtime-keygen generate [--out FILE] [--force]\n"
      "      New root key from 32 random bytes, written as hex with mode 0600\n"
      "      (default keys/root.key). Prints its public key and SRV.\n";
  static constexpr absl::string_view kPublic =
      "  roughtime-keygen public KEYFILE\n"
      "      The public key (base64, hex) and SRV of a root key file.\n";
  static constexpr absl::string_view kDelegate =
      "  roughtime-keygen delegate --root KEYFILE [--not-before T] "
      "[--not-after T]\n"
      "                            [--out FILE] [--force] "
      "[--allow-long-window]\n"
      "      Fresh online key delegated by the root key for every version\n"
      "      (default keys/delegation.json, window -1h .. +30d). T is RFC 3339\n"
      "      (2026-11-25T00:00:00Z), a date, Unix seconds, now, or +30d, -1h,\n"
      "      now+2w (units s m h d w). Windows over 366 days need\n"
      "      --allow-long-window.\n";
  static constexpr absl::string_view kInspect =
      "  roughtime-keygen inspect FILE\n"
      "      What a root key or delegation file holds (public parts only),\n"
      "      whether each CERT verifies and whether the window is current.\n";
  static constexpr absl::string_view kServerEntry =
      "  roughtime-keygen server-entry --name NAME --address HOST:PORT "
      "[--address ...]\n"
      "                                [--tcp-address HOST:PORT ...]\n"
      "                                (--key KEYFILE | --public-key KEY)\n"
      "      The RFC 10049 section 8.3 server-list JSON entry for a server.\n";
  if (command == "generate") return std::string(kGenerate);
  if (command == "public") return std::string(kPublic);
  if (command == "delegate") return std::string(kDelegate);
  if (command == "inspect") return std::string(kInspect);
  if (command == "server-entry") return std::string(kServerEntry);
  return absl::StrCat(
      "roughtime-keygen: Roughtime root keys and delegations (RFC 10049)\n"
      "usage:\n",
      kGenerate, kPublic, kDelegate, kInspect, kServerEntry,
      "  roughtime-keygen --version\n"
      "      This program's version.\n"
      "Key files: docs/KEYS.md. Exit status: 0 ok, 1 failure, 2 usage "
      "error.\n");
}

}  // namespace roughtime::keygen
