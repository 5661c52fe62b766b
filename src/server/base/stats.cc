#include "server/base/stats.h"

#include <algorithm>
#include <bit>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace roughtime::server {
namespace {

constexpr const char* kBucketNames[kNumBatchBuckets] = {
    "batch_1",     "batch_2_3",     "batch_4_7",
    "batch_8_15",  "batch_16_31",   "batch_32_63",
    "batch_64_127", "batch_128_255", "batch_256_up"};

constexpr const char* kFlushNames[static_cast<size_t>(FlushReason::kCount)] =
    {"flush_drained", "flush_full", "flush_deadline", "flush_shutdown"};

constexpr const char* kTailNames[stat::kCount - stat::kTcpBase] = {
    "tcp_accepted", "tcp_refused", "tcp_garbage", "tcp_oversize",
    "tcp_idle", "tcp_closed", "rotations", "greased", "greased_valid",
    "unsynced", "reloads", "reload_failures", "busy_entries",
    "xdp_redirected", "xdp_passed", "xdp_passed_unparsed",
    "xdp_drop_too_short", "xdp_drop_too_long", "xdp_drop_not_roughtime",
    "xdp_drop_bad_length", "xdp_bad_checksum", "xdp_bad_frame"};

// Versions by their wire number, as operators see them in packet captures.
std::string VersionKey(Version v) {
  const VersionSpec& spec = Spec(v);
  if (v == Version::kGoogle) return "ver_google";
  if (spec.wire < 0x80000000u) return absl::StrCat("ver_", spec.wire);
  return absl::StrFormat("ver_0x%08x", spec.wire);
}

}  // namespace

size_t BatchBucket(size_t batch_size) {
  if (batch_size <= 1) return 0;
  const size_t log2 = std::bit_width(batch_size) - 1;  // 2-3 -> 1, 4-7 -> 2
  return std::min(log2, kNumBatchBuckets - 1);
}

void WorkerStats::RecordBatch(size_t size, size_t signatures) {
  Add(stat::kBatches);
  Add(stat::kSignatures, signatures);
  Add(stat::kBatchHistBase + BatchBucket(size));
  histograms_.AddBatchSize(size);
  std::atomic<uint64_t>& max = counters_[stat::kMaxBatch];
  if (size > max.load(std::memory_order_relaxed)) {
    max.store(size, std::memory_order_relaxed);
  }
}

StatsSnapshot WorkerStats::Snapshot() const {
  StatsSnapshot s{};
  for (size_t i = 0; i < stat::kCount; ++i) s[i] = Get(i);
  return s;
}

void Accumulate(StatsSnapshot& a, const StatsSnapshot& b) {
  for (size_t i = 0; i < stat::kCount; ++i) {
    a[i] = i == stat::kMaxBatch ? std::max(a[i], b[i]) : a[i] + b[i];
  }
}

uint64_t TotalDropped(const StatsSnapshot& s) {
  uint64_t total =
      s[stat::kExpired] + s[stat::kWriteErrors] +
                   s[stat::kSignErrors] + s[stat::kOverflow] + s[stat::kUnsynced] +
      s[stat::kXdpBadChecksum] + s[stat::kXdpBadFrame];
  for (size_t r = 1; r < static_cast<size_t>(DropReason::kCount); ++r) {
    total += s[stat::kDropBase + r];
  }
  return total;
}

std::string StatName(size_t index) {
  switch (index) {
    case stat::kReceived: return "received";
    case stat::kRequests: return "requests";
    case stat::kResponses: return "responses";
    case stat::kRecvErrors: return "recv_errors";
    case stat::kSendErrors: return "send_errors";
    case stat::kWriteErrors: return "write_errors";
    case stat::kSignErrors: return "sign_errors";
    case stat::kExpired: return "expired";
    case stat::kBatches: return "batches";
    case stat::kSignatures: return "signatures";
    case stat::kMaxBatch: return "max_batch";
    case stat::kOverflow: return "overflow";
    default: break;
  }
  if (index < stat::kVersionBase) {
    const std::string_view reason =
        DropReasonName(static_cast<DropReason>(index - stat::kDropBase));
    return absl::StrCat("drop_", absl::string_view(reason.data(), reason.size()));
  }
  if (index < stat::kBatchHistBase) {
    return VersionKey(static_cast<Version>(index - stat::kVersionBase));
  }
  if (index < stat::kFlushBase) return kBucketNames[index - stat::kBatchHistBase];
  if (index < stat::kTcpBase) return kFlushNames[index - stat::kFlushBase];
  return kTailNames[index - stat::kTcpBase];
}

std::string FormatStatsLine(const StatsSnapshot& s, absl::string_view at,
                            absl::Duration uptime, size_t workers) {
  std::string line = absl::StrCat(
      "stats at=", at,
      " uptime_s=", absl::ToInt64Seconds(uptime), " workers=", workers);
  for (size_t i = 0; i < stat::kCount; ++i) {
    if (i == stat::kDropBase) {
      // The total first, so a reader sees at a glance what was refused.
      absl::StrAppend(&line, " dropped=", TotalDropped(s));
    }
    // DropReason::kNone is not a drop.
    if (i == stat::kDropBase + static_cast<size_t>(DropReason::kNone)) continue;
    absl::StrAppend(&line, " ", StatName(i), "=", s[i]);
  }
  return line;
}

}  // namespace roughtime::server
