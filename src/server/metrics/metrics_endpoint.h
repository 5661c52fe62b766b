// The HTTP side of --metrics-listen: GET /metrics (Prometheus text) and
// GET /healthz (200 or 503 with one line), served by cpp-httplib on threads
// of its own. Nothing here touches the workers: the page is built by the
// callbacks from relaxed atomic reads, so a slow or hostile HTTP client can
// only delay other scrapes, never a Roughtime answer.
//
// Hostile clients are bounded: two handler threads, a short queue (when it
// is full the accepting thread serves the connection itself, so it stops
// accepting and the kernel backlog pushes back instead of file descriptors
// piling up), 2-second read and write timeouts, tiny request limits, and
// SIGPIPE blocked on every HTTP thread (the library writes without
// MSG_NOSIGNAL, and a peer that hangs up must not kill the server).
#ifndef ROUGHTIME_SERVER_METRICS_METRICS_ENDPOINT_H_
#define ROUGHTIME_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/metrics/metrics_format.h"
#include "server/net/socket_address.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace roughtime::server {

struct MetricsHandlers {
  std::function<std::string()> metrics;  // the /metrics page
  std::function<HealthVerdict()> health;  // the /healthz verdict
};

class MetricsEndpoint {
 public:
  // Binds and listens on `address` (port 0: the kernel picks one). Two
  // steps so the port is taken before privileges are dropped and before
  // the objects the handlers read exist; connections wait in the kernel's
  // backlog until Serve().
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Bind(
      const SocketAddress& address);
  // Starts answering on the endpoint's threads; the handlers run there
  // until Stop(). Call once.
  void Serve(MetricsHandlers handlers);
  ~MetricsEndpoint();  // Stop()

  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // The bound address (with the real port).
  const SocketAddress& address() const { return address_; }
  // Stops accepting and joins the threads (waits at most for the timeouts
  // of requests in progress). Idempotent.
  void Stop();

 private:
  MetricsEndpoint(std::unique_ptr<httplib::Server> http,
                  SocketAddress address);

  std::unique_ptr<httplib::Server> http_;
  SocketAddress address_;
  std::thread thread_;
};

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_METRICS_METRICS_ENDPOINT_H_
