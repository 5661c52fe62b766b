#include "commands.h"

namespace roughtime::cli {

std::string HelpText() {
  return R"(roughtime - a Roughtime client (RFC 10049)

Usage:
  roughtime query HOST:PORT --key KEY [options]
  roughtime query --server NAME --servers FILE [options]
  roughtime measure --servers FILE [--count N] [--report FILE] [options]
  roughtime check --servers FILE [--quorum N] [--warn-margin D] [options]
  roughtime sync --servers FILE [--quorum N] [--dry-run] [--allow-backwards]
                 [--evidence FILE] [options]
  roughtime verify-report FILE [--draft-contexts] [--json]
  roughtime --version    (this program's version; after a command,
                         --version V is the protocol version)

query: ask one server, verify the answer completely, print the time.
  --key KEY              server's long-term Ed25519 public key
                         (64 hex digits or base64)
  --server NAME          take address, key and version from --servers FILE
  --version V            offer only V: google, draft-08 .. draft-11,
                         0x8000000c (draft-12), 1 (default: offer 1 and
                         0x8000000c)
measure: query every server in FILE (or --count N picked at random) twice in
  the same order with chained nonces (RFC 10049 §8.2), check every pair
  for causal consistency, print the agreed interval and the local offset.
  Valid but contradicting answers are written as a malfeasance report to
  --report FILE (default ./roughtime-malfeasance-<unix>.json, never
  overwritten). Google-Roughtime servers cannot be chained and are skipped.
check: measure like `measure` and judge the local clock against the agreed
  interval (a monitoring plugin). Exit 0 OK (inside), 1 WARNING (inside but
  closer than --warn-margin D to an edge, default 0.5s), 2 CRITICAL
  (outside), 3 UNKNOWN (fewer than --quorum N servers with distinct keys
  answered, default 2; answers contradict each other, report written as
  measure does; usage errors).
sync: like check, then, when the clock is outside the interval, step it to
  the interval's midpoint (clock_settime; needs CAP_SYS_TIME). Never without
  a quorum, never on contradicting answers, never backwards without
  --allow-backwards. The evidence (the chained answers as a malfeasance-
  report file that verify-report checks, plus the step) goes to --evidence
  FILE (default $STATE_DIRECTORY/sync-evidence-<unix>.json, else
  ./roughtime-sync-evidence-<unix>.json; never overwritten) before the step.
  --dry-run prints the decision and the target and changes nothing.
  Exit 0 inside or stepped (or would step), 1 no quorum, 2 usage, 3
  malfeasance, 4 backward step refused, 5 step due but not made.
verify-report: check a malfeasance report offline: every signature, every
  chained nonce, and which pairs contradict each other.
  --draft-contexts       let version-1 entries use the pre-RFC 'RoughTime'
                         contexts (needed for RFC 10049 Appendix B)

Options for query, measure, check and sync:
  --tcp                  use TCP (same framed packets on a stream)
  --no-tcp-fallback      do not try TCP after every UDP attempt failed
  --timeout D            wait per attempt (default 1s; "1.5" means seconds)
  --retries N            attempts after the first (default 2)
  --backoff D            first wait between attempts (default 1s), growing
                         1.5x per failure (RFC 10049 §5)
  --max-wait D           give up on a server after D in all (default 10s)
  --allow-pre-rfc-contexts  accept version-1 answers signed with the
                         pre-RFC 'RoughTime' contexts
  --json                 machine-readable output

Exit status (check and sync: see above):
  0  success (verified answer; consistent measurement; valid report that
     shows no inconsistency)
  1  no valid answer (query: none after all attempts; measure: some server
     gave none)
  2  usage error (bad flags or arguments, unreadable or malformed server
     list)
  3  malfeasance: measure found valid answers that contradict each other
     (report written); verify-report: the report is valid and proves it
  4  verify-report: the report is invalid (malformed, a signature or a
     chained nonce does not verify)
)";
}

}  // namespace roughtime::cli
