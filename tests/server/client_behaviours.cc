#include "client_behaviours.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace roughtime::server::testing {

std::vector<ClientBehaviour> DeployedClients() {
  std::vector<uint32_t> tannerryan;
  for (uint32_t v = 0x80000001; v <= 0x8000000c; ++v) tannerryan.push_back(v);
  std::vector<uint32_t> roughly = {0x00000001};
  for (uint32_t v = 0x80000007; v <= 0x8000000f; ++v) roughly.push_back(v);
  return {
      // Cloudflare getroughtime, IETF mode: descending list, no TYPE, a
      // 1024-byte packet (1012-byte message), SRV with draft-11.
      {"CloudflareIetf", {0x8000000b, 0x80000008}, false, false, true, 1012,
       Version::kDraft11},
      // Cloudflare getroughtime, Google mode: 64-byte nonce, PAD\xff, 1024
      // bytes unframed.
      {"CloudflareGoogle", {}, true, false, false, 1024, Version::kGoogle},
      {"Draft08Only", {0x80000008}, false, false, false, 1012,
       Version::kDraft08},
      // pyroughtime today: 0x8000000c with TYPE, 1036-byte packet.
      {"Pyroughtime", {0x8000000c}, false, true, true, 1024,
       Version::kDraft12},
      {"PyroughtimeNoType", {0x8000000c}, false, false, true, 1024,
       Version::kDraft12},
      {"PyroughtimeDraft11", {0x8000000b}, false, false, true, 1024,
       Version::kDraft11},
      // tannerryan/roughtime: 0x80000001..0x8000000c ascending.
      {"Tannerryan", tannerryan, false, true, true, 1024, Version::kDraft12},
      // roughly: 1 and 0x80000007..0x8000000f; must get version 1.
      {"Roughly", roughly, false, true, true, 1024, Version::kRfc1},
      // craggy: 0x8000000c without TYPE, no SRV.
      {"Craggy", {0x8000000c}, false, false, false, 1024, Version::kDraft12},
      {"NodeRoughtime", {}, true, false, false, 1024, Version::kGoogle},
      {"GoogleClient", {}, true, false, false, 1024, Version::kGoogle},
      // An RFC 10049 client (ours): [1, 0x8000000c], TYPE, SRV.
      {"Rfc1", {0x00000001, 0x8000000c}, false, true, true, 1024,
       Version::kRfc1},
      {"Rfc1NoSrv", {0x00000001}, false, true, false, 1024, Version::kRfc1},
  };
}

BuiltRequest BuildClientRequest(const ClientBehaviour& client,
                                const PublicKey& root) {
  RequestOptions options;
  options.google = client.google;
  options.offered_wire_versions = client.offered;
  options.include_type = client.include_type;
  if (client.send_srv) options.server_key = root;
  options.message_size = client.message_size;
  absl::StatusOr<BuiltRequest> request = BuildRequest(options);
  // A failure here is a bug in this table, not in the server.
  if (!request.ok()) {
    return BuiltRequest{};
  }
  return *std::move(request);
}

absl::StatusOr<VerifiedResponse> VerifyAsClient(const ClientBehaviour& client,
                                                const BuiltRequest& request,
                                                const PublicKey& root,
                                                ByteSpan response) {
  VerifyOptions options;
  options.root_public_key = root;
  options.request_packet = request.packet;
  options.nonce = request.nonce;
  options.offered_wire_versions = client.offered;
  options.google = client.google;
  absl::StatusOr<VerifiedResponse> verified =
      VerifyResponse(response, options);
  if (!verified.ok()) return verified.status();
  if (verified->version != client.expected) {
    return absl::FailedPreconditionError(absl::StrCat(
        client.name, ": answered with version ",
        static_cast<int>(verified->version), ", expected ",
        static_cast<int>(client.expected)));
  }
  return verified;
}

}  // namespace roughtime::server::testing
