// A fixed amount of batch work for `valgrind --tool=callgrind`, whose
// instruction counts are repeatable on a noisy machine:
//   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out
//       build/tools/bench/roughtime-callgrind-batch v1 64 100
// prints nothing but the responses written; divide the instructions of
// RunBatch (callgrind_annotate --inclusive=yes) by batch * rounds.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "batch_fixture.h"

int main(int argc, char** argv) {
  using roughtime::bench::Family;
  if (argc != 4) {
    std::fprintf(stderr,
                 "usage: %s v1|0x8000000c|draft-11|google BATCH ROUNDS\n",
                 argv[0]);
    return 2;
  }
  const std::string name = argv[1];
  Family family;
  if (name == "v1") family = Family::kRfc1;
  else if (name == "0x8000000c") family = Family::kDraft12;
  else if (name == "draft-11") family = Family::kDraft08To11;
  else if (name == "google") family = Family::kGoogle;
  else {
    std::fprintf(stderr, "%s: error: unknown family '%s'\n", argv[0], argv[1]);
    return 2;
  }
  const long batch = std::strtol(argv[2], nullptr, 10);
  const long rounds = std::strtol(argv[3], nullptr, 10);
  if (batch < 1 || batch > 512 || rounds < 1) {
    std::fprintf(stderr, "%s: error: BATCH must be 1..512, ROUNDS >= 1\n", argv[0]);
    return 2;
  }
  const roughtime::bench::BatchFixture fixture(family, batch);
  roughtime::BatchResponder responder(&fixture.identity,
                                      roughtime::VersionSet::All(), batch);
  size_t written = 0;
  for (long r = 0; r < rounds; ++r) written += fixture.RunBatch(responder);
  std::printf("%zu\n", written);
  return written == static_cast<size_t>(batch * rounds) ? 0 : 1;
}
