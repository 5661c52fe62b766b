#include "classic_bpf.h"

#include "server/net/bpf_filter.h"

namespace roughtime::server::testing {
namespace {

// Big-endian loads, as classic BPF does them (network byte order).
std::optional<uint32_t> Load(ByteSpan packet, uint32_t offset, uint32_t size) {
  if (offset > packet.size() || packet.size() - offset < size) {
    return std::nullopt;
  }
  uint32_t value = 0;
  for (uint32_t i = 0; i < size; ++i) value = value << 8 | packet[offset + i];
  return value;
}

}  // namespace

std::optional<uint32_t> RunClassicBpf(const std::vector<sock_filter>& program,
                                      ByteSpan packet) {
  uint32_t a = 0;
  size_t pc = 0;
  // Classic BPF only jumps forward, so the program ends within its length.
  while (pc < program.size()) {
    const sock_filter& insn = program[pc++];
    switch (insn.code) {
      case BPF_LD | BPF_W | BPF_LEN:
        a = static_cast<uint32_t>(packet.size());
        break;
      case BPF_LD | BPF_W | BPF_ABS:
      case BPF_LD | BPF_H | BPF_ABS:
      case BPF_LD | BPF_B | BPF_ABS: {
        const uint32_t size = BPF_SIZE(insn.code) == BPF_W   ? 4
                              : BPF_SIZE(insn.code) == BPF_H ? 2
                                                             : 1;
        const std::optional<uint32_t> loaded = Load(packet, insn.k, size);
        if (!loaded) return 0;  // the kernel ends the program: drop
        a = *loaded;
        break;
      }
      case BPF_JMP | BPF_JA:
        pc += insn.k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        pc += a == insn.k ? insn.jt : insn.jf;
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        pc += a > insn.k ? insn.jt : insn.jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        pc += a >= insn.k ? insn.jt : insn.jf;
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        pc += (a & insn.k) != 0 ? insn.jt : insn.jf;
        break;
      case BPF_RET | BPF_K:
        return insn.k;
      case BPF_RET | BPF_A:
        return a;
      default:
        return std::nullopt;  // not an instruction our programs use
    }
  }
  return std::nullopt;  // fell off the end (the kernel refuses such programs)
}

std::optional<bool> RequestFilterPasses(ByteSpan payload) {
  static const std::vector<sock_filter>* const program =
      new std::vector<sock_filter>(RequestFilterProgram());
  Bytes packet(8, 0);  // the UDP header the socket filter sees first
  packet.insert(packet.end(), payload.begin(), payload.end());
  const std::optional<uint32_t> verdict = RunClassicBpf(*program, packet);
  if (!verdict) return std::nullopt;
  return *verdict != 0;
}

}  // namespace roughtime::server::testing
