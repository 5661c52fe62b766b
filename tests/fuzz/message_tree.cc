#include "message_tree.h"

#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime::fuzz {
namespace {

bool IsNestedTag(uint32_t tag) {
  return tag == kTagSrep || tag == kTagCert || tag == kTagDele;
}

std::optional<std::vector<Node>> DecodeMessage(ByteSpan message, int depth) {
  std::optional<MessageView> view = MessageView::TryParse(message);
  if (!view) return std::nullopt;
  std::vector<Node> nodes;
  for (size_t i = 0; i < view->num_tags(); ++i) {
    Node node;
    node.tag = view->tag(i);
    ByteSpan value = view->value(i);
    if (depth < 2 && IsNestedTag(node.tag)) {
      if (std::optional<std::vector<Node>> children =
              DecodeMessage(value, depth + 1)) {
        node.nested = true;
        node.children = *std::move(children);
      }
    }
    if (!node.nested) node.value.assign(value.begin(), value.end());
    nodes.push_back(std::move(node));
  }
  return nodes;
}

void PutLE32(Bytes& out, uint32_t v) {
  uint8_t b[4];
  StoreLE32(b, v);
  out.insert(out.end(), b, b + 4);
}

}  // namespace

std::optional<Tree> DecodeTree(ByteSpan packet) {
  Tree tree;
  ByteSpan message = packet;
  if (HasFrameMagic(packet)) {
    absl::StatusOr<ByteSpan> inner = UnwrapFrame(packet);
    if (!inner.ok()) return std::nullopt;
    message = *inner;
    tree.framed = true;
  }
  std::optional<std::vector<Node>> top = DecodeMessage(message, 0);
  if (!top) return std::nullopt;
  tree.top = *std::move(top);
  return tree;
}

Bytes EncodeMessage(const std::vector<Node>& nodes) {
  std::vector<Bytes> values;
  for (const Node& n : nodes) {
    values.push_back(n.nested ? EncodeMessage(n.children) : n.value);
  }
  Bytes out;
  PutLE32(out, static_cast<uint32_t>(nodes.size()));
  uint32_t offset = 0;
  for (size_t i = 0; i + 1 < nodes.size(); ++i) {
    offset += static_cast<uint32_t>(values[i].size());
    PutLE32(out, offset);
  }
  for (const Node& n : nodes) PutLE32(out, n.tag);
  for (const Bytes& v : values) out.insert(out.end(), v.begin(), v.end());
  return out;
}

Bytes EncodeTree(const Tree& tree) {
  Bytes message = EncodeMessage(tree.top);
  if (!tree.framed) return message;
  Bytes packet(kFrameHeaderSize);
  WriteFrameHeader(packet.data(), static_cast<uint32_t>(message.size()));
  packet.insert(packet.end(), message.begin(), message.end());
  return packet;
}

static void Collect(std::vector<Node>& nodes, std::vector<Node*>& out) {
  for (Node& n : nodes) {
    out.push_back(&n);
    if (n.nested) Collect(n.children, out);
  }
}

std::vector<Node*> AllNodes(Tree& tree) {
  std::vector<Node*> out;
  Collect(tree.top, out);
  return out;
}

Node* FindChild(std::vector<Node>& nodes, uint32_t tag) {
  for (Node& n : nodes) {
    if (n.tag == tag) return &n;
  }
  return nullptr;
}

}  // namespace roughtime::fuzz
