#include "client/report_check.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "roughtime/crypto.h"

namespace roughtime::client {
namespace {

constexpr size_t kChainedNonceSize = 32;

absl::StatusOr<VerifiedResponse> VerifyEntry(const ReportEntry& e,
                                             bool draft_contexts) {
  if (e.public_key.size() != kPublicKeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "publicKey is ", e.public_key.size(), " bytes, not 32"));
  }
  absl::StatusOr<RequestFields> request = ParseRequestFields(e.request);
  if (!request.ok()) return request.status();
  VerifyOptions v;
  std::copy(e.public_key.begin(), e.public_key.end(),
            v.root_public_key.begin());
  v.request_packet = e.request;
  v.nonce = request->nonce;
  v.offered_wire_versions = request->versions;
  v.google = request->google;
  v.allow_pre_rfc_contexts = draft_contexts;
  return VerifyResponse(e.response, v);
}

absl::Status CheckChainLink(const ReportEntry& previous,
                            const ReportEntry& entry) {
  if (!entry.rand.has_value() || entry.rand->empty()) {
    return absl::InvalidArgumentError(
        "no \"rand\": a chained entry needs the random bytes of its nonce");
  }
  absl::StatusOr<RequestFields> request = ParseRequestFields(entry.request);
  if (!request.ok()) return request.status();
  if (request->nonce.size() != kChainedNonceSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request nonce is ", request->nonce.size(),
        " bytes; only 32-byte (IETF) nonces can be chained"));
  }
  Bytes expected = ChainedNonce(previous.response, *entry.rand);
  if (!ConstantTimeEquals(expected, request->nonce)) {
    return absl::InvalidArgumentError(
        "request NONC is not H(previous response || rand): the chain is "
        "broken");
  }
  return absl::OkStatus();
}

}  // namespace

Bytes ChainedNonce(ByteSpan previous_response, ByteSpan rand) {
  Bytes out(kChainedNonceSize);
  HashParts({previous_response, rand}, absl::MakeSpan(out));
  return out;
}

bool ReportVerdict::all_valid() const {
  return !entries.empty() &&
         std::all_of(entries.begin(), entries.end(),
                     [](const EntryVerdict& e) { return e.ok(); });
}

ReportVerdict CheckReport(const std::vector<ReportEntry>& entries,
                          bool draft_contexts) {
  ReportVerdict out;
  std::vector<TimeSample> samples;
  std::vector<size_t> sample_index;
  for (size_t k = 0; k < entries.size(); ++k) {
    EntryVerdict verdict;
    absl::StatusOr<VerifiedResponse> v = VerifyEntry(entries[k], draft_contexts);
    verdict.response = v.status();
    if (v.ok()) {
      samples.push_back({v->midpoint, v->radius, std::nullopt});
      sample_index.push_back(k);
      verdict.verified = *std::move(v);
    }
    verdict.chain = k == 0 ? absl::OkStatus()
                           : CheckChainLink(entries[k - 1], entries[k]);
    out.entries.push_back(std::move(verdict));
  }
  for (const InconsistentPair& p : CheckConsistency(samples).violations) {
    out.violations.push_back({sample_index[p.earlier], sample_index[p.later]});
  }
  return out;
}

}  // namespace roughtime::client
