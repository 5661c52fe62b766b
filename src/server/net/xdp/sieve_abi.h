/* What the XDP request sieve (request_sieve.bpf.c) and roughtimed share:
 * the index of each counter in the program's per-CPU counter array, and the
 * sizes of its maps. Plain C, included by the BPF program and by C++. */
#ifndef ROUGHTIME_SERVER_NET_XDP_SIEVE_ABI_H_
#define ROUGHTIME_SERVER_NET_XDP_SIEVE_ABI_H_

/* One counter per fate of a frame the program looked at. Only UDP to a
 * served port is judged; everything else is passed without being counted,
 * so the program adds nothing to other traffic but the parse. */
enum sieve_counter {
  /* Request-shaped, handed to the AF_XDP socket of its receive queue. */
  SIEVE_REDIRECTED = 0,
  /* Request-shaped, passed to the kernel's UDP socket (no AF_XDP socket on
   * that queue: --xdp without --io xdp). */
  SIEVE_PASSED,
  /* To a served port but not judged here (IPv4 fragment, IPv6 extension
   * headers): the kernel reassembles or parses them and the socket filter
   * judges the datagram. */
  SIEVE_PASSED_UNPARSED,
  /* Dropped: payload under 1024 bytes (RFC 10049 §5.1 and §9: a request
   * fills a datagram so a reply can never amplify). */
  SIEVE_DROP_TOO_SHORT,
  /* Dropped: payload over 1500 bytes, the largest request served. */
  SIEVE_DROP_TOO_LONG,
  /* Dropped: neither "ROUGHTIM"-framed (RFC 10049 §5) nor a Google-Roughtime
   * message shape (1..64 tags, a whole number of 4-byte words). */
  SIEVE_DROP_NOT_ROUGHTIME,
  /* Dropped: the UDP length disagrees with the frame (truncated). */
  SIEVE_DROP_BAD_LENGTH,
  SIEVE_COUNTER_COUNT
};

/* The same shape limits as the classic socket filter (bpf_filter.h). */
#define SIEVE_MIN_PAYLOAD 1024
#define SIEVE_MAX_PAYLOAD 1500
#define SIEVE_MAX_GOOGLE_TAGS 64

/* Served UDP ports (network byte order) and AF_XDP sockets by queue. */
#define SIEVE_MAX_PORTS 64
#define SIEVE_MAX_QUEUES 256

#endif /* ROUGHTIME_SERVER_NET_XDP_SIEVE_ABI_H_ */
