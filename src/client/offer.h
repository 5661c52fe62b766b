// What a client offers a server (RFC 10049 §5.1.1) and how the request and
// the verification follow from it.
#ifndef ROUGHTIME_CLIENT_OFFER_H_
#define ROUGHTIME_CLIENT_OFFER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "roughtime/version.h"

namespace roughtime::client {

struct Offer {
  // Wire version numbers, ascending (empty for Google, which has no VER).
  std::vector<uint32_t> wire_versions;
  bool google = false;
  bool operator==(const Offer&) const = default;
};

// [0x00000001, 0x8000000c]: the RFC version and the drafts 12-19 number
// most deployed servers speak (fact sheet §0).
Offer DefaultOffer();
// Exactly one version, as forced with --version.
Offer SingleVersionOffer(Version v);
// What to offer a server listed as "IETF-Roughtime" without a number
// (Cloudflare-style lists): [1, 0x8000000b, 0x8000000c], ascending, so
// draft-11 servers (Cloudflare) and RFC/0x8000000c servers both answer.
// Draft-08 is left out so the request can carry SRV (draft-10 on).
Offer AnyIetfOffer();

// "1, 0x8000000c", or "google".
std::string DescribeOffer(const Offer& offer);

// True when every offered version can be chained (RFC 10049 §8.2: the
// chained nonce is 32 bytes; Google's 64-byte nonce and its own chaining
// scheme are not interoperable with §8.4 reports).
bool IsChainable(const Offer& offer);

// The request for `offer` to the server with `root_key` carrying `nonce`.
// SRV is included when every offered version defines it (draft-10 on);
// TYPE when any offered version defines it (ignored as unknown otherwise).
RequestOptions MakeRequestOptions(const Offer& offer, const PublicKey& root_key,
                                  const Bytes& nonce);

// Nonce length for the offer: 64 bytes for Google, 32 otherwise.
size_t NonceSize(const Offer& offer);

}  // namespace roughtime::client

#endif  // ROUGHTIME_CLIENT_OFFER_H_
