// Shared set-up for the benchmarks: a delegated identity and ready-made
// requests of one version family, so each benchmark measures only the path
// it names.
#ifndef ROUGHTIME_TOOLS_BENCH_BATCH_FIXTURE_H_
#define ROUGHTIME_TOOLS_BENCH_BATCH_FIXTURE_H_

#include <string>
#include <vector>

#include "roughtime/certificate.h"
#include "roughtime/request.h"
#include "roughtime/response.h"

namespace roughtime::bench {

// The four families whose crypto floors differ (issue: performance).
enum class Family { kRfc1, kDraft12, kDraft08To11, kGoogle };
inline constexpr Family kFamilies[] = {Family::kRfc1, Family::kDraft12,
                                       Family::kDraft08To11, Family::kGoogle};

std::string FamilyName(Family f);

struct BatchFixture {
  explicit BatchFixture(Family family, size_t num_requests);

  // Parses, batches, signs and writes every request once; returns the number
  // of responses written (so the compiler cannot drop the work).
  size_t RunBatch(BatchResponder& responder) const;

  SigningKey root;
  OnlineIdentity identity;
  RequestPolicy policy;
  std::vector<Bytes> packets;
};

}  // namespace roughtime::bench

#endif  // ROUGHTIME_TOOLS_BENCH_BATCH_FIXTURE_H_
