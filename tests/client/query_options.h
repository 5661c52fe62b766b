// Query options for the client tests that query an in-process TestServer:
// short timeouts, and backoff waits recorded instead of slept.
#ifndef ROUGHTIME_TESTS_CLIENT_QUERY_OPTIONS_H_
#define ROUGHTIME_TESTS_CLIENT_QUERY_OPTIONS_H_

#include <vector>

#include "absl/time/time.h"
#include "client/query.h"
#include "test_server.h"

namespace roughtime::testing {

// Query options aimed at `server`, with short timeouts and a sleeper that
// records the backoff waits in `*waits` instead of sleeping.
client::QueryOptions OptionsFor(const TestServer& server,
                                std::vector<absl::Duration>* waits,
                                client::Offer offer = client::DefaultOffer());

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_CLIENT_QUERY_OPTIONS_H_
