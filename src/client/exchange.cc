#include "client/exchange.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "client/packet_fields.h"
#include "roughtime/request.h"

namespace roughtime::client {
namespace {

using SteadyClock = std::chrono::steady_clock;

absl::Duration Since(SteadyClock::time_point start) {
  return absl::FromChrono(std::chrono::duration_cast<std::chrono::nanoseconds>(
      SteadyClock::now() - start));
}

std::string NoAnswer(absl::Duration timeout, int ignored) {
  std::string msg = absl::StrCat("no answer within ",
                                 absl::FormatDuration(timeout));
  if (ignored > 0) {
    absl::StrAppend(&msg, " (ignored ", ignored, " repl",
                    ignored == 1 ? "y" : "ies",
                    " whose NONC was not ours)");
  }
  return msg;
}

}  // namespace

std::string ServerTarget::DisplayName() const {
  if (!name.empty()) return name;
  return FormatHostPort(has_udp ? udp : tcp);
}

absl::StatusOr<Exchange> ExchangeOnce(const ServerTarget& target,
                                      const NonceChoice& nonce,
                                      const ExchangeOptions& options,
                                      int* ignored) {
  *ignored = 0;
  absl::StatusOr<BuiltRequest> request = BuildRequest(
      MakeRequestOptions(target.offer, target.root_key, nonce.nonce));
  if (!request.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot build request: ", request.status().message()));
  }
  const HostPort& where =
      options.transport == TransportKind::kUdp ? target.udp : target.tcp;
  SteadyClock::time_point start = SteadyClock::now();
  absl::StatusOr<std::unique_ptr<Transport>> transport =
      OpenTransport(options.transport, where, options.timeout);
  if (!transport.ok()) return transport.status();

  VerifyOptions verify;
  verify.root_public_key = target.root_key;
  verify.request_packet = request->packet;
  verify.nonce = request->nonce;
  verify.offered_wire_versions = target.offer.wire_versions;
  verify.google = target.offer.google;
  verify.allow_pre_rfc_contexts = options.allow_pre_rfc_contexts;

  // The RTT is measured from the send itself, on the monotonic clock; the
  // wall clock is read once next to it to place the round trip in time.
  absl::Time local_sent = options.now();
  SteadyClock::time_point sent = SteadyClock::now();
  absl::Status s = (*transport)->Send(request->packet);
  if (!s.ok()) return s;
  while (true) {
    absl::Duration left = options.timeout - Since(start);
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(NoAnswer(options.timeout, *ignored));
    }
    absl::StatusOr<Bytes> reply = (*transport)->Receive(left);
    if (absl::IsDeadlineExceeded(reply.status())) {
      return absl::DeadlineExceededError(NoAnswer(options.timeout, *ignored));
    }
    if (!reply.ok()) return reply.status();
    absl::Duration rtt = Since(sent);
    absl::StatusOr<VerifiedResponse> verified = VerifyResponse(*reply, verify);
    if (!verified.ok()) {
      if (IsForAnotherNonce(*reply, request->nonce)) {
        ++*ignored;
        continue;
      }
      return absl::Status(
          verified.status().code(),
          absl::StrCat("rejected reply: ", verified.status().message()));
    }
    Exchange out;
    out.verified = *std::move(verified);
    out.request = std::move(request->packet);
    out.response = *std::move(reply);
    out.nonce.nonce = request->nonce;
    out.nonce.rand = nonce.rand;
    out.transport = options.transport;
    out.local_sent = local_sent;
    out.rtt = rtt;
    out.local_received = local_sent + rtt;
    return out;
  }
}

}  // namespace roughtime::client
