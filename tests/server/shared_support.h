// The shared test support (tests/support) in the server tests' namespace.
// The server tests and their own helpers live in roughtime::server::testing;
// the names they take from the one support library (roughtime::testing) are
// declared here once, for them, instead of in every test file.
#ifndef ROUGHTIME_TESTS_SERVER_SHARED_SUPPORT_H_
#define ROUGHTIME_TESTS_SERVER_SHARED_SUPPORT_H_

#include "support/files.h"
#include "support/keygen.h"
#include "support/server_process.h"
#include "support/stats_lines.h"
#include "support/temp_dir.h"

namespace roughtime::server::testing {

using ::roughtime::testing::ExitStats;
using ::roughtime::testing::FileMode;
using ::roughtime::testing::NewestStats;
using ::roughtime::testing::ParseStatsLine;
using ::roughtime::testing::ProgramResult;
using ::roughtime::testing::RoughtimedPath;
using ::roughtime::testing::RunKeygen;
using ::roughtime::testing::ServerProcess;
using ::roughtime::testing::StartListening;
using ::roughtime::testing::StartServer;
using ::roughtime::testing::TempDir;
using ::roughtime::testing::WriteFile;
using ::roughtime::testing::WriteSeedHexFile;

}  // namespace roughtime::server::testing

#endif  // ROUGHTIME_TESTS_SERVER_SHARED_SUPPORT_H_
