#include "server/net/xdp/xdp_deployment.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/base/log.h"
#include "server/net/xdp/xdp_io.h"
#include "server/net/xdp/xdp_sieve.h"
#include "server/net/xdp/xsk_queue.h"

namespace roughtime::server::xdp {

bool XdpBuiltIn() { return true; }

namespace {

static_assert(stat::kXdpDropBadLength - stat::kXdpBase ==
                  SIEVE_DROP_BAD_LENGTH,
              "stats.h lists the sieve's counters in sieve_abi.h's order");

std::vector<uint16_t> ServedPorts(const std::vector<SocketAddress>& bound) {
  std::vector<uint16_t> ports;
  for (const SocketAddress& a : bound) {
    if (std::find(ports.begin(), ports.end(), a.port()) == ports.end()) {
      ports.push_back(a.port());
    }
  }
  return ports;
}

class LiveDeployment final : public XdpDeployment {
 public:
  LiveDeployment(size_t workers, size_t max_batch, bool serve)
      : sockets_(workers) {
    if (!serve) return;
    for (size_t w = 0; w < workers; ++w) {
      loops_.push_back(std::make_unique<XdpIo>(max_batch));
    }
  }
  ~LiveDeployment() override {
    for (const auto& sieve : sieves_) {
      Log(absl::StrCat("xdp: detaching the request sieve from ",
                       sieve->interface()));
    }
  }

  // Attaches to one interface; with `serve`, also opens its sockets.
  absl::Status AddInterface(const std::string& interface,
                            const std::vector<uint16_t>& ports,
                            AttachMode mode, bool serve) {
    absl::StatusOr<std::unique_ptr<XdpSieve>> sieve =
        XdpSieve::Attach(interface, ports, mode);
    if (!sieve.ok()) return sieve.status();
    std::string line = absl::StrCat("xdp: request sieve on ", interface,
                                    " in ", (*sieve)->native()
                                                ? "native mode"
                                                : "generic mode");
    if (!(*sieve)->native_error().empty()) {
      absl::StrAppend(&line, " (native: ", (*sieve)->native_error(), ")");
    }
    absl::StrAppend(&line, ", udp port");
    for (uint16_t p : ports) absl::StrAppend(&line, " ", p);
    Log(line);
    if (serve) {
      const uint32_t queues = ReceiveQueueCount(interface);
      bool zero_copy = true;
      for (uint32_t q = 0; q < queues; ++q) {
        absl::StatusOr<std::unique_ptr<XskQueue>> queue =
            XskQueue::Open(interface, q, (*sieve)->native());
        if (!queue.ok()) return queue.status();
        zero_copy = zero_copy && (*queue)->zero_copy();
        if (absl::Status s = (*sieve)->AddSocket(q, (*queue)->fd()); !s.ok()) {
          return s;
        }
        const size_t w = next_worker_++ % loops_.size();
        absl::StatusOr<UdpSocket> polled =
            loops_[w]->AddQueue(*std::move(queue));
        if (!polled.ok()) return polled.status();
        sockets_[w].push_back(WorkerSocket{*std::move(polled), kXdpSocketFamily});
      }
      Log(absl::StrCat("xdp: AF_XDP sockets on ", interface, " queue",
                       queues > 1 ? "s 0-" : " ", queues - 1, " in ",
                       zero_copy ? "zero-copy" : "copy",
                       " mode, over ", std::min<size_t>(queues, loops_.size()),
                       " worker(s)"));
    }
    sieves_.push_back(*std::move(sieve));
    return absl::OkStatus();
  }

  void AddWorkerSockets(size_t w, std::vector<WorkerSocket>* sockets) override {
    for (WorkerSocket& s : sockets_[w]) sockets->push_back(std::move(s));
    sockets_[w].clear();
  }

  std::unique_ptr<DatagramIo> TakeIo(size_t w) override {
    if (w >= loops_.size()) return nullptr;
    return std::move(loops_[w]);
  }

  void AddCounters(StatsSnapshot* s) const override {
    for (const auto& sieve : sieves_) {
      const SieveCounters c = sieve->Counters();
      for (size_t i = 0; i < c.size(); ++i) (*s)[stat::kXdpBase + i] += c[i];
    }
  }

  bool empty() const { return sieves_.empty(); }

 private:
  std::vector<std::unique_ptr<XdpSieve>> sieves_;
  std::vector<std::unique_ptr<XdpIo>> loops_;         // per worker
  std::vector<std::vector<WorkerSocket>> sockets_;    // per worker
  size_t next_worker_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<XdpDeployment>> XdpDeployment::Start(
    const XdpOptions& options, bool serve,
    const std::vector<SocketAddress>& bound, size_t workers,
    size_t max_batch) {
  if (!options.enabled()) return std::unique_ptr<XdpDeployment>();
  const std::vector<uint16_t> ports = ServedPorts(bound);
  auto deployment =
      std::make_unique<LiveDeployment>(workers, max_batch, serve);
  for (const std::string& interface : options.interfaces) {
    absl::Status s =
        deployment->AddInterface(interface, ports, options.mode, serve);
    if (s.ok()) continue;
    // Whatever was attached so far is detached as `deployment` goes.
    if (serve) return s;
    Log(absl::StrCat("warning: --xdp ", interface, ": ", s.message(),
                     "; serving on sockets (the socket filter still drops "
                     "junk in the kernel)"));
  }
  if (deployment->empty()) return std::unique_ptr<XdpDeployment>();
  return std::unique_ptr<XdpDeployment>(std::move(deployment));
}

}  // namespace roughtime::server::xdp
