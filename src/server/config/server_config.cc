#include "server/config/server_config.h"

#include <sched.h>

#include <string>
#include <string_view>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "roughtime/version.h"
#include "server/config/metrics_flags.h"
#include "server/config/rate_limit_flags.h"
#include "server/config/xdp_flags.h"

ABSL_FLAG(bool, dev, false,
          "Development mode (also the default when neither --root-key nor "
          "--delegation is given): use keys/dev-root.key under the current "
          "directory, creating it (mode 0600) when missing, and print its "
          "public key and the command to query this server.");
ABSL_FLAG(std::string, root_key, "",
          "Seed file of the long-term root key (mode 0600, no symlink). An "
          "online key is generated at start and delegated for 7 days.");
ABSL_FLAG(std::string, delegation, "",
          "Delegation file from roughtime-keygen (online key and CERTs); the "
          "root key never touches this host.");
ABSL_FLAG(std::vector<std::string>, listen, {},
          "Address to serve, HOST:PORT or [IPv6]:PORT (HOST alone takes "
          "--port); repeatable and comma-separated. Default: [::]:PORT, "
          "dual-stack (IPv4 and IPv6).");
ABSL_FLAG(int32_t, port, roughtime::server::kDefaultPort,
          "Default port (2002 like the deployed servers; 5319 is the port "
          "RFC 10049 assigned). 0 picks a free port (tests).");
ABSL_FLAG(int32_t, workers, 0,
          "Worker threads, each with its own SO_REUSEPORT socket per address "
          "(0: one per CPU).");
ABSL_FLAG(std::string, io,
          std::string(roughtime::server::IoModeName(
              roughtime::server::DefaultIoMode())),
          "Packet loop: mmsg (recvmmsg/sendmmsg batches, Linux), plain "
          "(one datagram per system call, portable) or xdp (AF_XDP sockets "
          "on the --xdp interfaces, plus mmsg for the UDP sockets; exits "
          "when they cannot be made).");
ABSL_FLAG(absl::Duration, radius, absl::Seconds(5),
          "Uncertainty radius (RADI) sent with the time; at least 1s, RFC "
          "10049 recommends 3s or more without leap-second information.");
ABSL_FLAG(absl::Duration, stats_interval, absl::Seconds(60),
          "Interval between counter summary lines on stderr (0: only at "
          "exit).");
ABSL_FLAG(int32_t, max_batch, 64,
          "Most requests signed together; bounded so that no response can "
          "be larger than its request.");
ABSL_FLAG(absl::Duration, batch_delay, absl::Milliseconds(1),
          "Longest a request waits for its batch while datagrams keep "
          "arriving, or while a busy worker holds its batch "
          "(--adaptive-batching).");
ABSL_FLAG(bool, adaptive_batching, true,
          "A worker busy over 80% of the time holds each batch until it is "
          "full or --batch-delay passed, so one signature covers more "
          "requests; under 60% a drained socket is answered at once.");
ABSL_FLAG(std::string, versions, "all",
          "Versions served: all, or a comma-separated list of google, "
          "draft-08 .. draft-11, 0x8000000c, 1.");
ABSL_FLAG(bool, reuse_addr, true,
          "Bind with SO_REUSEADDR so another UDP service may share the port "
          "on a different address; --noreuse-addr forbids that sharing (see "
          "docs/OPERATIONS.md on port hijacking).");
ABSL_FLAG(int32_t, rcvbuf, 4 << 20,
          "Socket receive buffer in bytes (0: system default).");
ABSL_FLAG(bool, kernel_filter, true,
          "Attach a classic BPF filter to every UDP socket so the kernel "
          "drops datagrams that cannot be a request (under 1024 bytes, or "
          "neither ROUGHTIM-framed nor Google-shaped) before the server "
          "wakes; those are then not in the server's counters (see "
          "docs/OPERATIONS.md). Linux only; --no-kernel-filter turns it off.");
ABSL_FLAG(bool, pin_workers, false,
          "One worker per CPU, each pinned to its CPU, with a reuseport BPF "
          "program that keeps every datagram on the CPU that received it. "
          "Linux only.");

ABSL_FLAG(bool, tcp, true,
          "Also serve TCP on the same addresses and port (RFC 10049 §5: "
          "ROUGHTIM packets back to back on a stream); --notcp turns it off.");
ABSL_FLAG(int32_t, tcp_max_connections, 1024,
          "Most TCP connections open at once; more are closed on accept.");
ABSL_FLAG(absl::Duration, tcp_idle_timeout, absl::Seconds(10),
          "A TCP connection that sends nothing for this long is closed.");
ABSL_FLAG(absl::Duration, online_key_lifetime, absl::Hours(24 * 7),
          "With the root key on this host (--root-key, --dev): how long each "
          "online key is delegated for (MAXT - now); at least 3s.");
ABSL_FLAG(absl::Duration, rotate_before, absl::Hours(24),
          "Delegate the next online key this long before the current one's "
          "MAXT (the overlap; at most half the lifetime). Workers switch "
          "within the first half of it, each at a random moment.");
ABSL_FLAG(absl::Duration, delegation_warn_before, absl::Hours(24 * 7),
          "With --delegation: start warning this long before the delegation "
          "expires (after it, the server stops signing).");
ABSL_FLAG(bool, radius_from_kernel, false,
          "Send a radius of at least the kernel's maximum clock error "
          "(adjtimex maxerror) while the kernel clock is synchronised.");
ABSL_FLAG(std::string, unsync_policy, "warn",
          "When the kernel clock is not synchronised (STA_UNSYNC): warn "
          "(log and serve), widen (add 1s to the radius) or refuse (sign "
          "nothing until synchronised). --dev always uses warn.");
ABSL_FLAG(double, grease_rate, 0,
          "Fraction (0..1) of responses deliberately made invalid (bad "
          "signature, missing tag, version not offered) or given an "
          "undefined tag, so clients keep checking (RFC 10049 grease). "
          "0 = off.");
ABSL_FLAG(absl::Duration, delegation_warn_interval, absl::Hours(24),
          "With --delegation: repeat the expiry warning this often.");

namespace roughtime::server {
namespace {

absl::StatusOr<VersionSet> ParseVersions(const std::string& text) {
  if (text == "all") return VersionSet::All();
  VersionSet set;
  for (absl::string_view name :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const absl::string_view stripped = absl::StripAsciiWhitespace(name);
    absl::StatusOr<Version> v =
        ParseVersionName(std::string_view(stripped.data(), stripped.size()));
    if (!v.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --versions entry '", name, "'"));
    }
    set.Add(*v);
  }
  if (set.empty()) return absl::InvalidArgumentError("--versions is empty");
  return set;
}

}  // namespace

size_t AvailableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<size_t>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

namespace {

// Each step below reads one group of flags into `config`; ConfigFromFlags
// runs them in a fixed order and stops at the first invalid flag.

absl::Status ReadKeySourceFlags(ServerConfig& config) {
  const bool dev = absl::GetFlag(FLAGS_dev);
  const std::string root_key = absl::GetFlag(FLAGS_root_key);
  const std::string delegation = absl::GetFlag(FLAGS_delegation);
  if (!root_key.empty() + !delegation.empty() + dev > 1) {
    return absl::InvalidArgumentError(
        "--dev, --root-key and --delegation exclude each other");
  }
  if (!root_key.empty()) {
    config.key_source = KeySource::kRootKey;
    config.key_path = root_key;
  } else if (!delegation.empty()) {
    config.key_source = KeySource::kDelegation;
    config.key_path = delegation;
  } else {
    config.key_source = KeySource::kDev;
    config.key_path = kDevKeyPath;
  }
  return absl::OkStatus();
}

// --port and every --listen value; no --listen means [::]:PORT.
absl::Status ReadListenFlags(const std::vector<std::string>& listen_values,
                             ServerConfig& config) {
  const int32_t port = absl::GetFlag(FLAGS_port);
  if (port < 0 || port > 65535) {
    return absl::InvalidArgumentError("--port must be 0..65535");
  }
  for (const std::string& value : listen_values) {
    for (absl::string_view item :
         absl::StrSplit(value, ',', absl::SkipWhitespace())) {
      absl::StatusOr<SocketAddress> address = ParseSocketAddress(
          absl::StripAsciiWhitespace(item), static_cast<uint16_t>(port));
      if (!address.ok()) return address.status();
      config.listen.push_back(*address);
    }
  }
  if (config.listen.size() > 64) {
    return absl::InvalidArgumentError("at most 64 --listen addresses");
  }
  config.default_listen = config.listen.empty();
  if (config.default_listen) {
    config.listen.push_back(SocketAddress::AnyV6(static_cast<uint16_t>(port)));
  }
  return absl::OkStatus();
}

absl::Status ReadWorkerFlags(ServerConfig& config) {
  const int32_t workers = absl::GetFlag(FLAGS_workers);
  if (workers < 0 || workers > 1024) {
    return absl::InvalidArgumentError("--workers must be 0..1024");
  }
  config.workers = workers == 0 ? AvailableCpus() : workers;
  absl::StatusOr<IoMode> io = ParseIoMode(absl::GetFlag(FLAGS_io));
  if (!io.ok()) return io.status();
  config.io_mode = *io;
  absl::StatusOr<xdp::XdpOptions> xdp = xdp::XdpOptionsFromFlags(*io);
  if (!xdp.ok()) return xdp.status();
  config.xdp = *std::move(xdp);
  return absl::OkStatus();
}

// RADI (RFC 10049 §5.2.5).
absl::Status ReadRadiusFlag(ServerConfig& config) {
  const absl::Duration radius = absl::GetFlag(FLAGS_radius);
  // Google-Roughtime carries RADI in microseconds in a uint32 (~71 min).
  if (radius < absl::Seconds(1) || radius > absl::Hours(1)) {
    return absl::InvalidArgumentError("--radius must be between 1s and 1h");
  }
  config.batcher.radius = radius;
  return absl::OkStatus();
}

absl::Status ReadStatsIntervalFlag(ServerConfig& config) {
  const absl::Duration interval = absl::GetFlag(FLAGS_stats_interval);
  if (interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--stats-interval must not be negative");
  }
  config.stats_interval = interval;
  return absl::OkStatus();
}

// How requests are batched and which versions are answered.
absl::Status ReadBatchFlags(ServerConfig& config) {
  const int32_t max_batch = absl::GetFlag(FLAGS_max_batch);
  if (max_batch < 1 || max_batch > 4096) {
    return absl::InvalidArgumentError("--max-batch must be 1..4096");
  }
  config.batcher.max_batch = static_cast<size_t>(max_batch);

  const absl::Duration delay = absl::GetFlag(FLAGS_batch_delay);
  if (delay < absl::ZeroDuration() || delay > absl::Seconds(1)) {
    return absl::InvalidArgumentError("--batch-delay must be 0..1s");
  }
  config.batcher.max_delay = delay;
  config.batcher.linger_when_busy = absl::GetFlag(FLAGS_adaptive_batching);

  absl::StatusOr<VersionSet> versions =
      ParseVersions(absl::GetFlag(FLAGS_versions));
  if (!versions.ok()) return versions.status();
  config.batcher.served = *versions;
  return absl::OkStatus();
}

// SocketOptions and --pin-workers (which also sets the worker count).
absl::Status ReadSocketFlags(ServerConfig& config) {
  const int32_t rcvbuf = absl::GetFlag(FLAGS_rcvbuf);
  if (rcvbuf < 0) return absl::InvalidArgumentError("--rcvbuf is negative");
  config.socket_options.receive_buffer = rcvbuf;
  config.socket_options.reuse_addr = absl::GetFlag(FLAGS_reuse_addr);
  config.socket_options.kernel.request_filter =
      absl::GetFlag(FLAGS_kernel_filter);
  if (absl::GetFlag(FLAGS_pin_workers)) {
    // Worker i is pinned to the i-th usable CPU (net/reuseport_steering.h).
    const int32_t workers = absl::GetFlag(FLAGS_workers);
    if (workers != 0 && static_cast<size_t>(workers) != AvailableCpus()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--pin-workers runs one worker per CPU (", AvailableCpus(),
          " here); drop --workers"));
    }
    config.workers = AvailableCpus();
    config.pin_workers = true;
    config.socket_options.kernel.cpu_steering = true;
  }
  return absl::OkStatus();
}

absl::Status ReadTcpFlags(ServerConfig& config) {
  config.tcp.enabled = absl::GetFlag(FLAGS_tcp);
  const int32_t max_connections = absl::GetFlag(FLAGS_tcp_max_connections);
  if (max_connections < 1 || max_connections > 1000000) {
    return absl::InvalidArgumentError(
        "--tcp-max-connections must be 1..1000000");
  }
  config.tcp.max_connections = static_cast<size_t>(max_connections);
  const absl::Duration idle = absl::GetFlag(FLAGS_tcp_idle_timeout);
  if (idle < absl::Milliseconds(100) || idle > absl::Hours(1)) {
    return absl::InvalidArgumentError(
        "--tcp-idle-timeout must be between 100ms and 1h");
  }
  config.tcp.idle_timeout = idle;
  return absl::OkStatus();
}

absl::Status ReadRotationFlags(ServerConfig& config) {
  config.rotation.lifetime = absl::GetFlag(FLAGS_online_key_lifetime);
  config.rotation.rotate_before = absl::GetFlag(FLAGS_rotate_before);
  return ValidateRotationPolicy(config.rotation);
}

// Needs the key source (ReadKeySourceFlags runs first).
absl::Status ReadClockPolicyFlags(ServerConfig& config) {
  config.clock_policy.radius_from_kernel =
      absl::GetFlag(FLAGS_radius_from_kernel);
  absl::StatusOr<UnsyncPolicy> unsync =
      ParseUnsyncPolicy(absl::GetFlag(FLAGS_unsync_policy));
  if (!unsync.ok()) return unsync.status();
  // A development machine must always be able to run, synchronised or not.
  config.clock_policy.unsync =
      config.key_source == KeySource::kDev ? UnsyncPolicy::kWarn : *unsync;
  return absl::OkStatus();
}

absl::Status ReadGreaseFlag(ServerConfig& config) {
  const double grease_rate = absl::GetFlag(FLAGS_grease_rate);
  if (!(grease_rate >= 0 && grease_rate <= 1)) {
    return absl::InvalidArgumentError("--grease-rate must be 0..1");
  }
  config.batcher.grease_rate = grease_rate;
  return absl::OkStatus();
}

absl::Status ReadDelegationWarningFlags(ServerConfig& config) {
  config.delegation_warn_before = absl::GetFlag(FLAGS_delegation_warn_before);
  config.delegation_warn_interval =
      absl::GetFlag(FLAGS_delegation_warn_interval);
  if (config.delegation_warn_before < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--delegation-warn-before must not be negative");
  }
  if (config.delegation_warn_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "--delegation-warn-interval must be at least 1s");
  }
  return absl::OkStatus();
}

// The flags defined in their own files (privilege_flags.cc,
// rate_limit_flags.cc, metrics_flags.cc).
absl::Status ReadFeatureFlags(ServerConfig& config) {
  absl::StatusOr<PrivilegeOptions> privileges = PrivilegeOptionsFromFlags();
  if (!privileges.ok()) return privileges.status();
  config.privileges = *std::move(privileges);
  absl::StatusOr<RateLimitOptions> rate_limit = RateLimitOptionsFromFlags();
  if (!rate_limit.ok()) return rate_limit.status();
  config.rate_limit = *rate_limit;
  absl::StatusOr<std::optional<SocketAddress>> metrics =
      MetricsListenFromFlags();
  if (!metrics.ok()) return metrics.status();
  config.metrics_listen = *metrics;
  return absl::OkStatus();
}

// The groups after the key source and the addresses, in the order they
// are validated (the first invalid flag is the error reported).
using FlagGroupReader = absl::Status (*)(ServerConfig&);
constexpr FlagGroupReader kFlagGroupsInOrder[] = {
    ReadWorkerFlags,
    ReadRadiusFlag,
    ReadStatsIntervalFlag,
    ReadBatchFlags,
    ReadSocketFlags,
    ReadTcpFlags,
    ReadRotationFlags,
    ReadClockPolicyFlags,
    ReadGreaseFlag,
    ReadDelegationWarningFlags,
    ReadFeatureFlags,
};

}  // namespace

absl::StatusOr<ServerConfig> ConfigFromFlags(
    const std::vector<std::string>& listen_values) {
  ServerConfig config;
  if (absl::Status s = ReadKeySourceFlags(config); !s.ok()) return s;
  if (absl::Status s = ReadListenFlags(listen_values, config); !s.ok()) {
    return s;
  }
  for (const FlagGroupReader read : kFlagGroupsInOrder) {
    if (absl::Status s = read(config); !s.ok()) return s;
  }
  return config;
}

}  // namespace roughtime::server
