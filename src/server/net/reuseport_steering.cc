#include "server/net/reuseport_steering.h"

#include <errno.h>
#include <sched.h>
#include <sys/socket.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace roughtime::server {

std::vector<int> WorkerCpus() {
  std::vector<int> cpus;
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    }
  }
#endif
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

#ifdef __linux__

std::vector<sock_filter> CpuSteeringProgram(const std::vector<int>& cpus) {
  // A = the CPU that is processing this packet (an ancillary load).
  std::vector<sock_filter> program = {
      {BPF_LD | BPF_W | BPF_ABS, 0, 0,
       static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_CPU)}};
  bool identity = true;
  for (size_t i = 0; i < cpus.size(); ++i) {
    identity = identity && cpus[i] == static_cast<int>(i);
  }
  if (identity) {
    // CPU i's worker owns group index i: return the CPU itself.
    program.push_back({BPF_RET | BPF_A, 0, 0, 0});
    return program;
  }
  for (size_t i = 0; i < cpus.size(); ++i) {
    // CPU cpus[i]? answer index i (skip the ret otherwise).
    program.push_back({BPF_JMP | BPF_JEQ | BPF_K, 0, 1,
                       static_cast<uint32_t>(cpus[i])});
    program.push_back({BPF_RET | BPF_K, 0, 0, static_cast<uint32_t>(i)});
  }
  // No worker on this CPU: an out-of-range index selects the default hash.
  program.push_back({BPF_RET | BPF_K, 0, 0, 0xffffffff});
  return program;
}

absl::Status AttachCpuSteering(int fd) {
  std::vector<sock_filter> program = CpuSteeringProgram(WorkerCpus());
  sock_fprog fprog{};
  fprog.len = static_cast<unsigned short>(program.size());
  fprog.filter = program.data();
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &fprog,
                 sizeof(fprog)) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "SO_ATTACH_REUSEPORT_CBPF: ", std::strerror(errno),
        " (run without --pin-workers)"));
  }
  return absl::OkStatus();
}

absl::Status PinCurrentThreadToCpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "sched_setaffinity(cpu ", cpu, "): ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

#else  // !__linux__

absl::Status AttachCpuSteering(int) {
  return absl::UnimplementedError("no reuseport BPF steering here");
}

absl::Status PinCurrentThreadToCpu(int) {
  return absl::UnimplementedError("no CPU pinning here");
}

#endif

}  // namespace roughtime::server
