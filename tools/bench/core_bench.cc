// Micro-benchmarks of the protocol core, per version family and batch size:
// request parsing, the whole batch path, the Merkle tree and signing.
// Run: build/tools/bench/roughtime-core-bench --benchmark_repetitions=5
//      --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "batch_fixture.h"
#include "roughtime/crypto.h"
#include "roughtime/merkle.h"
#include "roughtime/version.h"

namespace roughtime::bench {
namespace {

void BM_ParseRequest(benchmark::State& state) {
  const auto family = static_cast<Family>(state.range(0));
  const BatchFixture fixture(family, 1);
  state.SetLabel(FamilyName(family));
  for (auto _ : state) {
    ParsedRequest parsed;
    benchmark::DoNotOptimize(
        ParseRequest(fixture.packets[0], fixture.policy, &parsed));
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_ParseRequest)->DenseRange(0, 3);

// The whole server-side cost of a batch, per request: parse, leaf hash,
// tree, one signature, and writing every response.
void BM_BatchPath(benchmark::State& state) {
  const auto family = static_cast<Family>(state.range(0));
  const auto batch = static_cast<size_t>(state.range(1));
  const BatchFixture fixture(family, batch);
  BatchResponder responder(&fixture.identity, VersionSet::All(), batch);
  state.SetLabel(FamilyName(family));
  for (auto _ : state) {
    benchmark::DoNotOptimize(fixture.RunBatch(responder));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
}
BENCHMARK(BM_BatchPath)
    ->ArgsProduct({{0, 1, 2, 3}, {1, 8, 64, 512}})
    ->Unit(benchmark::kMicrosecond);

void BM_MerkleTree(benchmark::State& state) {
  const auto leaves = static_cast<size_t>(state.range(0));
  const auto hash_size = static_cast<size_t>(state.range(1));
  MerkleTree tree(hash_size, leaves);
  const Bytes leaf(1036, 0x42);
  for (auto _ : state) {
    tree.Reset();
    for (size_t i = 0; i < leaves; ++i) tree.AddLeaf(leaf);
    tree.Build();
    benchmark::DoNotOptimize(tree.root().data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(leaves));
}
BENCHMARK(BM_MerkleTree)->ArgsProduct({{1, 8, 64, 512}, {32, 64}});

void BM_SignSrep(benchmark::State& state) {
  const SigningKey key = SigningKey::Generate();
  const Bytes srep(92, 7);
  uint8_t sig[kSignatureSize];
  for (auto _ : state) {
    key.SignInto(kRfcResponseContext, srep, sig);
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_SignSrep);

}  // namespace
}  // namespace roughtime::bench

BENCHMARK_MAIN();
