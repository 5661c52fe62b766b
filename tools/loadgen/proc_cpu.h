// CPU time of a process, for "server CPU per request": utime + stime from
// /proc/PID/stat (all threads of the process), in clock ticks divided by
// sysconf(_SC_CLK_TCK). Tick resolution is 1/CLK_TCK (10 ms on Linux), so
// windows shorter than a few seconds carry a visible quantisation error.
#ifndef ROUGHTIME_TOOLS_LOADGEN_PROC_CPU_H_
#define ROUGHTIME_TOOLS_LOADGEN_PROC_CPU_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace roughtime::loadgen {

// Parses the text of /proc/PID/stat. The command name (field 2) may hold
// spaces and parentheses, so fields are counted from the last ')'.
absl::StatusOr<double> ParseProcStatCpuSeconds(std::string_view stat,
                                               long ticks_per_second);

// utime + stime of `pid` in seconds.
absl::StatusOr<double> ReadProcessCpuSeconds(int pid);

// This process's user + system CPU (getrusage, microsecond resolution).
double SelfCpuSeconds();

// sysconf(_SC_CLK_TCK).
long ClockTicksPerSecond();

}  // namespace roughtime::loadgen

#endif  // ROUGHTIME_TOOLS_LOADGEN_PROC_CPU_H_
