// Test helpers that take a valid response apart and put it back together
// with one thing changed, so each client check can be shown to fire.
#ifndef ROUGHTIME_TESTS_CLIENT_MESSAGE_EDIT_H_
#define ROUGHTIME_TESTS_CLIENT_MESSAGE_EDIT_H_

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "absl/status/statusor.h"
#include "roughtime/bytes.h"

namespace roughtime::testing {

// Rebuilds the top-level message of `packet` (framed or not) with the tags
// in `remove` dropped and the values in `set` added or replaced. Every
// other value is copied byte for byte, so signatures over SREP and DELE
// stay valid.
absl::StatusOr<Bytes> RewriteTopLevel(ByteSpan packet,
                                      const std::map<uint32_t, Bytes>& set,
                                      const std::set<uint32_t>& remove);

// Flips the lowest bit of byte `offset` of the value reached by following
// `tags` from the top level (e.g. {CERT, SIG}).
absl::StatusOr<Bytes> FlipBitIn(ByteSpan packet,
                                const std::vector<uint32_t>& tags,
                                size_t offset);

// A copy of the value reached by `tags`.
absl::StatusOr<Bytes> ValueAt(ByteSpan packet,
                              const std::vector<uint32_t>& tags);

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_CLIENT_MESSAGE_EDIT_H_
