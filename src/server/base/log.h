// Log lines on stderr, each "roughtimed: <message>" written with a single
// write(2) so lines from several threads never interleave. Nothing secret
// is ever passed here (private keys never reach a log).
#ifndef ROUGHTIME_SERVER_BASE_LOG_H_
#define ROUGHTIME_SERVER_BASE_LOG_H_

#include "absl/strings/string_view.h"

namespace roughtime::server {

void Log(absl::string_view message);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_BASE_LOG_H_
