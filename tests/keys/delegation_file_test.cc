// Delegation files (include/roughtime/keyfile.h, docs/KEYS.md): written
// from a real delegation, read back and verified; every kind of damage or
// inconsistency refused with a one-line error.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "roughtime/keyfile.h"
#include "support/files.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr DelegationWindow kWindow{1764000000, 1766592000};

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

class DelegationFileTest : public ::testing::Test {
 protected:
  DelegationFileTest()
      : root_(SigningKey::Generate()),
        identity_(DelegateOnlineKey(root_, kWindow)),
        path_(dir_.File("delegation.json")) {}

  // Writes the identity, then lets `edit` change the JSON before it is
  // written back (mode 0600) for the reader to judge.
  template <typename Edit>
  absl::Status ReadEdited(Edit edit) {
    const absl::Status written = WriteDelegationFile(path_, identity_, true);
    if (!written.ok()) return written;
    nlohmann::json j = nlohmann::json::parse(ReadFile(path_));
    edit(j);
    WriteFile(path_, j.dump(2), 0600);
    return ReadDelegationFile(path_).status();
  }

  TempDir dir_;
  SigningKey root_;
  OnlineIdentity identity_;
  std::string path_;
};

TEST_F(DelegationFileTest, RoundTripsEveryFamilyWithMode0600) {
  ASSERT_TRUE(WriteDelegationFile(path_, identity_, false).ok());
  EXPECT_EQ(FileMode(path_), 0600);
  EXPECT_THAT(ListDir(dir_.path()), ElementsAre("delegation.json"));

  absl::StatusOr<OnlineIdentity> read = ReadDelegationFile(path_);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->online_key.public_key(), identity_.online_key.public_key());
  EXPECT_EQ(read->online_key.seed(), identity_.online_key.seed());
  EXPECT_EQ(read->root_public_key, root_.public_key());
  EXPECT_EQ(read->window.mint_seconds, kWindow.mint_seconds);
  EXPECT_EQ(read->window.maxt_seconds, kWindow.maxt_seconds);
  for (size_t i = 0; i < kNumCertFamilies; ++i) {
    EXPECT_FALSE(read->certs[i].empty()) << "family " << i;
    EXPECT_EQ(read->certs[i], identity_.certs[i]) << "family " << i;
  }
  // The loaded key signs what the root delegated to: a signature made with
  // it verifies under the online public key in the CERTs.
  const Signature sig = read->online_key.Sign("ctx", AsBytes("message"));
  EXPECT_TRUE(VerifySignature(identity_.online_key.public_key(), "ctx",
                              AsBytes("message"), sig));
}

TEST_F(DelegationFileTest, FileHasTheDocumentedFields) {
  ASSERT_TRUE(WriteDelegationFile(path_, identity_, false).ok());
  const nlohmann::json j = nlohmann::json::parse(ReadFile(path_));
  EXPECT_EQ(j["format"], "roughtime-delegation");
  EXPECT_EQ(j["format_version"], 1);
  EXPECT_EQ(j["online_private_seed"], HexEncode(identity_.online_key.seed()));
  EXPECT_EQ(j["online_public_key"],
            HexEncode(identity_.online_key.public_key()));
  EXPECT_EQ(j["root_public_key"], HexEncode(root_.public_key()));
  EXPECT_EQ(j["mint"], kWindow.mint_seconds);
  EXPECT_EQ(j["maxt"], kWindow.maxt_seconds);
  EXPECT_EQ(j["certs"]["rfc-1"], HexEncode(identity_.cert(CertFamily::kRfc1)));
  EXPECT_EQ(j["certs"]["draft-12"],
            HexEncode(identity_.cert(CertFamily::kDraft12)));
  EXPECT_EQ(j["certs"]["draft-08-11"],
            HexEncode(identity_.cert(CertFamily::kDraft08To11)));
  EXPECT_EQ(j["certs"]["google"], HexEncode(identity_.cert(CertFamily::kGoogle)));
  // The root key's private half is nowhere in the file.
  EXPECT_EQ(ReadFile(path_).find(HexEncode(root_.seed())),
            std::string::npos);
}

TEST_F(DelegationFileTest, OnlyTheServedFamiliesAreWrittenAndRead) {
  identity_ = DelegateOnlineKey(root_, kWindow, VersionSet{Version::kRfc1});
  ASSERT_TRUE(WriteDelegationFile(path_, identity_, false).ok());
  const nlohmann::json j = nlohmann::json::parse(ReadFile(path_));
  EXPECT_EQ(j["certs"].size(), 1u);
  absl::StatusOr<OnlineIdentity> read = ReadDelegationFile(path_);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_FALSE(read->cert(CertFamily::kRfc1).empty());
  EXPECT_TRUE(read->cert(CertFamily::kDraft12).empty());
  EXPECT_TRUE(read->cert(CertFamily::kGoogle).empty());
}

TEST_F(DelegationFileTest, RefusesOverwriteAndGroupReadableFiles) {
  ASSERT_TRUE(WriteDelegationFile(path_, identity_, false).ok());
  const std::string before = ReadFile(path_);
  const OnlineIdentity other = DelegateOnlineKey(root_, kWindow);
  EXPECT_EQ(WriteDelegationFile(path_, other, false).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(path_), before);
  ASSERT_EQ(chmod(path_.c_str(), 0640), 0);
  absl::StatusOr<OnlineIdentity> read = ReadDelegationFile(path_);
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(Msg(read.status()), HasSubstr("0640"));
  EXPECT_THAT(Msg(read.status()), HasSubstr("chmod 600 " + path_));
}

TEST_F(DelegationFileTest, TamperedCertificateDoesNotVerify) {
  const absl::Status s = ReadEdited([](nlohmann::json& j) {
    std::string cert = j["certs"]["draft-12"];
    // A hex digit inside the 64-byte SIG (after the 16-byte header).
    cert[40] = cert[40] == '0' ? '1' : '0';
    j["certs"]["draft-12"] = cert;
  });
  EXPECT_THAT(Msg(s), HasSubstr("CERT draft-12 does not verify"));
}

TEST_F(DelegationFileTest, CertificateFromAnotherRootIsRefused) {
  const SigningKey other_root = SigningKey::Generate();
  const absl::Status s = ReadEdited([&](nlohmann::json& j) {
    j["root_public_key"] = HexEncode(other_root.public_key());
  });
  EXPECT_THAT(Msg(s), HasSubstr("does not verify under the root public key"));
}

TEST_F(DelegationFileTest, CertificateForAnotherOnlineKeyIsRefused) {
  const OnlineIdentity other = DelegateOnlineKey(root_, kWindow);
  const absl::Status s = ReadEdited([&](nlohmann::json& j) {
    j["certs"]["rfc-1"] = HexEncode(other.cert(CertFamily::kRfc1));
  });
  EXPECT_THAT(Msg(s), HasSubstr("CERT rfc-1 delegates to another key"));
}

TEST_F(DelegationFileTest, OnlinePublicKeyMustMatchTheSeed) {
  const absl::Status s = ReadEdited([](nlohmann::json& j) {
    j["online_public_key"] = HexEncode(SigningKey::Generate().public_key());
  });
  EXPECT_THAT(Msg(s), HasSubstr("online_public_key is not the public key"));
}

TEST_F(DelegationFileTest, WindowMustMatchTheCertificates) {
  EXPECT_THAT(Msg(ReadEdited([](nlohmann::json& j) {
                j["maxt"] = kWindow.maxt_seconds + 1;
              })),
              HasSubstr("other than the file's mint/maxt"));
  EXPECT_THAT(Msg(ReadEdited([](nlohmann::json& j) {
                j["mint"] = kWindow.maxt_seconds + 1;
              })),
              HasSubstr("inverted window"));
}

TEST_F(DelegationFileTest, StructuralDamageGetsOneLineErrors) {
  const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>>
      cases = {
          {"missing field \"maxt\"", [](nlohmann::json& j) { j.erase("maxt"); }},
          {"unknown field \"extra\"", [](nlohmann::json& j) { j["extra"] = 1; }},
          {"format must be", [](nlohmann::json& j) { j["format"] = "other"; }},
          {"unsupported format_version",
           [](nlohmann::json& j) { j["format_version"] = 2; }},
          {"online_private_seed has 62 characters",
           [](nlohmann::json& j) {
             std::string s = j["online_private_seed"];
             j["online_private_seed"] = s.substr(0, 62);
           }},
          {"mint must be a non-negative whole number",
           [](nlohmann::json& j) { j["mint"] = -5; }},
          {"maxt must be a non-negative whole number",
           [](nlohmann::json& j) { j["maxt"] = "soon"; }},
          {"certs must be an object with at least one CERT",
           [](nlohmann::json& j) { j["certs"] = nlohmann::json::object(); }},
          {"unknown certificate family \"draft-99\"",
           [](nlohmann::json& j) { j["certs"]["draft-99"] = "00"; }},
          {"certs.rfc-1 is not valid hex",
           [](nlohmann::json& j) { j["certs"]["rfc-1"] = "xyz"; }},
          {"root_public_key is not a public key",
           [](nlohmann::json& j) { j["root_public_key"] = "abcd"; }},
      };
  for (const auto& [expected, edit] : cases) {
    const absl::Status s = ReadEdited(edit);
    EXPECT_FALSE(s.ok()) << expected;
    EXPECT_THAT(Msg(s), HasSubstr(expected));
    EXPECT_THAT(Msg(s), HasSubstr(path_));
    EXPECT_EQ(Msg(s).find('\n'), std::string::npos);
    EXPECT_EQ(Msg(s).find(HexEncode(identity_.online_key.seed())),
              std::string::npos);
  }
}

TEST_F(DelegationFileTest, TruncatedOrGarbageFilesAreRefused) {
  ASSERT_TRUE(WriteDelegationFile(path_, identity_, false).ok());
  const std::string text = ReadFile(path_);
  WriteFile(path_, text.substr(0, text.size() / 2), 0600);
  EXPECT_THAT(Msg(ReadDelegationFile(path_).status()),
              HasSubstr("not valid JSON"));
  WriteFile(path_, "", 0600);
  EXPECT_THAT(Msg(ReadDelegationFile(path_).status()),
              HasSubstr("not valid JSON"));
  WriteFile(path_, "[1, 2]", 0600);
  EXPECT_THAT(Msg(ReadDelegationFile(path_).status()),
              HasSubstr("not a JSON object"));
}

TEST_F(DelegationFileTest, WriterRefusesAnIdentityThatWouldNotLoad) {
  const OnlineIdentity other = DelegateOnlineKey(root_, kWindow);
  identity_.certs[static_cast<size_t>(CertFamily::kRfc1)] =
      other.cert(CertFamily::kRfc1);
  const absl::Status s = WriteDelegationFile(path_, identity_, false);
  EXPECT_THAT(Msg(s), HasSubstr("delegates to another key"));
  EXPECT_THAT(ListDir(dir_.path()), IsEmpty());

  for (Bytes& cert : identity_.certs) cert.clear();
  EXPECT_THAT(Msg(WriteDelegationFile(path_, identity_, false)),
              HasSubstr("no CERT"));
  EXPECT_THAT(ListDir(dir_.path()), IsEmpty());
}

}  // namespace
}  // namespace roughtime::testing
