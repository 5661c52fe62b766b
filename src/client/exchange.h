// One attempt: build a request, send it, wait for the reply that answers
// it, verify it completely (RFC 10049 §5.4 via the core's VerifyResponse).
#ifndef ROUGHTIME_CLIENT_EXCHANGE_H_
#define ROUGHTIME_CLIENT_EXCHANGE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/endpoint.h"
#include "client/offer.h"
#include "client/transport.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/response.h"

namespace roughtime::client {

// Where and whom to ask.
struct ServerTarget {
  std::string name;  // shown in messages (defaults to the UDP address)
  HostPort udp;
  HostPort tcp;      // usually the same host and port (RFC port 5319 both)
  bool has_udp = true;
  bool has_tcp = true;
  PublicKey root_key{};
  Offer offer = DefaultOffer();
  std::string DisplayName() const;
};

// The wall clock, injectable so tests can check offsets deterministically.
using WallClock = std::function<absl::Time()>;

// A nonce and, for chained requests (§8.2), the 32 random bytes it was
// derived from (empty for a plain random nonce).
struct NonceChoice {
  Bytes nonce;
  Bytes rand;
};

// A verified answer and everything needed to judge or report it.
struct Exchange {
  VerifiedResponse verified;
  Bytes request;   // exactly the bytes sent (the Merkle leaf, §5.3)
  Bytes response;  // exactly the bytes received
  NonceChoice nonce;
  TransportKind transport = TransportKind::kUdp;
  absl::Time local_sent;
  absl::Time local_received;
  absl::Duration rtt;  // from a monotonic clock

  // The local clock at the middle of the round trip, the instant the
  // server's MIDP is compared with.
  absl::Time local_midpoint() const { return local_sent + rtt / 2; }
  // Server minus local: positive when the local clock is behind.
  absl::Duration offset() const {
    return verified.midpoint - local_midpoint();
  }
};

struct ExchangeOptions {
  TransportKind transport = TransportKind::kUdp;
  absl::Duration timeout = absl::Seconds(1);
  bool allow_pre_rfc_contexts = false;
  WallClock now = [] { return absl::Now(); };
};

// Sends one request with `nonce` and returns the verified answer. Replies
// naming another nonce are ignored (counted in `*ignored`) and the wait
// goes on; any other invalid reply ends the attempt with the verifier's
// reason ("rejected reply: ...").
absl::StatusOr<Exchange> ExchangeOnce(const ServerTarget& target,
                                      const NonceChoice& nonce,
                                      const ExchangeOptions& options,
                                      int* ignored);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_EXCHANGE_H_
