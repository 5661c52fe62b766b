// A Roughtime server for client tests, built from the protocol core
// (ParseRequest -> BatchResponder -> WriteResponse) and run on its own
// thread with a UDP and a TCP socket on one ephemeral loopback port. It can
// spoil its answers in each way a real server (or an attacker, or RFC
// 10049 §5.2 grease) might, so every client check can be seen to fire.
#ifndef ROUGHTIME_TESTS_CLIENT_TEST_SERVER_H_
#define ROUGHTIME_TESTS_CLIENT_TEST_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/request.h"
#include "roughtime/response.h"
#include "roughtime/tags.h"
#include "roughtime/version.h"

namespace roughtime::testing {

enum class Fault {
  kNone,
  kWrongNonce,        // NONC replaced: not an answer to our request
  kStrayThenValid,    // a reply with another NONC, then the right one
  kBadSrepSignature,  // top-level SIG damaged
  kBadDeleSignature,  // CERT.SIG damaged
  kWrongPath,         // a PATH hash damaged
  kWrongIndex,        // INDX points at another leaf
  kUndefinedTag,      // grease: an extra tag nobody defined (must pass)
  kMissingTag,        // grease: `missing_tag` removed from the top level
  kSilent,            // never answers
};

struct TestServerOptions {
  std::string host = "127.0.0.1";  // or "::1"
  VersionSet served = VersionSet::All();
  Fault fault = Fault::kNone;
  uint32_t missing_tag = kTagCert;
  int faulty_replies = -1;  // only the first N answers are spoiled; -1: all
  bool tcp = true;          // also listen on TCP (same port)
  bool udp_silent = false;  // UDP bound but never answering
  absl::Duration clock_offset;  // the server's clock runs this far ahead
  absl::Duration radius = absl::Seconds(3);
  // Answers with this version whatever the client offered.
  std::optional<Version> force_version;
  // The delegation ended a day ago (MIDP outside MINT..MAXT).
  bool expired_delegation = false;
  // Version-1 answers signed with the drafts' capital-T contexts, as
  // roughenough 2.0 did (fact sheet §4.2).
  bool pre_rfc_contexts = false;
  // Requests per signed batch (ours plus dummies) and where ours goes, so
  // PATH and INDX are not trivial.
  size_t batch_size = 4;
  size_t client_index = 1;
};

class TestServer {
 public:
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(
      TestServerOptions options);
  ~TestServer();

  uint16_t port() const { return port_; }
  std::string address() const;  // "127.0.0.1:P" or "[::1]:P"
  const PublicKey& public_key() const { return root_.public_key(); }
  std::string public_key_hex() const;
  std::string public_key_base64() const;

  // Every request packet received and every reply sent, in order.
  std::vector<Bytes> requests() const;
  std::vector<Bytes> replies() const;
  int udp_requests() const { return udp_requests_.load(); }
  int tcp_requests() const { return tcp_requests_.load(); }

 private:
  TestServer(TestServerOptions options, SigningKey root,
             OnlineIdentity identity);
  absl::Status Bind();
  void Run();
  void ServeConnection(int fd);
  std::vector<Bytes> Answer(ByteSpan request);
  absl::StatusOr<Bytes> Sign(const ParsedRequest& request);
  std::vector<Bytes> Spoil(Bytes reply, const ParsedRequest& request);

  TestServerOptions options_;
  SigningKey root_;
  OnlineIdentity identity_;
  RequestPolicy policy_;
  std::unique_ptr<BatchResponder> responder_;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::thread thread_;
  int spoiled_ = 0;  // only touched by the server thread
  std::atomic<int> udp_requests_{0};
  std::atomic<int> tcp_requests_{0};
  mutable absl::Mutex mu_;
  std::vector<Bytes> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<Bytes> replies_ ABSL_GUARDED_BY(mu_);
};

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_CLIENT_TEST_SERVER_H_
