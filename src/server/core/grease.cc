#include "server/core/grease.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

#include "roughtime/crypto.h"
#include "roughtime/response.h"
#include "roughtime/tags.h"
#include "roughtime/wire.h"

namespace roughtime::server {
namespace {

// Where a value that MessageView found lies in the caller's buffer.
uint8_t* Mutable(MutableByteSpan buffer, ByteSpan value) {
  return buffer.data() + (value.data() - buffer.data());
}

bool FlipSignature(MutableByteSpan buffer, const MessageView& message) {
  const std::optional<ByteSpan> sig = message.Find(kTagSig);
  if (!sig.has_value() || sig->empty()) return false;
  Mutable(buffer, *sig)[0] ^= 0x01;
  return true;
}

// Rebuilds `message` without `drop` and/or with `add` (a 4-byte zero value)
// into out; returns the new message size.
std::optional<size_t> Rebuild(const MessageView& message,
                              std::optional<uint32_t> drop,
                              std::optional<uint32_t> add,
                              MutableByteSpan out) {
  std::vector<std::pair<uint32_t, ByteSpan>> tags;
  static constexpr uint8_t kZero[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < message.num_tags(); ++i) {
    if (drop.has_value() && message.tag(i) == *drop) continue;
    tags.emplace_back(message.tag(i), message.value(i));
  }
  if (add.has_value()) {
    if (message.Has(*add)) return std::nullopt;
    tags.emplace_back(*add, ByteSpan(kZero, 4));
    std::sort(tags.begin(), tags.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  std::vector<size_t> sizes;
  for (const auto& t : tags) sizes.push_back(t.second.size());
  const size_t size = EncodedMessageSize(sizes);
  if (size > out.size()) return std::nullopt;
  MessageBuilder builder(out.subspan(0, size), tags.size());
  for (const auto& [tag, value] : tags) {
    if (!builder.AddBytes(tag, value).ok()) return std::nullopt;
  }
  absl::StatusOr<size_t> done = builder.Finish();
  if (!done.ok()) return std::nullopt;
  return *done;
}

}  // namespace

GreasePolicy::GreasePolicy(double rate)
    : rate_(std::clamp(rate, 0.0, 1.0)),
      threshold_(static_cast<uint64_t>(rate_ * 4294967296.0)) {}

std::optional<GreaseKind> GreasePolicy::Choose(uint64_t random) const {
  if ((random >> 32) >= threshold_) return std::nullopt;
  const uint64_t kinds = static_cast<uint64_t>(GreaseKind::kCount);
  return static_cast<GreaseKind>((random & 0xffffffffu) % kinds);
}

std::optional<size_t> ApplyGrease(GreaseKind kind, MutableByteSpan response,
                                  size_t size, size_t limit) {
  const bool framed = HasFrameMagic(ByteSpan(response.data(), size));
  const size_t offset = framed ? kFrameHeaderSize : 0;
  if (size < offset) return std::nullopt;
  const ByteSpan message_bytes(response.data() + offset, size - offset);
  const std::optional<MessageView> message = MessageView::TryParse(message_bytes);
  if (!message.has_value()) return std::nullopt;

  switch (kind) {
    case GreaseKind::kBadSrepSignature:
      return FlipSignature(response, *message) ? std::optional(size)
                                               : std::nullopt;
    case GreaseKind::kBadDeleSignature: {
      absl::StatusOr<MessageView> cert = message->GetMessage(kTagCert);
      if (!cert.ok()) return std::nullopt;
      return FlipSignature(response, *cert) ? std::optional(size)
                                            : std::nullopt;
    }
    case GreaseKind::kVersionNotOffered: {
      std::optional<ByteSpan> ver = message->Find(kTagVer);
      if (!ver.has_value()) {
        absl::StatusOr<MessageView> srep = message->GetMessage(kTagSrep);
        if (srep.ok()) ver = srep->Find(kTagVer);
      }
      if (!ver.has_value() || ver->size() != 4) {
        // Google-Roughtime carries no version: a bad signature instead.
        return FlipSignature(response, *message) ? std::optional(size)
                                                 : std::nullopt;
      }
      StoreLE32(Mutable(response, *ver), kGreaseVersion);
      return size;
    }
    case GreaseKind::kMissingTag:
    case GreaseKind::kUndefinedTag: {
      std::array<uint8_t, kMaxResponseSize + 64> scratch;
      const std::optional<size_t> rebuilt =
          kind == GreaseKind::kMissingTag
              ? Rebuild(*message, kTagSig, std::nullopt, absl::MakeSpan(scratch))
              : Rebuild(*message, std::nullopt, kGreaseTag,
                        absl::MakeSpan(scratch));
      if (!rebuilt.has_value() || offset + *rebuilt > limit ||
          offset + *rebuilt > response.size()) {
        return std::nullopt;
      }
      if (framed) {
        WriteFrameHeader(response.data(), static_cast<uint32_t>(*rebuilt));
      }
      std::memcpy(response.data() + offset, scratch.data(), *rebuilt);
      return offset + *rebuilt;
    }
    case GreaseKind::kCount:
      break;
  }
  return std::nullopt;
}

GreaseRandom::GreaseRandom() {
  uint8_t seed[8];
  RandomBytes(MutableByteSpan(seed, sizeof(seed)));
  state_ = LoadLE64(seed) | 1;
}

uint64_t GreaseRandom::Next() {
  // splitmix64.
  uint64_t z = (state_ += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

}  // namespace roughtime::server
