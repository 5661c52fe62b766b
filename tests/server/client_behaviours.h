// The deployed Roughtime clients the server must answer, emulated with the
// protocol core's RequestOptions: which versions each offers and in what
// order, whether it sends TYPE and SRV, and how big its packet is (as each
// client's source and captured packets show; docs/PROTOCOL.md, "Negotiation").
#ifndef ROUGHTIME_TESTS_SERVER_CLIENT_BEHAVIOURS_H_
#define ROUGHTIME_TESTS_SERVER_CLIENT_BEHAVIOURS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "roughtime/version.h"

namespace roughtime::server::testing {

struct ClientBehaviour {
  std::string name;  // usable as a test name
  std::vector<uint32_t> offered;
  bool google = false;
  bool include_type = false;
  bool send_srv = false;
  size_t message_size = 1024;  // message (IETF) or whole datagram (Google)
  Version expected;            // the version the server must answer with
};

std::vector<ClientBehaviour> DeployedClients();

// The request this client would send to a server with `root`.
BuiltRequest BuildClientRequest(const ClientBehaviour& client,
                                const PublicKey& root);

// Verifies `response` as this client would (core VerifyResponse) and checks
// the version is the expected one.
absl::StatusOr<VerifiedResponse> VerifyAsClient(const ClientBehaviour& client,
                                                const BuiltRequest& request,
                                                const PublicKey& root,
                                                ByteSpan response);

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_CLIENT_BEHAVIOURS_H_
