// `server-entry`: one server of an RFC 10049 §8.3 server list, ready to be
// pasted into the "servers" array.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "address.h"
#include "args.h"
#include "commands.h"
#include "flags.h"
#include "keys/protected_file.h"
#include "nlohmann/json.hpp"
#include "roughtime/bytes.h"
#include "roughtime/keyfile.h"

namespace roughtime::keygen {

int RunServerEntry(const std::vector<std::string>& args) {
  static constexpr absl::string_view kAllowed[] = {
      "name", "address", "tcp-address", "key", "public-key"};
  static constexpr absl::string_view kRepeatable[] = {"address",
                                                      "tcp-address"};
  std::vector<std::string> positional;
  if (absl::Status s =
          ParseCommandArgs(args, kAllowed, kRepeatable, &positional);
      !s.ok()) {
    return UsageError(s.message());
  }
  if (!positional.empty()) {
    return UsageError(absl::StrCat("server-entry takes no arguments, got \"",
                                   positional[0], "\""));
  }
  const std::string name = absl::GetFlag(FLAGS_name);
  if (name.empty()) return UsageError("server-entry needs --name NAME");
  const std::vector<std::string> udp = absl::GetFlag(FLAGS_address);
  const std::vector<std::string> tcp = absl::GetFlag(FLAGS_tcp_address);
  if (udp.empty()) {
    return UsageError("server-entry needs at least one --address HOST:PORT");
  }
  for (const std::vector<std::string>* list : {&udp, &tcp}) {
    for (const std::string& address : *list) {
      if (absl::Status s = CheckServerAddress(address); !s.ok()) {
        return UsageError(s.message());
      }
    }
  }
  const std::string key_path = absl::GetFlag(FLAGS_key);
  const std::string key_text = absl::GetFlag(FLAGS_public_key);
  if (key_path.empty() == key_text.empty()) {
    return UsageError("server-entry needs exactly one of --key KEYFILE and "
                      "--public-key KEY");
  }

  PublicKey public_key;
  if (!key_path.empty()) {
    absl::StatusOr<Seed> seed = ReadSeedFile(key_path);
    if (!seed.ok()) return Fail(seed.status());
    keys::ScopedWipe<Seed> wipe(&*seed);
    public_key = SigningKey::FromSeed(*seed).public_key();
  } else {
    absl::StatusOr<Bytes> decoded = DecodeKeyText(key_text, kPublicKeySize);
    if (!decoded.ok()) {
      return UsageError(absl::StrCat("--public-key: ",
                                     decoded.status().message()));
    }
    std::copy(decoded->begin(), decoded->end(), public_key.begin());
  }

  nlohmann::ordered_json entry;
  entry["name"] = name;
  entry["version"] = 1;  // the highest version served: RFC 10049's
  entry["publicKeyType"] = "ed25519";
  entry["publicKey"] = Base64Encode(public_key);
  nlohmann::ordered_json addresses = nlohmann::ordered_json::array();
  for (const std::string& a : udp) {
    addresses.push_back({{"protocol", "udp"}, {"address", a}});
  }
  for (const std::string& a : tcp) {
    addresses.push_back({{"protocol", "tcp"}, {"address", a}});
  }
  entry["addresses"] = std::move(addresses);
  std::cout << entry.dump(2) << "\n";
  return kExitOk;
}

}  // namespace roughtime::keygen
