// Small shared helpers for the client tests.
#ifndef ROUGHTIME_TESTS_CLIENT_TEST_SUPPORT_H_
#define ROUGHTIME_TESTS_CLIENT_TEST_SUPPORT_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "client/query.h"
#include "test_server.h"

namespace roughtime::client_test {

// Query options aimed at `server`, with short timeouts and a sleeper that
// records the backoff waits in `*waits` instead of sleeping.
client::QueryOptions OptionsFor(const TestServer& server,
                                std::vector<absl::Duration>* waits,
                                client::Offer offer = client::DefaultOffer());

// A fresh empty directory under $TMPDIR for one test's files.
std::string MakeTempDir();
std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& contents);

}  // namespace roughtime::client_test

#endif  // ROUGHTIME_TESTS_CLIENT_TEST_SUPPORT_H_
