// The fixture of the XDP end-to-end tests: a namespace pair (netns_pair.h)
// and roughtimed started in the server's namespace, its development key in
// a temporary directory, and the generator-side tools run in the other.
// Skips with the reason where namespaces or XDP are not permitted.
#ifndef ROUGHTIME_TESTS_XDP_XDP_FIXTURE_H_
#define ROUGHTIME_TESTS_XDP_XDP_FIXTURE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "netns_pair.h"
#include "nlohmann/json.hpp"
#include "roughtime/crypto.h"
#include "shared_support.h"

namespace roughtime::xdp_testing {

class XdpLabTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Starts roughtimed --dev in the server namespace (in dir_, so every
  // server of a test shares one key) with `flags`; waits for "serving".
  std::unique_ptr<server::testing::ServerProcess> StartServer(
      const std::vector<std::string>& flags);
  // roughtime-bench in the generator's namespace; its JSON report.
  nlohmann::json Bench(const std::vector<std::string>& flags);
  // The exit stats of a server stopped with SIGTERM (expects exit 0).
  std::map<std::string, uint64_t> StopAndStats(
      std::unique_ptr<server::testing::ServerProcess>& server);

  std::unique_ptr<NetnsPair> pair_;
  server::testing::TempDir dir_;
  std::string key_base64_;
  PublicKey key_{};
};

}  // namespace roughtime::xdp_testing

#endif  // ROUGHTIME_TESTS_XDP_XDP_FIXTURE_H_
