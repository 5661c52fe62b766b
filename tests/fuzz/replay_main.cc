// Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without
// libFuzzer, so the normal g++ build (and the sanitized CI build) runs every
// committed corpus input on every change (docs/FUZZING.md, "Corpus replay").
// A broken invariant aborts (fuzz_support.h InvariantFailed); a sanitizer
// report fails the run the same way.
//
//   <target>_replay tests/fuzz/corpus/<target>.hex   # packed corpus
//   <target>_replay build-fuzz/artifacts/<target>/   # a directory of inputs
//   <target>_replay crash-1234                       # one raw input
//
// A packed corpus (tools/fuzz-pack.sh) holds one input per line in hex;
// lines starting with '#' are comments. Exits 1 when an argument cannot be
// read, a line is not hex, or no input was replayed at all (an empty
// corpus must not pass silently).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "roughtime/bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void Run(const roughtime::Bytes& input) {
  LLVMFuzzerTestOneInput(input.data(), input.size());
}

// Returns the number of inputs replayed, or nullopt on a read error.
std::optional<size_t> ReplayPacked(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  size_t count = 0;
  size_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const absl::StatusOr<roughtime::Bytes> input = roughtime::HexDecode(line);
    if (!input.ok()) {
      std::cerr << path.string() << ":" << line_number << ": not hex\n";
      return std::nullopt;
    }
    Run(*input);
    ++count;
  }
  return count;
}

std::optional<size_t> ReplayRaw(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const roughtime::Bytes input((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  Run(input);
  return 1;
}

std::optional<size_t> Replay(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    size_t count = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(path, error)) {
      if (!entry.is_regular_file()) continue;
      const std::optional<size_t> n = ReplayRaw(entry.path());
      if (!n) return std::nullopt;
      count += *n;
    }
    if (error) return std::nullopt;
    return count;
  }
  if (path.extension() == ".hex") return ReplayPacked(path);
  return ReplayRaw(path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " CORPUS.hex|DIR|FILE...\n";
    return 2;
  }
  size_t total = 0;
  for (int i = 1; i < argc; ++i) {
    const std::optional<size_t> n = Replay(argv[i]);
    if (!n) {
      std::cerr << argv[0] << ": cannot replay " << argv[i] << "\n";
      return 1;
    }
    std::cout << "replayed " << *n << " inputs from " << argv[i] << "\n";
    total += *n;
  }
  if (total == 0) {
    std::cerr << argv[0] << ": no input replayed\n";
    return 1;
  }
  return 0;
}
