// The results of a run, as text for people or one JSON object for scripts
// (docs/PERFORMANCE.md explains every figure).
#ifndef ROUGHTIME_TOOLS_LOADGEN_REPORT_H_
#define ROUGHTIME_TOOLS_LOADGEN_REPORT_H_

#include <string>

#include "args.h"
#include "load_runner.h"

namespace roughtime::loadgen {

std::string FormatText(const BenchOptions& options, const RunResult& result);
std::string FormatJson(const BenchOptions& options, const RunResult& result);

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_REPORT_H_
