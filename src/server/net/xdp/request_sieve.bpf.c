/* The XDP request sieve: roughtimed attaches it to each --xdp interface
 * (xdp_program.h). It runs in the driver before the kernel allocates a
 * socket buffer, so a flood of junk to the Roughtime port costs a parse and
 * a counter per frame instead of the kernel's whole IP and UDP receive path
 * (which the classic socket filter, bpf_filter.h, only ends after it).
 *
 * Only UDP to a served port (the served_ports map) is judged, with the same
 * shape rules as the socket filter; everything else (other ports, TCP,
 * ARP, ICMP, IPv6 neighbour discovery, VLAN-tagged frames) is passed
 * untouched. A request-shaped datagram goes to the AF_XDP socket of its
 * receive queue (--io xdp, the xsks map) or, with no socket there, on to
 * the kernel. Each verdict but "not ours" is counted in `counters`, which
 * roughtimed adds to its stats line and /metrics (sieve_abi.h).
 *
 * The sieve is a first filter only: what it lets through still goes through
 * all of the server's checks (ParseRequest), as from the socket filter. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "sieve_abi.h"

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, SIEVE_COUNTER_COUNT);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

/* Key: UDP port in network byte order; value unused. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, SIEVE_MAX_PORTS);
  __type(key, __u16);
  __type(value, __u8);
} served_ports SEC(".maps");

/* Key: receive queue index; value: an AF_XDP socket (filled by user space). */
struct {
  __uint(type, BPF_MAP_TYPE_XSKMAP);
  __uint(max_entries, SIEVE_MAX_QUEUES);
  __type(key, __u32);
  __type(value, __u32);
} xsks SEC(".maps");

static __always_inline int count(enum sieve_counter counter, int verdict) {
  __u32 key = counter;
  __u64 *value = bpf_map_lookup_elem(&counters, &key);
  if (value) *value += 1; /* per-CPU slot: no atomic needed */
  return verdict;
}

static __always_inline int served(const struct udphdr *udp) {
  __u16 port = udp->dest;
  return bpf_map_lookup_elem(&served_ports, &port) != 0;
}

/* "ROUGHTIM", the framing of every IETF version (RFC 10049 §5). */
static __always_inline int framed(const __u8 *p) {
  return p[0] == 'R' && p[1] == 'O' && p[2] == 'U' && p[3] == 'G' &&
         p[4] == 'H' && p[5] == 'T' && p[6] == 'I' && p[7] == 'M';
}

/* A Google-Roughtime request is a bare message: a little-endian tag count
 * (a handful; at most SIEVE_MAX_GOOGLE_TAGS) then whole 4-byte words. */
static __always_inline int google_shaped(const __u8 *p, __u32 payload) {
  return p[1] == 0 && p[2] == 0 && p[3] == 0 && p[0] >= 1 &&
         p[0] <= SIEVE_MAX_GOOGLE_TAGS && (payload & 3) == 0;
}

/* Judges a UDP datagram to a served port whose header is in the frame. */
static __always_inline int judge(struct xdp_md *ctx, struct udphdr *udp,
                                 void *data_end) {
  __u32 udp_len = bpf_ntohs(udp->len) & 0xffff;
  if (udp_len < sizeof(*udp) || (void *)udp + udp_len > data_end)
    return count(SIEVE_DROP_BAD_LENGTH, XDP_DROP);
  __u32 payload = udp_len - sizeof(*udp);
  if (payload < SIEVE_MIN_PAYLOAD) return count(SIEVE_DROP_TOO_SHORT, XDP_DROP);
  if (payload > SIEVE_MAX_PAYLOAD) return count(SIEVE_DROP_TOO_LONG, XDP_DROP);
  const __u8 *p = (const __u8 *)(udp + 1);
  if ((void *)(p + 8) > data_end) return count(SIEVE_DROP_BAD_LENGTH, XDP_DROP);
  if (!framed(p) && !google_shaped(p, payload))
    return count(SIEVE_DROP_NOT_ROUGHTIME, XDP_DROP);
  /* XDP_PASS when no AF_XDP socket serves this queue. */
  int verdict = bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
  return count(verdict == XDP_REDIRECT ? SIEVE_REDIRECTED : SIEVE_PASSED,
               verdict);
}

SEC("xdp")
int roughtime_request_sieve(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end) return XDP_PASS;

  if (eth->h_proto == bpf_htons(ETH_P_IP)) {
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end) return XDP_PASS;
    if (ip->protocol != IPPROTO_UDP || ip->ihl < 5) return XDP_PASS;
    /* A later fragment has no UDP header: only the kernel can tell whose
     * it is. */
    if (ip->frag_off & bpf_htons(0x1fff)) return XDP_PASS;
    struct udphdr *udp = (void *)ip + ip->ihl * 4;
    if ((void *)(udp + 1) > data_end || !served(udp)) return XDP_PASS;
    /* A first fragment: the kernel reassembles, the socket filter judges. */
    if (ip->frag_off & bpf_htons(0x2000))
      return count(SIEVE_PASSED_UNPARSED, XDP_PASS);
    return judge(ctx, udp, data_end);
  }
  if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr *ip6 = (void *)(eth + 1);
    if ((void *)(ip6 + 1) > data_end) return XDP_PASS;
    /* Extension headers (and so fragments) are left to the kernel. */
    if (ip6->nexthdr != IPPROTO_UDP) return XDP_PASS;
    struct udphdr *udp = (void *)(ip6 + 1);
    if ((void *)(udp + 1) > data_end || !served(udp)) return XDP_PASS;
    return judge(ctx, udp, data_end);
  }
  return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
