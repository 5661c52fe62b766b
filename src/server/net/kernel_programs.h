// The one place the server's sockets get their kernel programs: the request
// filter (bpf_filter.h, --kernel-filter, on by default) and the CPU
// steering of --pin-workers (reuseport_steering.h). Called by OpenUdpSocket
// right after bind.
#ifndef ROUGHTIME_SERVER_NET_KERNEL_PROGRAMS_H_
#define ROUGHTIME_SERVER_NET_KERNEL_PROGRAMS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"

namespace roughtime::server {

// Off unless asked for: roughtimed's flags switch the filter on by default
// (--kernel-filter); sockets opened elsewhere (tests, tools) stay plain.
struct KernelPrograms {
  bool request_filter = false;  // --kernel-filter (default true)
  bool cpu_steering = false;    // --pin-workers
};

// Attaches what `programs` asks for to the bound UDP socket `fd`. Does
// nothing where the platform has no BPF (the start-up line says so).
absl::Status ApplyKernelPrograms(int fd, const KernelPrograms& programs);

// The start-up log line saying which kernel programs are in use.
std::string KernelProgramsSummary(const KernelPrograms& programs,
                                  size_t workers);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_NET_KERNEL_PROGRAMS_H_
