// roughtime query HOST:PORT --key KEY | --server NAME --servers FILE
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli_flags.h"
#include "client/output.h"
#include "client/server_list.h"
#include "commands.h"

namespace roughtime::cli {
namespace {

absl::StatusOr<client::ServerTarget> TargetFromFlags(
    const std::vector<std::string>& positional) {
  const std::string server = absl::GetFlag(FLAGS_server);
  const std::string servers = absl::GetFlag(FLAGS_servers);
  const std::string key = absl::GetFlag(FLAGS_key);
  if (positional.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: one server address only, got '", positional[1],
                     "' too"));
  }
  client::ServerTarget target;
  if (!server.empty() || !servers.empty()) {
    if (server.empty() || servers.empty() || !positional.empty() ||
        !key.empty()) {
      return absl::InvalidArgumentError(
          "query: use --server NAME together with --servers FILE (and no "
          "address or --key)");
    }
    absl::StatusOr<client::ServerList> list = client::ReadServerList(servers);
    if (!list.ok()) return list.status();
    absl::StatusOr<client::ListedServer> listed =
        client::FindServer(*list, server);
    if (!listed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(servers, ": ", listed.status().message()));
    }
    target = listed->ToTarget();
  } else {
    if (positional.empty() || key.empty()) {
      return absl::InvalidArgumentError(
          "query: needs HOST:PORT and --key KEY, or --server NAME --servers "
          "FILE");
    }
    absl::StatusOr<client::HostPort> hp = client::ParseHostPort(positional[0]);
    if (!hp.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("query: ", hp.status().message()));
    }
    absl::StatusOr<Bytes> key_bytes = DecodeKeyText(key, kPublicKeySize);
    if (!key_bytes.ok()) {
      return absl::InvalidArgumentError(
          "query: --key is not 64 hex digits or base64 of a 32-byte key");
    }
    std::copy(key_bytes->begin(), key_bytes->end(), target.root_key.begin());
    target.udp = *hp;
    target.tcp = *hp;
  }
  const std::string version = absl::GetFlag(FLAGS_offer_version);
  if (!version.empty()) {
    absl::StatusOr<Version> v = ParseVersionName(version);
    if (!v.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "query: --version '", version, "': ", v.status().message()));
    }
    target.offer = client::SingleVersionOffer(*v);
  }
  return target;
}

}  // namespace

int RunQuery(const std::vector<std::string>& positional) {
  absl::StatusOr<client::ServerTarget> target = TargetFromFlags(positional);
  if (!target.ok()) {
    PrintError(target.status().message());
    return kExitUsage;
  }
  absl::StatusOr<client::RetryPolicy> retry = RetryPolicyFromFlags();
  if (!retry.ok()) {
    PrintError(retry.status().message());
    return kExitUsage;
  }
  if (retry->mode == client::TransportMode::kTcp && target->offer.google) {
    PrintError("query: --tcp cannot carry Google-Roughtime (its packets have "
               "no frame to delimit them on a stream)");
    return kExitUsage;
  }
  client::QueryOptions options;
  options.target = *target;
  options.retry = *retry;
  options.allow_pre_rfc_contexts = absl::GetFlag(FLAGS_allow_pre_rfc_contexts);
  client::QueryOutcome outcome = client::Query(options);
  if (absl::GetFlag(FLAGS_json)) {
    PrintOut(client::QueryJson(*target, outcome));
  } else if (outcome.status.ok()) {
    PrintOut(client::QueryText(*target, outcome));
  }
  if (!outcome.status.ok()) {
    PrintError(outcome.status.message());
    return kExitNoValidAnswer;
  }
  return kExitOk;
}

}  // namespace roughtime::cli
