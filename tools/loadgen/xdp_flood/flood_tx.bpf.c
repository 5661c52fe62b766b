/* roughtime-xdp-flood's program: every frame it is handed is transmitted
 * out of the interface it was "received" on (XDP_TX). Run through
 * BPF_PROG_RUN in live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES, kernel
 * 5.18+), the kernel repeats one frame as fast as a CPU can send it, with
 * no socket and no socket buffer: on a veth the frames reach the peer as a
 * NIC's would reach its driver, so the receiving side pays what a real
 * flood costs there (docs/PERFORMANCE.md, "XDP and AF_XDP"). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int flood_tx(struct xdp_md *ctx) { return XDP_TX; }

char LICENSE[] SEC("license") = "GPL";
