#include "flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, out, "",
          "output file (generate: keys/root.key, delegate: "
          "keys/delegation.json)");
ABSL_FLAG(bool, force, false, "replace an existing output file");
ABSL_FLAG(std::string, root, "", "root key file that signs the delegation");
ABSL_FLAG(std::string, not_before, "-1h",
          "start of the delegation window (MINT)");
ABSL_FLAG(std::string, not_after, "+30d",
          "end of the delegation window (MAXT)");
ABSL_FLAG(bool, allow_long_window, false,
          "allow delegation windows longer than 366 days");
ABSL_FLAG(std::string, name, "", "display name of the server");
ABSL_FLAG(std::vector<std::string>, address, {},
          "UDP address HOST:PORT (repeatable)");
ABSL_FLAG(std::vector<std::string>, tcp_address, {},
          "TCP address HOST:PORT (repeatable)");
ABSL_FLAG(std::string, key, "", "root key file to take the public key from");
ABSL_FLAG(std::string, public_key, "", "root public key, base64 or hex");
