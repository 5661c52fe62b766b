// The running server: keys, sockets, worker threads, signals and the
// periodic counter summary. main.cc only parses flags and calls RunServer.
#ifndef ROUGHTIME_SERVER_SERVER_H_
#define ROUGHTIME_SERVER_SERVER_H_

#include "absl/strings/string_view.h"

#include "server/config/server_config.h"

namespace roughtime::server {

// Serves until SIGTERM or SIGINT; returns the process exit status (0 after a
// clean stop, 1 when the server could not start).
int RunServer(const ServerConfig& config, absl::string_view argv0);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_SERVER_H_
