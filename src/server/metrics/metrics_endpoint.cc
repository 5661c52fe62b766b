#include "server/metrics/metrics_endpoint.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace roughtime::server {
namespace {

constexpr size_t kHandlerThreads = 2;
constexpr size_t kMaxQueued = 8;
constexpr time_t kIoTimeoutSeconds = 2;

// Threads started while this is in scope inherit a mask with SIGPIPE
// blocked: a write to a peer that hung up then fails with EPIPE instead of
// killing the process (the signal stays pending on that thread, harmless).
class BlockSigpipe {
 public:
  BlockSigpipe() {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &old_);
  }
  ~BlockSigpipe() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

// httplib's own pool queues without limit; this one runs a connection on
// the accepting thread when the queue is full, so accepting pauses until
// there is room (bounded threads and file descriptors).
class BoundedPool final : public httplib::TaskQueue {
 public:
  BoundedPool(size_t threads, size_t max_queued) : max_queued_(max_queued) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
  }
  ~BoundedPool() override = default;

  void enqueue(std::function<void()> fn) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (jobs_.size() < max_queued_) {
        jobs_.push_back(std::move(fn));
        cv_.notify_one();
        return;
      }
    }
    fn();  // back-pressure: this thread is the one that accepts
  }

  void shutdown() override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void Loop() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return shutdown_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // shutting down, nothing left
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      fn();
    }
  }

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

// The numeric host for getaddrinfo (no brackets).
std::string NumericHost(const SocketAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  const sockaddr* sa = address.sockaddr_ptr();
  if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr,
              text, sizeof(text));
  } else {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr,
              text, sizeof(text));
  }
  return text;
}

void Configure(httplib::Server& http, const MetricsHandlers& handlers) {
  http.new_task_queue = [] {
    return new BoundedPool(kHandlerThreads, kMaxQueued);
  };
  http.set_read_timeout(kIoTimeoutSeconds, 0);
  http.set_write_timeout(kIoTimeoutSeconds, 0);
  http.set_keep_alive_timeout(kIoTimeoutSeconds);
  http.set_keep_alive_max_count(16);
  http.set_payload_max_length(1024);  // GET only: no body is expected
  http.Get("/metrics", [metrics = handlers.metrics](
                           const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics(), kMetricsContentType);
  });
  http.Get("/healthz", [health = handlers.health](const httplib::Request&,
                                                  httplib::Response& res) {
    const HealthVerdict verdict = health();
    res.status = verdict.healthy ? 200 : 503;
    res.set_content(verdict.text + "\n", "text/plain; charset=utf-8");
  });
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Bind(
    const SocketAddress& address) {
  auto http = std::make_unique<httplib::Server>();
  const std::string host = NumericHost(address);
  errno = 0;
  int port = address.port();
  if (port == 0) {
    port = http->bind_to_any_port(host);
  } else if (!http->bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    const int error = errno;
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for metrics on ", address.ToString(),
        error != 0 ? absl::StrCat(": ", std::strerror(error)) : ""));
  }
  SocketAddress bound = address;
  bound.set_port(static_cast<uint16_t>(port));
  return std::unique_ptr<MetricsEndpoint>(
      new MetricsEndpoint(std::move(http), bound));
}

void MetricsEndpoint::Serve(MetricsHandlers handlers) {
  if (thread_.joinable()) return;
  Configure(*http_, handlers);
  const BlockSigpipe block;  // the listener and its pool inherit it
  httplib::Server* server = http_.get();
  thread_ = std::thread([server] { server->listen_after_bind(); });
}

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<httplib::Server> http,
                                 SocketAddress address)
    : http_(std::move(http)), address_(address) {}

MetricsEndpoint::~MetricsEndpoint() { Stop(); }

void MetricsEndpoint::Stop() {
  if (!thread_.joinable()) return;
  // stop() before listen_after_bind() got going would be lost; wait until
  // the listener runs (it starts at once, this is a few microseconds).
  for (int i = 0; i < 5000 && !http_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  http_->stop();
  thread_.join();
}

}  // namespace roughtime::server
