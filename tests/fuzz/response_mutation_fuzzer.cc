// Structure-aware response fuzzing: starts from a genuine response of one
// vector case (response_cases.h), decodes it into a tree (SREP, CERT, DELE
// nested), applies the edits the input describes, re-encodes it, and hands
// it to VerifyResponse. Plain byte mutation rarely gets past the message
// parser; edited trees reach every later check of RFC 10049 §5.4. When the
// vector publishes its private keys, the input may ask to re-sign SREP and
// DELE after the edits, so the checks after the signatures (MINT <= MIDP <=
// MAXT, NONC, Merkle path, INDX, VERS) are fuzzed too.
//
// Input: [case][flags: bit 0 re-sign] then 4-byte edits [op, node, a, b].
#include <cstddef>
#include <cstdint>

#include "message_tree.h"
#include "response_cases.h"
#include "roughtime/tags.h"

namespace roughtime::fuzz {
namespace {

constexpr uint32_t kTags[] = {kTagSig,  kTagVer,  kTagSrv,  kTagNonc,
                              kTagDele, kTagType, kTagPath, kTagRadi,
                              kTagPubk, kTagMidp, kTagSrep, kTagVers,
                              kTagMint, kTagRoot, kTagCert, kTagMaxt,
                              kTagIndx, kTagZzzz, kTagPadGoogle, 0};

// Values that sit on boundaries of the checks (0, 1, all ones, the
// genuine value +-1 is reached by byte edits).
uint64_t Special(uint8_t a, uint8_t b) {
  switch (a % 6) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ~uint64_t{0};
    case 3: return uint64_t{1} << (b % 64);
    case 4: return 0xffffffffu;
    default: return (uint64_t{b} << 8) | a;
  }
}

void Edit(Tree& tree, uint8_t op, uint8_t target, uint8_t a, uint8_t b) {
  std::vector<Node*> nodes = AllNodes(tree);
  if (nodes.empty()) return;
  Node& n = *nodes[target % nodes.size()];
  // The sibling list that holds n, for structural edits.
  std::vector<Node>* parent = &tree.top;
  for (Node* p : nodes) {
    if (p->nested && &n >= p->children.data() &&
        &n < p->children.data() + p->children.size()) {
      parent = &p->children;
    }
  }
  const size_t pos = static_cast<size_t>(&n - parent->data());
  switch (op % 10) {
    case 0:  // overwrite one byte
      if (!n.nested && !n.value.empty()) n.value[a % n.value.size()] = b;
      break;
    case 1:  // truncate (to a multiple of 4 unless b is odd)
      if (!n.nested) {
        size_t len = a % (n.value.size() + 1);
        if (!(b & 1)) len &= ~size_t{3};
        n.value.resize(len);
      }
      break;
    case 2:  // extend
      if (!n.nested) n.value.resize(n.value.size() + 4 * (a % 17), b);
      break;
    case 3:  // delete the tag
      parent->erase(parent->begin() + pos);
      break;
    case 4: {  // duplicate it in place (breaks the ascending-tag rule)
      Node copy = n;
      parent->insert(parent->begin() + pos, std::move(copy));
      break;
    }
    case 5:  // rename it
      n.tag = kTags[a % std::size(kTags)];
      if (b & 1) n.tag ^= uint32_t{b} << 24;
      break;
    case 6:  // swap with the next sibling
      if (pos + 1 < parent->size()) std::swap((*parent)[pos], (*parent)[pos + 1]);
      break;
    case 7: {  // take another node's value (ROOT into NONC, ...)
      Node& other = *nodes[b % nodes.size()];
      if (!n.nested && !other.nested) {
        Bytes v = other.value;
        n.value = std::move(v);
      }
      break;
    }
    case 8:  // a boundary integer, as 4 or 8 bytes
      if (!n.nested) {
        n.value.assign((b & 1) ? 8 : 4, 0);
        const uint64_t v = Special(a, b);
        StoreLE32(n.value.data(), static_cast<uint32_t>(v));
        if (b & 1) StoreLE32(n.value.data() + 4, static_cast<uint32_t>(v >> 32));
      }
      break;
    default:  // flatten a nested message into raw bytes, or drop the frame
      if (n.nested) {
        n.value = EncodeMessage(n.children);
        n.nested = false;
        n.children.clear();
      } else if (a == 0) {
        tree.framed = !tree.framed;
      }
      break;
  }
}

CertFamily FamilyOf(Version v) {
  switch (v) {
    case Version::kGoogle: return CertFamily::kGoogle;
    case Version::kDraft12: return CertFamily::kDraft12;
    case Version::kRfc1: return CertFamily::kRfc1;
    default: return CertFamily::kDraft08To11;
  }
}

// Signs the edited SREP and DELE as the vector's server would have.
void Resign(Tree& tree, const ResponseCase& c) {
  Node* srep = FindChild(tree.top, kTagSrep);
  Node* sig = FindChild(tree.top, kTagSig);
  if (srep && srep->nested && sig) {
    const Signature s = SigningKey::FromSeed(*c.online_seed)
                            .Sign(Spec(c.version).response_context,
                                  EncodeMessage(srep->children));
    sig->value.assign(s.begin(), s.end());
  }
  Node* cert = FindChild(tree.top, kTagCert);
  if (!cert || !cert->nested) return;
  Node* dele = FindChild(cert->children, kTagDele);
  Node* cert_sig = FindChild(cert->children, kTagSig);
  if (dele && dele->nested && cert_sig) {
    const Signature s =
        SigningKey::FromSeed(*c.root_seed)
            .Sign(DelegationContext(FamilyOf(c.version)),
                  EncodeMessage(dele->children));
    cert_sig->value.assign(s.begin(), s.end());
  }
}

void Run(const uint8_t* data, size_t size) {
  if (size < 2) return;
  const std::vector<ResponseCase>& cases = ResponseCases();
  const ResponseCase& c = cases[data[0] % cases.size()];
  const bool resign = (data[1] & 1) && c.root_seed && c.online_seed;
  std::optional<Tree> tree = DecodeTree(c.response);
  if (!tree) InvariantFailed(c.name + ": genuine response does not decode");
  for (size_t i = 2; i + 4 <= size && i < 2 + 4 * 16; i += 4) {
    Edit(*tree, data[i], data[i + 1], data[i + 2], data[i + 3]);
  }
  if (resign) Resign(*tree, c);
  const Bytes edited = EncodeTree(*tree);
  absl::StatusOr<VerifiedResponse> verified =
      VerifyResponse(edited, c.options());
  if (!verified.ok()) {
    if (verified.status().message().empty()) {
      InvariantFailed("rejection without a reason");
    }
    return;
  }
  if (verified->raw_mint > verified->raw_midpoint ||
      verified->raw_midpoint > verified->raw_maxt) {
    InvariantFailed(c.name + ": accepted MIDP outside [MINT, MAXT]");
  }
  if (!resign) {
    absl::StatusOr<VerifiedResponse> genuine =
        VerifyResponse(c.response, c.options());
    if (verified->raw_midpoint != genuine->raw_midpoint ||
        verified->raw_radius != genuine->raw_radius) {
      InvariantFailed(c.name + ": an edited signed time verified");
    }
  }
}

}  // namespace
}  // namespace roughtime::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  roughtime::fuzz::Run(data, size);
  return 0;
}
