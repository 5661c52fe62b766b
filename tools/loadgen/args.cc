#include "args.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "roughtime/bytes.h"
#include "roughtime/request.h"
#include "roughtime/wire.h"

namespace roughtime::loadgen {
namespace {

// Walks "--name value" and "--name=value" pairs.
class ArgReader {
 public:
  explicit ArgReader(const std::vector<std::string>& args) : args_(args) {}

  // Advances to the next option; false at the end.
  absl::StatusOr<bool> Next() {
    if (i_ >= args_.size()) return false;
    const std::string& a = args_[i_++];
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument '", a, "' (see --help)"));
    }
    const size_t eq = a.find('=');
    name_ = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    inline_value_.reset();
    if (eq != std::string::npos) inline_value_ = a.substr(eq + 1);
    return true;
  }
  const std::string& name() const { return name_; }
  bool has_inline_value() const { return inline_value_.has_value(); }

  absl::StatusOr<std::string> Value() {
    if (inline_value_) return *inline_value_;
    if (i_ >= args_.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name_, " needs a value"));
    }
    return args_[i_++];
  }

 private:
  const std::vector<std::string>& args_;
  size_t i_ = 0;
  std::string name_;
  std::optional<std::string> inline_value_;
};

absl::Status Bad(const std::string& name, const std::string& value,
                 std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "bad value '", value, "' for --", name, ": ", AbslView(why)));
}

absl::StatusOr<uint64_t> ParseCount(const std::string& name,
                                    const std::string& value, uint64_t min,
                                    uint64_t max) {
  uint64_t v = 0;
  if (!absl::SimpleAtoi(value, &v) || v < min || v > max) {
    return Bad(name, value,
               absl::StrCat("expected an integer from ", min, " to ", max));
  }
  return v;
}

absl::StatusOr<double> ParseReal(const std::string& name,
                                 const std::string& value, double min,
                                 double max) {
  double v = 0;
  if (!absl::SimpleAtod(value, &v) || !std::isfinite(v) || v < min ||
      v > max) {
    return Bad(name, value, absl::StrCat("expected a number from ", min,
                                         " to ", max));
  }
  return v;
}

// "2.5" (seconds), or anything absl::ParseDuration takes ("500ms", "3s").
absl::StatusOr<absl::Duration> ParseSeconds(const std::string& name,
                                            const std::string& value,
                                            absl::Duration max) {
  absl::Duration d;
  double seconds = 0;
  if (absl::SimpleAtod(value, &seconds) && std::isfinite(seconds)) {
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(value, &d)) {
    return Bad(name, value, "expected seconds, or a duration like 500ms");
  }
  if (d <= absl::ZeroDuration() || d > max) {
    return Bad(name, value, absl::StrCat("must be above 0 and at most ",
                                         absl::FormatDuration(max)));
  }
  return d;
}

#define ASSIGN_OR_RETURN_ARG(lhs, expr) \
  {                                     \
    auto _v = (expr);                   \
    if (!_v.ok()) return _v.status();   \
    lhs = *std::move(_v);               \
  }

}  // namespace

size_t DefaultRequestSize(Version v) {
  const VersionSpec& s = Spec(v);
  if (!s.framed || s.response_top_level_ver) return kMinRequestSize;
  return kFrameHeaderSize + kDefaultRequestMessageSize;
}

namespace {

// Which options the command line gave (the checks across options need it).
struct BenchOptionsSeen {
  bool server = false;
  bool rate = false;
  bool concurrency = false;
};

// Applies one "--name value" option to `o`.
absl::Status ApplyBenchOption(const std::string& name, const std::string& value,
                              BenchOptions& o, BenchOptionsSeen& seen) {
  if (name == "server") {
    ASSIGN_OR_RETURN_ARG(o.server, ParseLoopbackAddress(value, false));
    seen.server = true;
  } else if (name == "version") {
    absl::StatusOr<Version> v = ParseVersionName(value);
    if (!v.ok()) {
      return Bad(name, value,
                 "expected google, draft-08 .. draft-11, 0x8000000c or 1");
    }
    o.version = *v;
  } else if (name == "request-size") {
    ASSIGN_OR_RETURN_ARG(o.request_size,
                         ParseCount(name, value, 64, kMaxRequestSize));
  } else if (name == "rate") {
    ASSIGN_OR_RETURN_ARG(o.rate, ParseReal(name, value, 0.1, 1e7));
    o.mode = LoopMode::kOpen;
    seen.rate = true;
  } else if (name == "concurrency") {
    ASSIGN_OR_RETURN_ARG(o.concurrency, ParseCount(name, value, 1, 65536));
    seen.concurrency = true;
  } else if (name == "duration") {
    ASSIGN_OR_RETURN_ARG(o.duration,
                         ParseSeconds(name, value, absl::Hours(24)));
  } else if (name == "requests") {
    ASSIGN_OR_RETURN_ARG(o.max_requests,
                         ParseCount(name, value, 1, uint64_t{1} << 40));
  } else if (name == "timeout") {
    ASSIGN_OR_RETURN_ARG(o.timeout,
                         ParseSeconds(name, value, absl::Seconds(60)));
  } else if (name == "verify-fraction") {
    ASSIGN_OR_RETURN_ARG(o.verify_fraction, ParseReal(name, value, 0, 1));
  } else if (name == "key") {
    absl::StatusOr<Bytes> k = DecodeKeyText(value, kPublicKeySize);
    if (!k.ok()) {
      return Bad(name, value,
                 "expected a 32-byte public key in base64 or 64 hex digits");
    }
    PublicKey pk{};
    std::copy(k->begin(), k->end(), pk.begin());
    o.key = pk;
  } else if (name == "server-pid") {
    ASSIGN_OR_RETURN_ARG(o.server_pid, ParseCount(name, value, 1, 1 << 30));
  } else if (name == "sockets") {
    ASSIGN_OR_RETURN_ARG(o.sockets, ParseCount(name, value, 1, 64));
  } else if (name == "batch") {
    ASSIGN_OR_RETURN_ARG(o.batch, ParseCount(name, value, 1, 1024));
  } else if (name == "junk-size") {
    ASSIGN_OR_RETURN_ARG(o.junk_size, ParseCount(name, value, 1, 1023));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown option --", name, " (see --help)"));
  }
  return absl::OkStatus();
}

// The rules between options, checked once all are read; fills in the
// default request size of the chosen version.
absl::Status CheckBenchOptions(const BenchOptionsSeen& seen, BenchOptions& o) {
  if (!seen.server) {
    return absl::InvalidArgumentError("--server HOST:PORT is required");
  }
  if (seen.rate && seen.concurrency) {
    return absl::InvalidArgumentError(
        "give either --rate (open loop) or --concurrency (closed loop)");
  }
  if (o.verify_fraction > 0 && !o.key) {
    return absl::InvalidArgumentError(
        "--verify-fraction needs --key (the server's root public key)");
  }
  if (o.request_size == 0) o.request_size = DefaultRequestSize(o.version);
  if (o.request_size % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--request-size ", o.request_size, " is not a multiple of 4"));
  }
  if (o.junk_size > 0 && (!seen.rate || o.junk_size >= o.request_size)) {
    return absl::InvalidArgumentError(
        "--junk-size needs --rate and must be below the request size");
  }
  if (o.junk_foreign && (!seen.rate || o.junk_size > 0)) {
    return absl::InvalidArgumentError(
        "--junk-foreign needs --rate and excludes --junk-size");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BenchOptions> ParseBenchArgs(
    const std::vector<std::string>& args) {
  BenchOptions o;
  BenchOptionsSeen seen;
  ArgReader r(args);
  for (;;) {
    absl::StatusOr<bool> more = r.Next();
    if (!more.ok()) return more.status();
    if (!*more) break;
    const std::string name = r.name();
    if (name == "json") {
      if (r.has_inline_value()) {
        return absl::InvalidArgumentError("--json takes no value");
      }
      o.json = true;
      continue;
    }
    if (name == "junk-foreign") {
      if (r.has_inline_value()) {
        return absl::InvalidArgumentError("--junk-foreign takes no value");
      }
      o.junk_foreign = true;
      continue;
    }
    std::string value;
    ASSIGN_OR_RETURN_ARG(value, r.Value());
    if (absl::Status s = ApplyBenchOption(name, value, o, seen); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = CheckBenchOptions(seen, o); !s.ok()) return s;
  return o;
}

absl::StatusOr<EchoOptions> ParseEchoArgs(
    const std::vector<std::string>& args) {
  EchoOptions o;
  ArgReader r(args);
  bool have_listen = false;
  for (;;) {
    absl::StatusOr<bool> more = r.Next();
    if (!more.ok()) return more.status();
    if (!*more) break;
    const std::string name = r.name();
    std::string value;
    ASSIGN_OR_RETURN_ARG(value, r.Value());
    if (name == "listen") {
      ASSIGN_OR_RETURN_ARG(o.listen, ParseLoopbackAddress(value, true));
      have_listen = true;
    } else if (name == "pid-file") {
      o.pid_file = value;
    } else if (name == "reply-size") {
      ASSIGN_OR_RETURN_ARG(o.reply_size, ParseCount(name, value, 1, 1500));
    } else if (name == "min-request-size") {
      ASSIGN_OR_RETURN_ARG(o.min_request_size,
                           ParseCount(name, value, 1, 1500));
    } else if (name == "duration") {
      ASSIGN_OR_RETURN_ARG(o.duration,
                           ParseSeconds(name, value, absl::Hours(24)));
    } else if (name == "batch") {
      ASSIGN_OR_RETURN_ARG(o.batch, ParseCount(name, value, 1, 1024));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown echo option --", name, " (see echo --help)"));
    }
  }
  if (!have_listen) {
    return absl::InvalidArgumentError("echo needs --listen HOST:PORT");
  }
  return o;
}

std::string BenchUsage() {
  return R"(usage: roughtime-bench --server HOST:PORT [options]
       roughtime-bench echo --listen HOST:PORT [echo options]

Load generator for Roughtime servers on loopback (127.0.0.0/8 or ::1), or
on 192.0.2.0/24 / 2001:db8::/32 from inside its own network namespace.
Closed loop by default (--concurrency requests outstanding); --rate switches
to open loop (fixed request rate, sent in small bursts).

  --server HOST:PORT     target (loopback, or a namespace lab address)
  --version V            google, draft-08 .. draft-11, 0x8000000c, 1 (default 1)
  --request-size N       datagram bytes (default 1036 for 1 and 0x8000000c,
                         1024 for google and drafts <= 11)
  --concurrency N        closed loop: requests outstanding (default 64)
  --rate R               open loop: requests per second
  --duration S           length of the send phase (default 5s)
  --requests N           stop sending after N requests (whichever comes first)
  --timeout S            a request unanswered this long is lost (default 1s)
  --verify-fraction F    fully verify this fraction of responses (needs --key)
  --key KEY              server root public key, base64 or hex
  --server-pid PID       measure this process's CPU over the window
  --sockets N            source sockets (default 4)
  --batch N              datagrams per sendmmsg/recvmmsg (default 32)
  --junk-size N          send only the first N bytes of each request: an
                         undersized flood nobody answers (needs --rate)
  --junk-foreign         send full-size datagrams that are not Roughtime
                         (first 8 bytes overwritten): a wrong-protocol
                         flood nobody answers (needs --rate)
  --json                 one JSON object on stdout instead of text
)";
}

std::string EchoUsage() {
  return R"(usage: roughtime-bench echo --listen HOST:PORT [options]

Answers every datagram of at least --min-request-size bytes with its first
--reply-size bytes (recvmmsg/sendmmsg, one thread): the raw UDP cost that
bounds any server. Prints its address and PID; stops on SIGINT/SIGTERM.

  --listen HOST:PORT     loopback address (port 0: any free port)
  --pid-file PATH        also write the PID here
  --reply-size N         bytes echoed (default 400)
  --min-request-size N   smaller datagrams are ignored (default 1024)
  --duration S           exit after this long at most (default 10m)
  --batch N              datagrams per system call (default 64)
)";
}

}  // namespace roughtime::loadgen
