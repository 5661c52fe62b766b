// Unit tests of include/roughtime/keyfile.h on real files in a scratch
// directory, with real Ed25519 keys and certificates from the core.
#include "roughtime/keyfile.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"
#include "support/files.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

Seed RandomSeed() {
  Seed seed;
  RandomBytes(MutableByteSpan(seed.data(), seed.size()));
  return seed;
}

// ----- WriteFileAtomically -----

TEST(WriteFileAtomicallyTest, CreatesFileWithExactModeWhateverTheUmask) {
  TempDir dir;
  const mode_t old_umask = umask(0077);
  const absl::Status s0 =
      WriteFileAtomically(dir.File("a"), "alpha\n", 0640, false);
  umask(0);
  const absl::Status s1 = WriteFileAtomically(dir.File("b"), "beta", 0600, false);
  umask(old_umask);
  ASSERT_TRUE(s0.ok()) << s0;
  ASSERT_TRUE(s1.ok()) << s1;
  EXPECT_EQ(FileMode(dir.File("a")), 0640);
  EXPECT_EQ(FileMode(dir.File("b")), 0600);
  EXPECT_EQ(ReadFile(dir.File("a")), "alpha\n");
  EXPECT_EQ(ReadFile(dir.File("b")), "beta");
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("a", "b"));  // no temp files
}

TEST(WriteFileAtomicallyTest, NeverReplacesAnExistingFileWithoutOverwrite) {
  TempDir dir;
  WriteFile(dir.File("key"), "original", 0600);
  const absl::Status s = WriteFileAtomically(dir.File("key"), "new", 0600, false);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  EXPECT_THAT(Msg(s), HasSubstr("already exists"));
  EXPECT_EQ(ReadFile(dir.File("key")), "original");
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("key"));
}

TEST(WriteFileAtomicallyTest, ADanglingSymlinkCountsAsExisting) {
  TempDir dir;
  ASSERT_EQ(symlink(dir.File("target").c_str(), dir.File("link").c_str()), 0);
  const absl::Status s = WriteFileAtomically(dir.File("link"), "x", 0600, false);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  // Nothing was written through the link.
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("link"));
}

TEST(WriteFileAtomicallyTest, ReplacesWhenAskedAndKeepsTheNewMode) {
  TempDir dir;
  WriteFile(dir.File("key"), "original", 0644);
  const absl::Status s = WriteFileAtomically(dir.File("key"), "new", 0600, true);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(ReadFile(dir.File("key")), "new");
  EXPECT_EQ(FileMode(dir.File("key")), 0600);
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("key"));
}

TEST(WriteFileAtomicallyTest, MissingDirectoryFailsWithoutLeavingFiles) {
  TempDir dir;
  const absl::Status s =
      WriteFileAtomically(dir.File("missing/key"), "x", 0600, false);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(Msg(s), HasSubstr("No such file or directory"));
  EXPECT_THAT(ListDir(dir.path()), IsEmpty());
}

TEST(WriteFileAtomicallyTest, RegularFileAsDirectoryFails) {
  TempDir dir;
  WriteFile(dir.File("file"), "data", 0600);
  const absl::Status s =
      WriteFileAtomically(dir.File("file/key"), "x", 0600, false);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(Msg(s), HasSubstr("Not a directory"));
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("file"));
}

TEST(WriteFileAtomicallyTest, FailedRenameRemovesTheTemporaryFile) {
  TempDir dir;
  // The target is a non-empty directory: the temp file is written and
  // synced, then rename() fails. The temp file must not survive.
  ASSERT_EQ(mkdir(dir.File("key").c_str(), 0700), 0);
  WriteFile(dir.File("key/inside"), "x", 0600);
  const absl::Status s = WriteFileAtomically(dir.File("key"), "new", 0600, true);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(Msg(s), HasSubstr("cannot replace"));
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("key"));
}

TEST(WriteFileAtomicallyTest, FailedWriteRemovesTheTemporaryFile) {
  TempDir dir;
  const std::string path = dir.File("key");
  // A child process with a 16-byte file size limit: write() fails with
  // EFBIG after the temp file exists. (Root ignores permission bits, the
  // size limit it does not.)
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {16, 16};
    setrlimit(RLIMIT_FSIZE, &limit);
    const absl::Status s =
        WriteFileAtomically(path, std::string(100, 'k'), 0600, false);
    const bool ok = !s.ok() && Msg(s).find("File too large") != std::string::npos;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "write did not fail as expected";
  EXPECT_THAT(ListDir(dir.path()), IsEmpty());
}

TEST(WriteFileAtomicallyTest, RejectsPathsThatNameADirectory) {
  TempDir dir;
  EXPECT_FALSE(WriteFileAtomically(dir.path() + "/", "x", 0600, false).ok());
  EXPECT_FALSE(WriteFileAtomically("", "x", 0600, false).ok());
  EXPECT_FALSE(WriteFileAtomically(dir.File("k"), "x", 01600, false).ok());
  EXPECT_THAT(ListDir(dir.path()), IsEmpty());
}

// ----- Seed files -----

TEST(SeedFileTest, WritesHexWithNewlineMode0600AndReadsItBack) {
  TempDir dir;
  const Seed seed = RandomSeed();
  ASSERT_TRUE(WriteSeedFile(dir.File("root.key"), seed, false).ok());
  EXPECT_EQ(FileMode(dir.File("root.key")), 0600);
  EXPECT_EQ(ReadFile(dir.File("root.key")), HexEncode(seed) + "\n");
  absl::StatusOr<Seed> read = ReadSeedFile(dir.File("root.key"));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, seed);
  // A second write without overwrite keeps the first key.
  const absl::Status again = WriteSeedFile(dir.File("root.key"), RandomSeed(), false);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(*ReadSeedFile(dir.File("root.key")), seed);
}

TEST(SeedFileTest, AcceptsRawHexAndBase64Forms) {
  TempDir dir;
  Seed seed = RandomSeed();
  seed[0] = 0x00;  // makes sure the raw form is not mistaken for text
  const std::string raw(reinterpret_cast<const char*>(seed.data()), seed.size());
  std::string upper_hex = HexEncode(seed);
  for (char& c : upper_hex) c = static_cast<char>(toupper(c));
  std::string unpadded = Base64Encode(seed);
  while (unpadded.back() == '=') unpadded.pop_back();
  const std::vector<std::string> forms = {
      raw,
      HexEncode(seed),
      "  " + upper_hex + "\r\n\n",
      Base64Encode(seed) + "\n",
      unpadded,
  };
  for (size_t i = 0; i < forms.size(); ++i) {
    const std::string path = dir.File("k" + std::to_string(i));
    WriteFile(path, forms[i], 0600);
    absl::StatusOr<Seed> read = ReadSeedFile(path);
    ASSERT_TRUE(read.ok()) << "form " << i << ": " << read.status();
    EXPECT_EQ(*read, seed) << "form " << i;
  }
}

TEST(SeedFileTest, RefusesGroupOrWorldAccessNamingModeAndFix) {
  TempDir dir;
  const std::string hex = HexEncode(RandomSeed());
  for (int mode : {0640, 0604, 0620, 0602, 0610, 0601, 0644, 0666}) {
    const std::string path = dir.File("root.key");
    WriteFile(path, hex, mode);
    absl::StatusOr<Seed> read = ReadSeedFile(path);
    ASSERT_FALSE(read.ok()) << "mode " << std::oct << mode;
    char mode_text[8];
    snprintf(mode_text, sizeof(mode_text), "%04o", mode);
    EXPECT_THAT(Msg(read.status()), HasSubstr(mode_text));
    EXPECT_THAT(Msg(read.status()), HasSubstr("chmod 600 " + path));
    EXPECT_THAT(Msg(read.status()), ::testing::Not(HasSubstr(hex)));
  }
  // 0400 is fine: only the owner can read.
  WriteFile(dir.File("ro.key"), hex, 0400);
  EXPECT_TRUE(ReadSeedFile(dir.File("ro.key")).ok());
}

// systemd >= 254 hands LoadCredential= files to the service root-owned and
// 0440 in $CREDENTIALS_DIRECTORY; that shape is accepted there and only
// there, and never with write or other bits.
TEST(SeedFileTest, AcceptsReadOnlyRootCredentialsOnlyInTheCredentialsDir) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to own the file as root";
  TempDir credentials;
  TempDir elsewhere;
  const std::string hex = HexEncode(RandomSeed());
  WriteFile(credentials.File("root.key"), hex, 0440);
  WriteFile(elsewhere.File("root.key"), hex, 0440);
  WriteFile(credentials.File("writable.key"), hex, 0460);
  WriteFile(credentials.File("world.key"), hex, 0444);
  ASSERT_EQ(setenv("CREDENTIALS_DIRECTORY", credentials.path().c_str(), 1),
            0);
  EXPECT_TRUE(ReadSeedFile(credentials.File("root.key")).ok());
  EXPECT_FALSE(ReadSeedFile(elsewhere.File("root.key")).ok());
  EXPECT_FALSE(ReadSeedFile(credentials.File("writable.key")).ok());
  EXPECT_FALSE(ReadSeedFile(credentials.File("world.key")).ok());
  unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_FALSE(ReadSeedFile(credentials.File("root.key")).ok());
}

TEST(SeedFileTest, RefusesSymlinksEvenToGoodFiles) {
  TempDir dir;
  WriteFile(dir.File("real.key"), HexEncode(RandomSeed()), 0600);
  ASSERT_EQ(symlink(dir.File("real.key").c_str(), dir.File("link.key").c_str()), 0);
  absl::StatusOr<Seed> read = ReadSeedFile(dir.File("link.key"));
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(Msg(read.status()), HasSubstr("symbolic link"));
}

TEST(SeedFileTest, RefusesMissingFilesAndDirectories) {
  TempDir dir;
  absl::StatusOr<Seed> missing = ReadSeedFile(dir.File("nope.key"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  ASSERT_EQ(mkdir(dir.File("d").c_str(), 0700), 0);
  absl::StatusOr<Seed> d = ReadSeedFile(dir.File("d"));
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(Msg(d.status()), HasSubstr("not a regular file"));
}

struct BadContent {
  std::string name;
  std::string contents;
  std::string expected_message;
};

TEST(SeedFileTest, TruncatedOrGarbageContentGetsAPreciseError) {
  TempDir dir;
  const std::string hex = HexEncode(RandomSeed());
  const std::string b64 = Base64Encode(RandomSeed());
  Seed seed = RandomSeed();
  seed[0] = 0;
  const std::string raw(reinterpret_cast<const char*>(seed.data()), 32);
  const std::vector<BadContent> cases = {
      {"empty", "", "is empty"},
      {"blank", " \n\t\n", "only whitespace"},
      {"half_hex", hex.substr(0, 32), "truncated: 32 hex digits, expected 64"},
      {"hex63", hex.substr(0, 63) + "\n", "truncated: 63 hex digits"},
      {"hex66", hex + "ab", "66 hex digits, expected 64"},
      {"short_b64", b64.substr(0, 20), "base64"},
      {"b64_of_16", Base64Encode(ByteSpan(seed.data(), 16)), "base64 of 16 bytes"},
      {"raw31", raw.substr(0, 31), "binary data"},
      {"raw33", raw + "x", "binary data"},
      {"garbage", "this is not a key!", "is not a key"},
      {"pem", "-----BEGIN PRIVATE KEY-----\n", "is not a key"},
      {"json", "{\"format\": \"roughtime-delegation\"}", "delegation file"},
      {"bad_hex", std::string(62, 'a') + "zz", "not all hex digits"},
  };
  for (const BadContent& c : cases) {
    const std::string path = dir.File(c.name);
    WriteFile(path, c.contents, 0600);
    absl::StatusOr<Seed> read = ReadSeedFile(path);
    ASSERT_FALSE(read.ok()) << c.name;
    EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(Msg(read.status()), HasSubstr(c.expected_message)) << c.name;
    EXPECT_THAT(Msg(read.status()), HasSubstr(path)) << c.name;
    EXPECT_EQ(Msg(read.status()).find('\n'), std::string::npos) << c.name;
  }
}

}  // namespace
}  // namespace roughtime::testing
