// How the test server answers: the core signs a batch holding the client's
// request among dummies, then the answer is spoiled as configured.
#include <cstring>

#include "absl/time/clock.h"
#include "message_edit.h"
#include "test_server.h"

namespace roughtime::testing {
namespace {

// A request of `version` from another client, to share the batch.
absl::StatusOr<Bytes> DummyRequest(Version version) {
  RequestOptions o;
  if (version == Version::kGoogle) {
    o.google = true;
    o.message_size = kMinRequestSize;
  } else {
    o.offered_wire_versions = {Spec(version).wire};
    o.include_type = Spec(version).type_defined;
  }
  absl::StatusOr<BuiltRequest> built = BuildRequest(o);
  if (!built.ok()) return built.status();
  return built->packet;
}

Bytes Le32(uint32_t v) {
  Bytes b(4);
  StoreLE32(b.data(), v);
  return b;
}

}  // namespace

std::vector<Bytes> TestServer::Answer(ByteSpan request) {
  {
    absl::MutexLock lock(&mu_);
    requests_.emplace_back(request.begin(), request.end());
  }
  if (options_.fault == Fault::kSilent) return {};
  ParsedRequest parsed;
  if (ParseRequest(request, policy_, &parsed) != DropReason::kNone) return {};
  if (options_.force_version.has_value()) {
    parsed.version = *options_.force_version;
  }
  absl::StatusOr<Bytes> reply = Sign(parsed);
  if (!reply.ok()) return {};
  std::vector<Bytes> out = Spoil(*std::move(reply), parsed);
  absl::MutexLock lock(&mu_);
  for (const Bytes& r : out) replies_.push_back(r);
  return out;
}

absl::StatusOr<Bytes> TestServer::Sign(const ParsedRequest& request) {
  // Dummy packets must outlive WriteResponse: the batch points into them.
  std::vector<Bytes> dummies;
  std::vector<ParsedRequest> parsed(options_.batch_size);
  const size_t client = std::min(options_.client_index,
                                 options_.batch_size - 1);
  for (size_t i = 0; i < options_.batch_size; ++i) {
    if (i == client) {
      parsed[i] = request;
      continue;
    }
    absl::StatusOr<Bytes> d = DummyRequest(request.version);
    if (!d.ok()) return d.status();
    dummies.push_back(*std::move(d));
  }
  size_t next_dummy = 0;
  for (size_t i = 0; i < options_.batch_size; ++i) {
    if (i == client) continue;
    RequestPolicy any;
    any.served = VersionSet::All();
    if (ParseRequest(dummies[next_dummy++], any, &parsed[i]) !=
        DropReason::kNone) {
      return absl::InternalError("dummy request rejected");
    }
    parsed[i].version = request.version;
  }
  responder_->Reset();
  for (const ParsedRequest& p : parsed) responder_->Add(p);
  absl::Status s =
      responder_->Sign(absl::Now() + options_.clock_offset, options_.radius);
  if (!s.ok()) return s;
  Bytes out(kMaxResponseSize + 64);
  absl::StatusOr<size_t> size = responder_->WriteResponse(client, absl::MakeSpan(out));
  if (!size.ok()) return size.status();
  out.resize(*size);
  if (options_.pre_rfc_contexts && request.version == Version::kRfc1) {
    absl::StatusOr<Bytes> srep = ValueAt(out, {kTagSrep});
    if (!srep.ok()) return srep.status();
    Signature sig =
        identity_.online_key.Sign(kDraftResponseContext, *srep);
    return RewriteTopLevel(out, {{kTagSig, Bytes(sig.begin(), sig.end())}},
                           {});
  }
  return out;
}

std::vector<Bytes> TestServer::Spoil(Bytes reply,
                                     const ParsedRequest& request) {
  if (options_.faulty_replies >= 0 && spoiled_ >= options_.faulty_replies) {
    return {reply};
  }
  ++spoiled_;
  Bytes other_nonce(request.nonce.size(), 0xa5);
  absl::StatusOr<Bytes> spoiled;
  switch (options_.fault) {
    case Fault::kNone:
    case Fault::kSilent:
      --spoiled_;
      return {reply};
    case Fault::kWrongNonce:
      spoiled = RewriteTopLevel(reply, {{kTagNonc, other_nonce}}, {});
      break;
    case Fault::kStrayThenValid: {
      absl::StatusOr<Bytes> stray =
          RewriteTopLevel(reply, {{kTagNonc, other_nonce}}, {});
      if (!stray.ok()) return {};
      return {*stray, reply};
    }
    case Fault::kBadSrepSignature:
      spoiled = FlipBitIn(reply, {kTagSig}, 17);
      break;
    case Fault::kBadDeleSignature:
      spoiled = FlipBitIn(reply, {kTagCert, kTagSig}, 17);
      break;
    case Fault::kWrongPath:
      spoiled = FlipBitIn(reply, {kTagPath}, 3);
      break;
    case Fault::kWrongIndex: {
      const uint32_t index = static_cast<uint32_t>(std::min(
          options_.client_index, options_.batch_size - 1));
      spoiled = RewriteTopLevel(reply, {{kTagIndx, Le32(index ^ 1)}}, {});
      break;
    }
    case Fault::kUndefinedTag:
      spoiled = RewriteTopLevel(
          reply, {{MakeTag('G', 'R', 'E', 'A'), Bytes(8, 0x5a)}}, {});
      break;
    case Fault::kMissingTag:
      spoiled = RewriteTopLevel(reply, {}, {options_.missing_tag});
      break;
  }
  if (!spoiled.ok()) return {};
  return {*std::move(spoiled)};
}

}  // namespace roughtime::testing
