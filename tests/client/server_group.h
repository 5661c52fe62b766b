// Several in-test servers on loopback with their server list, for the
// chained-measurement tests (measure, check, sync).
#ifndef ROUGHTIME_TESTS_CLIENT_SERVER_GROUP_H_
#define ROUGHTIME_TESTS_CLIENT_SERVER_GROUP_H_

#include <memory>
#include <string>
#include <vector>

#include "client/server_list.h"
#include "test_server.h"

namespace roughtime::testing {

struct ServerGroup {
  std::vector<std::unique_ptr<TestServer>> servers;
  std::vector<client::ListedServer> listed;  // server-0, server-1, ...
  std::string list_json;                     // RFC 10049 §8.3 list
};

// One server per entry of `options`, alternating 127.0.0.1 and ::1. Extra
// `duplicate_of` entries list an existing server again under another name
// (same key): they must not count as independent.
ServerGroup StartGroup(std::vector<TestServerOptions> options,
                       std::vector<size_t> duplicate_of = {});

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_CLIENT_SERVER_GROUP_H_
