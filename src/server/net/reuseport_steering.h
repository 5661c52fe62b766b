// CPU-affine steering for --pin-workers: worker i runs pinned to the i-th
// CPU this process may use, and a classic BPF program attached to the
// SO_REUSEPORT group (SO_ATTACH_REUSEPORT_CBPF) hands each datagram to the
// socket of the worker on the CPU that received it, so a request is read,
// signed and answered on the core whose caches already hold it.
//
// The program's return value is an index into the reuseport group, and the
// kernel numbers the group's sockets in BIND ORDER (a closed socket's slot
// is taken by the last one). OpenListeners binds worker 0's socket first,
// then workers 1..n-1 in order, so index i is worker i's socket for every
// listen address. An index outside the group (a CPU without a worker) makes
// the kernel fall back to its default hash. Linux only.
#ifndef ROUGHTIME_SERVER_NET_REUSEPORT_STEERING_H_
#define ROUGHTIME_SERVER_NET_REUSEPORT_STEERING_H_

#include <vector>

#include "absl/status/status.h"

#ifdef __linux__
#include <linux/filter.h>
#endif

namespace roughtime::server {

// The CPUs this process may run on, ascending; worker i is pinned to
// WorkerCpus()[i]. Never empty (a single 0 when the affinity is unknown).
std::vector<int> WorkerCpus();

#ifdef __linux__
// `cpus[i]` is the CPU of the worker whose socket has group index i. When
// cpus == {0, 1, ..., n-1} the program is `ld cpu; ret A`; otherwise a
// table of `jeq #cpu, ret #index` pairs.
std::vector<sock_filter> CpuSteeringProgram(const std::vector<int>& cpus);
#endif

// Attaches CpuSteeringProgram(WorkerCpus()) to the reuseport group of the
// bound socket `fd` (replacing the group's program: every socket of the
// group attaches the same one).
absl::Status AttachCpuSteering(int fd);

// Pins the calling thread to `cpu` (sched_setaffinity).
absl::Status PinCurrentThreadToCpu(int cpu);

}  // namespace roughtime::server

#endif  // ROUGHTIME_SERVER_NET_REUSEPORT_STEERING_H_
