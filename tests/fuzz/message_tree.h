// A Roughtime message (RFC 10049 §4.2) decoded into an editable tree, and
// re-encoded WITHOUT enforcing the rules (tags may end up unsorted,
// duplicated, values unaligned): the structure-aware fuzzer edits a valid
// response here so the verifier sees well-framed messages that break one
// rule at a time.
#ifndef ROUGHTIME_TESTS_FUZZ_MESSAGE_TREE_H_
#define ROUGHTIME_TESTS_FUZZ_MESSAGE_TREE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "roughtime/bytes.h"

namespace roughtime::fuzz {

struct Node {
  uint32_t tag = 0;
  Bytes value;                 // used when !nested
  bool nested = false;         // SREP, CERT, DELE: a message inside
  std::vector<Node> children;  // used when nested
};

struct Tree {
  bool framed = false;  // ROUGHTIM header around the top message
  std::vector<Node> top;
};

// nullopt when `packet` is not a valid (framed or Google) message.
std::optional<Tree> DecodeTree(ByteSpan packet);
Bytes EncodeMessage(const std::vector<Node>& nodes);
Bytes EncodeTree(const Tree& tree);

// Every node of the tree in depth-first order (for addressing by index).
std::vector<Node*> AllNodes(Tree& tree);
Node* FindChild(std::vector<Node>& nodes, uint32_t tag);

}  // namespace roughtime::fuzz

#endif  // ROUGHTIME_TESTS_FUZZ_MESSAGE_TREE_H_
