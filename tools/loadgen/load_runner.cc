#include "load_runner.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "in_flight_table.h"
#include "pacing.h"
#include "proc_cpu.h"
#include "request_factory.h"
#include "sample_store.h"
#include "socket_loop.h"

namespace roughtime::loadgen {
namespace {

constexpr int kSocketBufferBytes = 4 << 20;
constexpr size_t kReceiveSize = 2048;  // responses are at most 1024 bytes
constexpr int kReceiveRoundsPerSocket = 8;
constexpr size_t kMaxTable = size_t{1} << 21;
// Batches sent before the loop turns to receiving again. A generator that
// sends until it has caught up leaves the answers in its socket buffers,
// which then overflow (answers lost) or age (latency of the generator, not
// of the server).
constexpr int kMaxBatchesPerTurn = 4;
// Sampled answers kept for verification after the run (sample_store.h);
// past this the rest are verified inline.
constexpr size_t kMaxSampleBytes = size_t{256} << 20;

enum class SendOutcome { kAllSent, kMoreDue, kSocketFull };

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

class Runner {
 public:
  Runner(const BenchOptions& o, RequestFactory factory,
         std::vector<UniqueFd> fds)
      : o_(o),
        factory_(std::move(factory)),
        fds_(std::move(fds)),
        table_(TableSize(o)),
        send_(o.batch, factory_.packet_size()),
        receive_(o.batch, kReceiveSize),
        timeout_ns_(absl::ToInt64Nanoseconds(o.timeout)),
        samples_(kMaxSampleBytes) {
    for (size_t i = 0; i < o.batch; ++i) {
      factory_.WritePacket(i, send_.buffer(i));
    }
    for (const UniqueFd& fd : fds_) pollfds_.push_back({fd.get(), 0, 0});
  }

  absl::StatusOr<RunResult> Run();

 private:
  static size_t TableSize(const BenchOptions& o) {
    double want = 4.0 * static_cast<double>(o.concurrency);
    if (o.mode == LoopMode::kOpen) {
      // Everything sent within one timeout may still be in flight.
      want = 2.0 * o.rate * (absl::ToDoubleSeconds(o.timeout) + 0.1) +
             2.0 * static_cast<double>(o.batch);
    }
    return static_cast<size_t>(
        std::clamp(want, 4096.0, static_cast<double>(kMaxTable)));
  }

  // Sends up to `want` requests, at most kMaxBatchesPerTurn batches.
  SendOutcome SendUpTo(uint64_t want);
  // Receives everything queued on every socket; true if anything came.
  bool ReceiveAll();
  void OnReply(ByteSpan reply, int64_t now_ns);
  void Verify(uint64_t seq, ByteSpan reply);
  void Wait(int64_t until_ns, bool want_write);
  void Expire(int64_t now_ns) {
    result_.lost += table_.ExpireSentBefore(now_ns - timeout_ns_);
  }

  const BenchOptions& o_;
  RequestFactory factory_;
  std::vector<UniqueFd> fds_;
  std::vector<pollfd> pollfds_;
  InFlightTable table_;
  DatagramBatch send_;
  DatagramBatch receive_;
  int64_t timeout_ns_;
  size_t next_socket_ = 0;
  double verify_credit_ = 0;
  SampleStore samples_;
  int64_t last_answer_ns_ = 0;
  IoErrors io_;
  RunResult result_;
};

SendOutcome Runner::SendUpTo(uint64_t want) {
  for (int turn = 0; want > 0; ++turn) {
    if (turn == kMaxBatchesPerTurn) return SendOutcome::kMoreDue;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(want, o_.batch));
    // Request n reuses the slot of request n - capacity().
    const uint64_t evicted = table_.MakeRoomFor(n);
    result_.lost += evicted;
    result_.evicted += evicted;
    for (size_t i = 0; i < n; ++i) {
      factory_.WriteNonceInPacket(table_.next_seq() + i, send_.buffer(i));
      if (o_.junk_foreign) std::memcpy(send_.buffer(i), "\xff\xffJUNK!!", 8);
    }
    const int fd = fds_[next_socket_].get();
    next_socket_ = (next_socket_ + 1) % fds_.size();
    const int64_t sent_ns = NowNs();
    const size_t size =
        o_.junk_size > 0 ? o_.junk_size : factory_.packet_size();
    const size_t k = send_.SendConnected(fd, n, size, &io_);
    for (size_t i = 0; i < k; ++i) table_.Sent(sent_ns);
    result_.sent += k;
    want -= k;
    if (k < n) return SendOutcome::kSocketFull;
  }
  return SendOutcome::kAllSent;
}

void Runner::OnReply(ByteSpan reply, int64_t now_ns) {
  const std::optional<uint64_t> seq = factory_.MatchReply(reply);
  std::optional<int64_t> latency;
  if (seq) latency = table_.Answered(*seq, now_ns);
  if (!latency) {
    ++result_.unmatched;
    return;
  }
  ++result_.answered;
  result_.latency->Record(*latency);
  last_answer_ns_ = now_ns;
  if (o_.verify_fraction <= 0) return;
  verify_credit_ += o_.verify_fraction;
  if (verify_credit_ < 1.0) return;
  verify_credit_ -= 1.0;
  if (!samples_.Keep(*seq, reply)) Verify(*seq, reply);
}

void Runner::Verify(uint64_t seq, ByteSpan reply) {
  const absl::Status s = factory_.Verify(seq, reply);
  if (s.ok()) {
    ++result_.verified;
  } else {
    if (result_.verify_failed++ == 0) {
      result_.first_verify_error = std::string(s.message());
    }
  }
}

bool Runner::ReceiveAll() {
  bool any = false;
  for (const UniqueFd& fd : fds_) {
    for (int round = 0; round < kReceiveRoundsPerSocket; ++round) {
      const size_t n = receive_.Receive(fd.get(), false, &io_);
      if (n == 0) break;
      any = true;
      const int64_t now = NowNs();
      for (size_t i = 0; i < n; ++i) OnReply(receive_.received(i), now);
      if (n < receive_.capacity()) break;
    }
  }
  return any;
}

void Runner::Wait(int64_t until_ns, bool want_write) {
  for (pollfd& p : pollfds_) {
    p.events = static_cast<short>(POLLIN | (want_write ? POLLOUT : 0));
    p.revents = 0;
  }
  // Never sleep long: every loop re-checks its time bounds.
  const int64_t wait_ns =
      std::clamp<int64_t>(until_ns - NowNs(), 0, 100'000'000);
  timespec ts{static_cast<time_t>(wait_ns / 1000000000),
              static_cast<long>(wait_ns % 1000000000)};
  ppoll(pollfds_.data(), pollfds_.size(), &ts, nullptr);
}

absl::StatusOr<RunResult> Runner::Run() {
  result_.table_capacity = table_.capacity();
  result_.packet_size = factory_.packet_size();
  result_.clock_ticks_per_second = ClockTicksPerSecond();
  double server_cpu_start = 0;
  if (o_.server_pid > 0) {
    absl::StatusOr<double> cpu = ReadProcessCpuSeconds(o_.server_pid);
    if (!cpu.ok()) return cpu.status();
    server_cpu_start = *cpu;
  }
  const double self_cpu_start = SelfCpuSeconds();
  const int64_t start = NowNs();
  const int64_t send_deadline = start + absl::ToInt64Nanoseconds(o_.duration);
  const bool open = o_.mode == LoopMode::kOpen;
  const size_t burst = open ? DefaultBurst(o_.rate, o_.batch) : 0;
  result_.burst = burst;
  const OpenLoopPacer pacer(open ? o_.rate : 1.0, start,
                            open ? burst : size_t{1});

  // Send phase.
  for (;;) {
    const int64_t now = NowNs();
    if (now >= send_deadline) break;
    if (o_.max_requests > 0 && result_.sent >= o_.max_requests) break;
    Expire(now);
    uint64_t want = 0;
    if (open) {
      want = pacer.DueBy(now) - std::min(pacer.DueBy(now), result_.sent);
    } else if (table_.in_flight() < o_.concurrency) {
      want = o_.concurrency - table_.in_flight();
    }
    if (o_.max_requests > 0) {
      want = std::min(want, o_.max_requests - result_.sent);
    }
    const SendOutcome outcome = SendUpTo(want);
    if (ReceiveAll() || outcome == SendOutcome::kMoreDue) continue;
    const bool sent_all = outcome == SendOutcome::kAllSent;
    // Nothing arrived: sleep until the next thing that can happen.
    int64_t wake = send_deadline;
    if (open && sent_all) wake = std::min(wake, pacer.DueTime(result_.sent));
    if (std::optional<int64_t> oldest = table_.OldestSendTime()) {
      wake = std::min(wake, *oldest + timeout_ns_ + 1);
    }
    Wait(wake, /*want_write=*/!sent_all);  // a full socket wakes us on room
  }
  const int64_t send_end = NowNs();

  // Drain: answers to what is still in flight, each given --timeout.
  const int64_t drain_limit = send_end + timeout_ns_;
  for (;;) {
    const int64_t now = NowNs();
    Expire(now);
    if (table_.in_flight() == 0) break;
    if (now > drain_limit) {
      result_.lost += table_.ExpireAll();
      break;
    }
    if (ReceiveAll()) continue;
    int64_t wake = drain_limit + 1;
    if (std::optional<int64_t> oldest = table_.OldestSendTime()) {
      wake = std::min(wake, *oldest + timeout_ns_ + 1);
    }
    Wait(wake, false);
  }
  // The server is idle once the last answer left, so reading its CPU now
  // adds nothing but idle time to the window's figure.
  if (o_.server_pid > 0) {
    absl::StatusOr<double> cpu = ReadProcessCpuSeconds(o_.server_pid);
    if (!cpu.ok()) return cpu.status();
    result_.server_measured = true;
    result_.server_pid = o_.server_pid;
    result_.server_cpu_seconds = *cpu - server_cpu_start;
  }
  result_.generator_cpu_seconds = SelfCpuSeconds() - self_cpu_start;
  // After the CPU figures: verification is not part of the load.
  for (size_t i = 0; i < samples_.size(); ++i) {
    Verify(samples_.seq(i), samples_.reply(i));
  }
  result_.send_seconds = static_cast<double>(send_end - start) / 1e9;
  result_.window_seconds =
      static_cast<double>(std::max(send_end, last_answer_ns_) - start) / 1e9;
  result_.refused = io_.refused;
  result_.io_errors = io_.other;
  if (io_.last_errno != 0) result_.last_io_error = std::strerror(io_.last_errno);
  return std::move(result_);
}

}  // namespace

absl::StatusOr<RunResult> RunLoad(const BenchOptions& options) {
  RequestSpec spec;
  spec.version = options.version;
  spec.request_size = options.request_size;
  spec.server_key = options.key;
  absl::StatusOr<RequestFactory> factory = RequestFactory::Create(spec);
  if (!factory.ok()) return factory.status();
  std::vector<UniqueFd> fds;
  for (size_t i = 0; i < options.sockets; ++i) {
    absl::StatusOr<UniqueFd> fd =
        OpenConnectedUdp(options.server, kSocketBufferBytes);
    if (!fd.ok()) return fd.status();
    fds.push_back(*std::move(fd));
  }
  Runner runner(options, *std::move(factory), std::move(fds));
  return runner.Run();
}

}  // namespace roughtime::loadgen
