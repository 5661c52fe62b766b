#include "client/chain.h"

#include <algorithm>
#include <array>
#include <random>

#include "absl/strings/str_cat.h"
#include "client/report_check.h"
#include "roughtime/crypto.h"

namespace roughtime::client {
namespace {

constexpr size_t kRandSize = 32;

Bytes FreshRandom(size_t n) {
  Bytes b(n);
  RandomBytes(absl::MakeSpan(b));
  return b;
}

}  // namespace

absl::StatusOr<Selection> SelectServers(const ServerList& list,
                                        std::optional<size_t> count) {
  Selection out;
  for (const ListedServer& s : list.servers) {
    if (!IsChainable(s.offer)) {
      out.notes.push_back(absl::StrCat(
          "skipped '", s.name,
          "': Google-Roughtime answers cannot be chained (RFC 10049 §8.2 "
          "needs an IETF version)"));
      continue;
    }
    out.servers.push_back(s);
  }
  if (out.servers.empty()) {
    return absl::FailedPreconditionError(
        "the list has no server that speaks an IETF version; nothing to "
        "measure");
  }
  if (count.has_value()) {
    if (*count == 0) {
      return absl::InvalidArgumentError("--count must be at least 1");
    }
    if (*count < out.servers.size()) {
      std::array<uint32_t, 8> seed_words;
      RandomBytes(absl::MakeSpan(reinterpret_cast<uint8_t*>(seed_words.data()),
                                 sizeof(seed_words)));
      std::seed_seq seed(seed_words.begin(), seed_words.end());
      std::mt19937_64 rng(seed);
      std::shuffle(out.servers.begin(), out.servers.end(), rng);
      out.servers.resize(*count);
    } else if (*count > out.servers.size()) {
      out.notes.push_back(absl::StrCat("--count ", *count, " but only ",
                                       out.servers.size(),
                                       " usable servers; using all"));
    }
  }
  if (out.servers.size() < 3) {
    out.notes.push_back(
        "fewer than 3 servers: RFC 10049 §8.2 recommends at least 3");
  }
  return out;
}

Measurement Measure(const std::vector<ListedServer>& servers,
                    const MeasureOptions& options) {
  Measurement m;
  m.servers = servers;
  std::optional<Bytes> previous;  // the last valid response packet
  for (int round = 0; round < options.rounds; ++round) {
    for (size_t i = 0; i < servers.size(); ++i) {
      QueryOptions q;
      q.target = servers[i].ToTarget();
      q.retry = options.retry;
      q.allow_pre_rfc_contexts = options.allow_pre_rfc_contexts;
      q.now = options.now;
      q.sleep = options.sleep;
      // Every attempt gets fresh random bytes, so a retry is a fresh
      // request that is still chained to the same previous answer.
      q.nonces = [previous] {
        NonceChoice c;
        if (!previous.has_value()) {
          c.nonce = FreshRandom(kRandSize);
        } else {
          c.rand = FreshRandom(kRandSize);
          c.nonce = ChainedNonce(*previous, c.rand);
        }
        return c;
      };
      QueryOutcome outcome = Query(q);
      if (!outcome.status.ok()) {
        m.failures.push_back({i, round, outcome.status});
        continue;
      }
      m.answers.push_back({i, round, *std::move(outcome.exchange)});
      previous = m.answers.back().exchange.response;
    }
  }
  std::vector<TimeSample> samples;
  for (const MeasuredAnswer& a : m.answers) {
    samples.push_back({a.exchange.verified.midpoint,
                       a.exchange.verified.radius,
                       a.exchange.local_midpoint()});
  }
  m.consistency = CheckConsistency(samples);
  return m;
}

std::vector<ReportEntry> Measurement::ToReport() const {
  std::vector<ReportEntry> out;
  for (const MeasuredAnswer& a : answers) {
    ReportEntry e;
    if (!a.exchange.nonce.rand.empty()) e.rand = a.exchange.nonce.rand;
    const PublicKey& key = servers[a.server].public_key;
    e.public_key.assign(key.begin(), key.end());
    e.request = a.exchange.request;
    e.response = a.exchange.response;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace roughtime::client
