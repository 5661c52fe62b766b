#include "server/net/kernel_programs.h"

#include "absl/strings/str_cat.h"
#include "server/net/bpf_filter.h"
#include "server/net/reuseport_steering.h"

namespace roughtime::server {

absl::Status ApplyKernelPrograms(int fd, const KernelPrograms& programs) {
  if (!kKernelFiltersAvailable) return absl::OkStatus();
  if (programs.request_filter) {
    absl::Status s = AttachRequestFilter(fd);
    if (!s.ok()) return s;
  }
  if (programs.cpu_steering) {
    absl::Status s = AttachCpuSteering(fd);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string KernelProgramsSummary(const KernelPrograms& programs,
                                  size_t workers) {
  if (!kKernelFiltersAvailable) {
    return "kernel filter and CPU steering: not available on this platform "
           "(no classic BPF); every datagram reaches the server's checks";
  }
  std::string line =
      programs.request_filter
          ? "kernel filter on: datagrams under 1024 bytes or not shaped like "
            "a Roughtime request are dropped by the kernel and not counted "
            "here (--no-kernel-filter to count them)"
          : "kernel filter off: every datagram is counted by the server";
  if (programs.cpu_steering) {
    absl::StrAppend(&line, "; ", workers,
                    " workers pinned one per CPU, datagrams steered to the "
                    "worker of the CPU that received them");
  }
  return line;
}

}  // namespace roughtime::server
